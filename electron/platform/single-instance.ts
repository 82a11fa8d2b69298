/** The part of Electron's `app` the single-instance rule needs. */
export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: () => void): unknown;
}

/**
 * One running app per user: a second start quits at once and brings the first one's window forward
 * (two instances would register the same SIP account twice and race on the database).
 */
export function enforceSingleInstance(app: SingleInstanceApp, focusExisting: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', focusExisting);
  return true;
}

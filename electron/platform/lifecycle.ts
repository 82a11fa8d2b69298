/** The part of Electron's `app` that start-up and quitting need. */
export interface LifecycleApp {
  whenReady(): Promise<void>;
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * Runs `start` once Electron is ready, and sends any error it throws or rejects with to `fail`.
 * `app.whenReady()` itself never rejects, so `whenReady().then(start, fail)` would leave a failing start
 * as an unhandled rejection: no window, no message, and a process that keeps the single-instance lock.
 */
export function startWhenReady(
  app: Pick<LifecycleApp, 'whenReady'>,
  start: () => Promise<void>,
  fail: (error: unknown) => void,
): Promise<void> {
  return app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error));
}

/** How long quitting waits for the services to close (the last audit upload, the database). */
export const DISPOSE_TIMEOUT_MS = 5_000;

/**
 * Quitting waits for `dispose()`: the first `will-quit` is held back (`preventDefault`) until the services
 * have closed, or `timeoutMs` has passed, and then the app quits for real. Electron does not wait for a
 * promise in `will-quit`, so without this the last audit upload and the clean database close are lost.
 */
export function quitAfterDispose(
  app: LifecycleApp,
  dispose: () => Promise<void>,
  options: { timeoutMs?: number; onError(error: unknown): void },
): void {
  let state: 'running' | 'disposing' | 'disposed' = 'running';
  const timeoutMs = options.timeoutMs ?? DISPOSE_TIMEOUT_MS;
  app.on('will-quit', (event) => {
    if (state === 'disposed') return;
    event.preventDefault();
    if (state === 'disposing') return;
    state = 'disposing';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        options.onError(new Error(`closing the services took longer than ${timeoutMs} ms`));
        resolve();
      }, timeoutMs);
    });
    void Promise.race([
      Promise.resolve()
        .then(dispose)
        .catch((error: unknown) => options.onError(error)),
      timeout,
    ]).then(() => {
      clearTimeout(timer);
      state = 'disposed';
      app.quit();
    });
  });
}

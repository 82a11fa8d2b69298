/**
 * Every window's security-relevant settings, as plain data so tests can check each one. These are the
 * Electron security checklist's choices; none may be loosened.
 */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    // A phone must ring without a click first: incoming calls start audio on their own.
    autoplayPolicy: 'no-user-gesture-required',
    devTools: true,
  } as const;
}

export function mainWindowOptions(preloadPath: string, title: string) {
  return {
    title,
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 560,
    show: false,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preloadPath),
  } as const;
}

/**
 * Every window's security-relevant settings, as plain data so tests can check each one. These are the
 * Electron security checklist's choices; none may be loosened.
 */
export function secureWebPreferences(preloadPath: string, options: { devTools: boolean }) {
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
    // The window is hidden, not closed, while the app runs in the background: its timers (ringing,
    // registration refresh, call timers) must keep their pace there.
    backgroundThrottling: false,
    // Off in installed builds unless policy `allowDevTools` asks for them (support): with DevTools anyone at
    // a locked computer could read the renderer's state. On in a development run.
    devTools: options.devTools,
  } as const;
}

export function mainWindowOptions(preloadPath: string, title: string, options: { devTools: boolean }) {
  return {
    title,
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 560,
    show: false,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preloadPath, options),
  } as const;
}

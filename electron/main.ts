import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  Notification,
  powerMonitor,
  protocol,
  session,
  shell,
} from 'electron';
import { lookup } from 'node:dns/promises';
import { join } from 'node:path';
import { desktopTexts } from '../shared/i18n/desktop-texts.js';
import { startupFailureMessage } from '../shared/i18n/startup-failure.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/ipc/bridge.js';
import { createAppServices, type AppServices } from './app-services.js';
import { createLogger, parseLogLevel } from './logging/logger.js';
import { pacRoutes } from './net/proxy-routes.js';
import { privilegedSchemes } from './platform/app-protocol.js';
import { appMenuTemplate, devToolsAllowed } from './platform/app-menu.js';
import { APP_USER_MODEL_ID, DESKTOP_NAME } from './platform/app-identity.js';
import { createCallNotifier } from './platform/call-notification.js';
import { installCertificateVerifier } from './platform/certificate-verifier.js';
import { createExportFolderChooser } from './platform/export-folder.js';
import { startsHidden } from './platform/background.js';
import { createDesktopShell } from './platform/desktop-shell.js';
import { installGuards } from './platform/install-guards.js';
import { watchLinuxSessionLock } from './platform/linux-session-lock.js';
import { createLocalNetworkGate } from './platform/local-network.js';
import { quitAfterDispose, startWhenReady } from './platform/lifecycle.js';
import { APP_ENTRY_URL, isAppUrl } from './platform/origin.js';
import { appProfile } from './platform/profile.js';
import { registerDialLinks } from './platform/protocol-handler.js';
import { sessionProxyResolver } from './platform/proxy.js';
import { answerProxyLogins } from './platform/proxy-login.js';
import { enforceSingleInstance } from './platform/single-instance.js';
import { electronUpdater } from './platform/updater.js';
import { mainWindowOptions } from './platform/web-preferences.js';
import { platformPolicySource } from './policy/platform-source.js';
import { InvalidPolicyError } from './policy/source.js';
import { createKeytarSecretStore } from './secrets/secret-store.js';

// Bootstrap only: every decision lives in a service or in platform/.
protocol.registerSchemesAsPrivileged([...privilegedSchemes]);
app.enableSandbox();
// To stderr only, never to a file; secrets never, personal data only at debug (SOFTPHONE_LOG_LEVEL=debug).
const logger = createLogger({ level: parseLogLevel(process.env.SOFTPHONE_LOG_LEVEL) });
// Before anything reads userData (the single-instance lock included): a development run keeps its own data.
const profile = appProfile(app.isPackaged, app.getPath('appData'), app.getName());
if (profile.userDataDir) app.setPath('userData', profile.userDataDir);
// Windows shows toasts only under the AppUserModelID of a Start-menu shortcut: the installer's (the appId).
// A development run has no such shortcut; Electron's docs name process.execPath for that case.
if (process.platform === 'win32')
  app.setAppUserModelId(app.isPackaged ? APP_USER_MODEL_ID : process.execPath);

let window: BrowserWindow | null = null;
let services: AppServices | null = null;
/** Linux: the D-Bus subscription to the OS lock (powerMonitor's lock-screen is macOS and Windows only). */
let osLockWatcher: Promise<{ stop(): void }> | null = null;
/** A tel:/callto:/sip: link's target, until the window has loaded and can take it. */
let pendingDial: string | null = null;

function deliverDial(): void {
  const target = window;
  if (pendingDial === null || !target || target.isDestroyed() || target.webContents.isLoading()) return;
  target.webContents.send(EVENT_CHANNEL, 'dial.request', { target: pendingDial });
  pendingDial = null;
  target.show();
  target.focus();
}

if (enforceSingleInstance(app, () => window?.show())) {
  // Before ready: macOS delivers the link that started the app as an early open-url.
  registerDialLinks(app, { argv: process.argv }, (target) => {
    pendingDial = target;
    deliverDial();
  });
  void startWhenReady(app, start, fail);
  app.on('window-all-closed', () => app.quit());
  quitAfterDispose(
    app,
    async () => {
      (await osLockWatcher)?.stop();
      await services?.dispose();
    },
    {
      onError: (error) => logger.error('Closing the services failed', error),
    },
  );
}

function systemLocale(): string {
  return app.getPreferredSystemLanguages()[0] ?? app.getLocale();
}

async function start(): Promise<void> {
  const appRoot = app.getAppPath();
  const secrets = createKeytarSecretStore({ service: profile.keychainService });
  const desktop = createDesktopShell({
    platform: process.platform,
    isPackaged: app.isPackaged,
    desktopName: DESKTOP_NAME,
    execPath: process.execPath,
    appPath: appRoot,
    appImage: process.env.APPIMAGE,
    logError: (message, error) => logger.error(message, error),
  });
  // The services probe the keychain themselves: without one the window still opens and explains, in the
  // user's language, what to install or unlock; nothing is stored meanwhile.
  services = await createAppServices({
    dataDir: app.getPath('userData'),
    // Registry (Windows), managed preferences (macOS), /etc (Linux). SOFTPHONE_POLICY names a JSON file
    // instead, in development only: in an installed app the user must not be able to swap IT's policy.
    policy: platformPolicySource(process.platform, {
      overridePath: app.isPackaged ? undefined : process.env.SOFTPHONE_POLICY,
    }),
    systemLocale: systemLocale(),
    runtime: 'electron',
    // Updates from the policy's URL (electron-updater), where this installation can update itself.
    updater: electronUpdater(app.isPackaged, process.platform, process.env.APPIMAGE),
    // Main's HTTP goes where the system's proxy settings (and PAC) send the renderer's connections.
    proxyRoutes: pacRoutes(sessionProxyResolver(session.defaultSession)),
    platform: process.platform,
    appName: app.getName(),
    appVersion: app.getVersion(),
    isTrustedSender: isAppUrl,
    openExternal: (url) => shell.openExternal(url),
    secrets,
    logError: (message, error) => logger.error(message, error),
    chooseExportFolder: createExportFolderChooser(
      (options) => (window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options)),
      () => app.getPath('documents'),
    ),
    desktop: desktop.integration,
    notifier: createCallNotifier(
      process.platform,
      (options) => new Notification(options),
      () => {
        window?.show();
        window?.focus();
      },
    ),
  });
  const current = services;
  // The window's own requests through a proxy that asks for a sign-in: the person's proxy sign-in answers.
  answerProxyLogins(app, current.proxyLogin, (message, error) => logger.error(message, error));
  secureSession(current, appRoot);
  ipcMain.handle(INVOKE_CHANNEL, (event, channel: unknown, input: unknown) =>
    current.router.handle(event.senderFrame?.url, channel, input),
  );

  // DevTools follow policy `allowDevTools` as it is at start (webPreferences cannot change later).
  const devTools = devToolsAllowed(app.isPackaged, current.policy().allowDevTools);
  installMenu(current);
  window = new BrowserWindow(
    mainWindowOptions(join(appRoot, 'dist', 'electron', 'preload.cjs'), 'Secure Softphone', { devTools }),
  );
  const target = window;
  current.onEvent((name, payload) => {
    if (!target.isDestroyed()) target.webContents.send(EVENT_CHANNEL, name, payload);
  });
  desktop.attach(current, target);
  // Started at login: in the tray, without a window (Windows and Linux pass --hidden, macOS says so).
  const hidden = startsHidden(
    process.argv,
    process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin,
  );
  target.once('ready-to-show', () => {
    if (hidden) return;
    target.show();
    void desktop.askAboutDialLinks();
  });
  powerMonitor.on('resume', () => current.systemResumed());
  powerMonitor.on('lock-screen', () => current.osLocked());
  if (process.platform === 'linux')
    osLockWatcher = watchLinuxSessionLock({
      onLock: () => current.osLocked(),
      logError: (message, error) => logger.info(message, error),
    });
  powerMonitor.on('suspend', () => current.systemSuspended());
  await target.loadURL(APP_ENTRY_URL);
  deliverDial();
}

/** The application menu per OS, in the app's language (platform/app-menu.ts). */
function installMenu(current: AppServices): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        platform: process.platform,
        isPackaged: app.isPackaged,
        allowDevTools: current.policy().allowDevTools,
        texts: desktopTexts(current.language()).menu,
      }),
    ),
  );
}

/** Certificates, Local Network Access, permissions, navigation and the app:// protocol of the session. */
function secureSession(current: AppServices, appRoot: string): void {
  // Extra CAs and SPKI pins from policy for the renderer's connections (the SIP edge's wss://): the same
  // decision as main's own fetches and TLS probe; installed again on a policy change, which also clears
  // Chromium's cache of earlier verdicts.
  const verifyCertificates = () =>
    installCertificateVerifier(session.defaultSession, current.tlsTrust, current.certificateRejected);
  verifyCertificates();
  current.onEvent((name) => {
    if (name === 'policy.changed') verifyCertificates();
  });
  const localNetwork = createLocalNetworkGate(
    () => current.localNetworkEndpoints(),
    (host) => lookup(host, { all: true }),
  );
  current.onEvent((name) => {
    if (name === 'policy.changed' || name === 'sipAccount.changed')
      localNetwork.refresh().catch((error: unknown) => logger.error('Resolving the SIP edge failed', error));
  });
  // Not awaited: a slow DNS must not hold up the window; a permission request resolves again anyway.
  localNetwork.refresh().catch((error: unknown) => logger.error('Resolving the SIP edge failed', error));
  installGuards({
    localNetwork,
    rendererDir: join(appRoot, 'dist', 'renderer'),
    // connect-src: the provider's SIP edge and the account's in use, as they are when the page loads.
    csp: () => current.contentSecurityPolicy(),
    externalHosts: () => current.externalHosts(),
  });
}

function fail(error: unknown): void {
  logger.error('Secure Softphone cannot start', error);
  // Fail closed with a message that says what to fix; nothing starts half-configured, nothing lingers: the
  // process ends (app.exit skips will-quit) and a later start is not refused by the single-instance lock.
  const { title, body } = startupFailureMessage(
    systemLocale(),
    error instanceof InvalidPolicyError
      ? { kind: 'invalid-policy', location: error.location, problems: error.problems }
      : { kind: 'other', detail: String(error) },
  );
  dialog.showErrorBox(title, body);
  app.releaseSingleInstanceLock();
  app.exit(1);
}

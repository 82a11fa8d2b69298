import {
  app,
  dialog,
  globalShortcut,
  Menu,
  nativeImage,
  Notification,
  Tray,
  type BrowserWindow,
} from 'electron';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { desktopTexts, type DesktopTexts, type LineStatus } from '../../shared/i18n/desktop-texts.js';
import { EVENT_CHANNEL } from '../../shared/ipc/bridge.js';
import type { AppServices } from '../app-services.js';
import type { DesktopIntegration } from '../desktop-handlers.js';
import { applyStartAtLogin, confirmQuitDuringCall, hideOnClose } from './background.js';
import { createCallTracker } from './call-tracker.js';
import { createDialLinkRegistration } from './dial-link-registration.js';
import { createCallShortcuts } from './global-shortcuts.js';
import { createMissedCallNotifier, showMissedCount } from './missed-calls.js';
import { trayIconBitmap, trayMenuTemplate, trayTooltip, type TrayState } from './tray.js';

export interface DesktopShellOptions {
  platform: NodeJS.Platform;
  /**
   * An installed build. Only it changes the start at login: a development run shares the installed app's
   * login item and autostart file, and must neither add nor remove them.
   */
  isPackaged: boolean;
  /** package.json desktopName (Linux: the .desktop file of phone links, autostart and the badge). */
  desktopName: string;
  execPath: string;
  appPath: string;
  /** Linux AppImage: $APPIMAGE, the file that starts this installation. */
  appImage: string | undefined;
  logError(message: string, error: unknown): void;
}

/** XDG base directories (Linux), as the specification defines their defaults. */
function xdgDir(variable: 'XDG_DATA_HOME' | 'XDG_CONFIG_HOME', fallback: string): string {
  return process.env[variable] || join(homedir(), fallback);
}

function image(state: Pick<TrayState, 'line' | 'doNotDisturb'>) {
  // 16 px at 1x and 32 px at 2x: the sizes trays draw (Linux trays scale the larger one).
  const icon = nativeImage.createFromBitmap(trayIconBitmap(state, 16), { width: 16, height: 16 });
  icon.addRepresentation({
    scaleFactor: 2,
    width: 32,
    height: 32,
    buffer: trayIconBitmap(state, 32),
  });
  return icon;
}

/**
 * Everything that makes the app a desktop phone people keep open all day (issue 18): the window hides on
 * close, a tray icon shows the line and Do Not Disturb, Quit asks during a call, missed calls notify and
 * badge, global shortcuts, start at login, and phone links with consent. The decisions are the data and
 * functions of the modules imported above (each unit-tested); this file only applies them to Electron.
 */
export function createDesktopShell(options: DesktopShellOptions) {
  let services: AppServices | null = null;
  let window: BrowserWindow | null = null;
  let tray: Tray | null = null;
  let quitting = false;
  const state: TrayState = { line: 'offline', doNotDisturb: false, canLock: false };
  const texts = (): DesktopTexts => desktopTexts(services?.language() ?? 'en');

  const showWindow = () => {
    if (!window || window.isDestroyed()) return;
    window.show();
    window.focus();
  };
  const send = (name: string, payload: unknown) => {
    if (window && !window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, name, payload);
  };
  const question = async (message: string, detail: string, yes: string, no: string) => {
    const choice = {
      type: 'question' as const,
      buttons: [yes, no],
      defaultId: 1,
      cancelId: 1,
      message,
      detail,
    };
    const result = window ? await dialog.showMessageBox(window, choice) : await dialog.showMessageBox(choice);
    return result.response === 0;
  };

  const registration = createDialLinkRegistration({
    app,
    platform: options.platform,
    execPath: options.execPath,
    appPath: options.appPath,
    appImage: options.appImage,
    choiceFile: join(app.getPath('userData'), 'dial-links.json'),
    desktopName: options.desktopName,
    applicationsDir: join(xdgDir('XDG_DATA_HOME', '.local/share'), 'applications'),
    ask: () => {
      const { dialLinks } = texts();
      return question(dialLinks.message, dialLinks.detail, dialLinks.yes, dialLinks.no);
    },
  });

  const refreshTray = () => {
    if (!tray) return;
    const trayTexts = texts().tray;
    tray.setImage(image(state));
    tray.setToolTip(trayTooltip(state, trayTexts));
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate(state, trayTexts, {
          show: showWindow,
          setDoNotDisturb: (on) =>
            void services
              ?.updateSettings({ doNotDisturb: on })
              .catch((error: unknown) => options.logError('Turning Do Not Disturb on or off failed', error)),
          lock: () => services?.lockNow(),
          quit: () => app.quit(),
        }),
      ),
    );
  };

  const missed = createMissedCallNotifier({
    platform: options.platform,
    texts: () => texts().missedCall,
    createNotification: (notificationOptions) => new Notification(notificationOptions),
    contactName: () => null,
    locked: () => services?.isLocked() ?? true,
    unseen: () => services?.missedCallCount() ?? 0,
    // Pressed on purpose: the Phone screen dials at once and shows how it went.
    callBack: (target) => {
      showWindow();
      send('call.callBack', { target });
    },
    showHistory: showWindow,
  });
  const tracker = createCallTracker((call) => missed.notify(call));
  const shortcuts = createCallShortcuts(globalShortcut, (action) => send('call.shortcut', { action }));

  const integration: DesktopIntegration = {
    dialLinks: () => registration.state(),
    registerDialLinks: () => registration.register(),
    lineChanged(line: LineStatus) {
      state.line = line;
      refreshTray();
    },
  };

  return {
    /** For createAppServices: phone links and the line, answered by this shell. */
    integration,
    /** Wires the running services and the main window. Call once, after both exist. */
    attach(running: AppServices, mainWindow: BrowserWindow) {
      services = running;
      window = mainWindow;
      confirmQuitDuringCall(app, {
        activeCalls: tracker.active,
        confirm: () => {
          const quit = texts().quitDuringCall;
          return question(quit.message, quit.detail, quit.quit, quit.cancel);
        },
        onQuitting: () => (quitting = true),
      });
      hideOnClose(mainWindow, {
        runInBackground: () => running.settings().runInBackground,
        quitting: () => quitting,
        onFirstHide: () => {
          const { background } = texts();
          new Notification({ title: background.title, body: background.body, silent: true }).show();
        },
      });
      // macOS: a click on the Dock icon brings the hidden window back.
      app.on('activate', showWindow);
      app.on('will-quit', () => shortcuts.release());

      tray = new Tray(image(state));
      tray.on('click', showWindow);
      const applySettings = () => {
        const settings = running.settings();
        state.doNotDisturb = settings.doNotDisturb;
        const shortcutResult = shortcuts.apply(running.policy().globalShortcuts, settings.globalShortcuts);
        for (const refused of shortcutResult.refused)
          options.logError(
            `The global shortcut ${refused.accelerator} (${refused.action}) is taken by another program`,
            null,
          );
        if (options.isPackaged)
          applyStartAtLogin({
            enabled: settings.startAtLogin,
            platform: options.platform,
            app,
            exec: options.appImage ? `"${options.appImage}"` : `"${options.execPath}"`,
            autostartDir: join(xdgDir('XDG_CONFIG_HOME', '.config'), 'autostart'),
            desktopName: options.desktopName,
          }).catch((error: unknown) => options.logError('Changing the start at login failed', error));
        refreshTray();
      };
      const updateBadge = () =>
        showMissedCount(
          options.platform,
          {
            setBadgeCount: (count) => app.setBadgeCount(count),
            setOverlay: (count) =>
              mainWindow.setOverlayIcon(
                count > 0 ? image({ line: 'error', doNotDisturb: false }) : null,
                count > 0 ? texts().missedCall.title(count) : '',
              ),
          },
          running.missedCallCount(),
        );
      state.canLock = !running.isLocked();
      applySettings();
      updateBadge();
      running.onCallEvent((event) => tracker.apply(event));
      running.onEvent((name) => {
        if (name === 'settings.changed' || name === 'policy.changed') applySettings();
        if (name === 'history.changed') updateBadge();
        if (name === 'session.lockChanged') {
          state.canLock = !running.isLocked();
          refreshTray();
        }
      });
    },
    /** After the window has shown: the first run's question about phone links (never again after). */
    askAboutDialLinks(): Promise<void> {
      return registration.askOnFirstRun().then(
        () => undefined,
        (error: unknown) => options.logError('Registering for phone links failed', error),
      );
    },
  };
}

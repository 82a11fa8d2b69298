import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Passed at a start at login (Windows, Linux): the app starts in the tray without a window. */
export const HIDDEN_FLAG = '--hidden';

/** The part of a BrowserWindow that hiding on close needs. */
export interface HideableWindow {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  hide(): void;
}

/**
 * Closing the window hides it while the app runs in the background (policy/setting `runInBackground`), so
 * the phone keeps ringing; Quit (tray, menu, Cmd+Q) really quits: `quitting()` is true from `before-quit`.
 * The first time, `onFirstHide` tells the person where the app went.
 */
export function hideOnClose(
  window: HideableWindow,
  options: { runInBackground(): boolean; quitting(): boolean; onFirstHide(): void },
): void {
  let hiddenBefore = false;
  window.on('close', (event) => {
    if (options.quitting() || !options.runInBackground()) return;
    event.preventDefault();
    window.hide();
    if (!hiddenBefore) options.onFirstHide();
    hiddenBefore = true;
  });
}

/** Whether this start should leave the window hidden: started at login, in the background. */
export function startsHidden(argv: readonly string[], openedAtLogin: boolean): boolean {
  return argv.includes(HIDDEN_FLAG) || openedAtLogin;
}

/** The part of Electron's app that starting at login needs (macOS and Windows). */
export interface LoginItemApp {
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void;
}

/** The XDG autostart entry (Desktop Application Autostart Specification) for Linux. */
export function autostartEntry(exec: string): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Secure Softphone',
    `Exec=${exec} ${HIDDEN_FLAG}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * Start at login on or off (policy/setting `startAtLogin`). macOS and Windows through Electron's login item
 * (Windows passes --hidden; macOS reports `wasOpenedAtLogin`); Linux through ~/.config/autostart.
 */
export async function applyStartAtLogin(options: {
  enabled: boolean;
  platform: NodeJS.Platform;
  app: LoginItemApp;
  /** Linux: the command that starts this installation (the AppImage, or the installed executable). */
  exec: string;
  /** Linux: XDG_CONFIG_HOME/autostart. */
  autostartDir: string;
  desktopName: string;
}): Promise<void> {
  if (options.platform === 'darwin') {
    options.app.setLoginItemSettings({ openAtLogin: options.enabled });
    return;
  }
  if (options.platform === 'win32') {
    options.app.setLoginItemSettings({ openAtLogin: options.enabled, args: [HIDDEN_FLAG] });
    return;
  }
  const file = join(options.autostartDir, options.desktopName);
  if (!options.enabled) return rm(file, { force: true });
  await mkdir(options.autostartDir, { recursive: true });
  await writeFile(file, autostartEntry(options.exec), { mode: 0o644 });
}

/**
 * Quit asks first while a call is in progress (quitting hangs it up). Installed on `before-quit`, so it
 * covers every way to quit: the tray, the menu, Cmd+Q, an update's restart. Windows does not emit
 * `before-quit` at shutdown or log-off (Electron's docs), so shutting down is never held up.
 */
export function confirmQuitDuringCall(
  app: {
    on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
    quit(): void;
  },
  options: { activeCalls(): number; confirm(): Promise<boolean>; onQuitting(): void },
): void {
  let confirmed = false;
  let asking = false;
  app.on('before-quit', (event) => {
    if (confirmed || options.activeCalls() === 0) return options.onQuitting();
    event.preventDefault();
    if (asking) return;
    asking = true;
    void options.confirm().then((yes) => {
      asking = false;
      if (!yes) return;
      confirmed = true;
      app.quit();
    });
  });
}

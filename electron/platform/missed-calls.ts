import type { NotificationConstructorOptions } from 'electron';
import type { DesktopTexts } from '../../shared/i18n/desktop-texts.js';
import type { MissedCall } from './call-tracker.js';

export interface MissedCallNotification {
  on(event: 'action', listener: (details: { actionIndex: number }) => void): this;
  on(event: 'click', listener: () => void): this;
  show(): void;
  close(): void;
}

export type MissedCallNotificationOptions = Pick<
  NotificationConstructorOptions,
  'title' | 'body' | 'silent' | 'actions' | 'urgency'
>;

/** A SIP address as people read it: the number or user part, without the scheme and the domain for numbers. */
export function callerLabel(call: MissedCall, contactName: string | null): string {
  if (contactName) return contactName;
  if (call.remoteName) return call.remoteName;
  const user = call.remoteUri.replace(/^sips?:/, '');
  const local = user.split('@')[0] ?? user;
  return /^\+?[0-9*#]+$/.test(local) ? local : user;
}

/**
 * The notification of a missed call: "Missed call" / "From …" with Call back where the platform has buttons
 * (macOS, Windows); a click (Linux: the only way) shows History. While the app is locked it names nobody.
 */
export function missedCallOptions(
  platform: NodeJS.Platform,
  texts: DesktopTexts['missedCall'],
  caller: string | null,
  unseen: number,
): MissedCallNotificationOptions {
  return {
    title: texts.title(Math.max(unseen, 1)),
    body: caller ? texts.from(caller) : '',
    silent: false,
    urgency: 'normal',
    ...((platform === 'darwin' || platform === 'win32') &&
      caller !== null && { actions: [{ type: 'button', text: texts.callBack }] }),
  };
}

export function createMissedCallNotifier(deps: {
  platform: NodeJS.Platform;
  texts(): DesktopTexts['missedCall'];
  createNotification(options: MissedCallNotificationOptions): MissedCallNotification;
  /** The caller's name from the contacts, or null (none, or the app is locked: then nobody is named). */
  contactName(uri: string): string | null;
  locked(): boolean;
  unseen(): number;
  callBack(target: string): void;
  showHistory(): void;
}) {
  let current: MissedCallNotification | null = null;
  return {
    notify(call: MissedCall): void {
      current?.close();
      const caller = deps.locked() ? null : callerLabel(call, deps.contactName(call.remoteUri));
      const notification = deps.createNotification(
        missedCallOptions(deps.platform, deps.texts(), caller, deps.unseen()),
      );
      notification.on('action', ({ actionIndex }) => {
        if (actionIndex === 0) deps.callBack(call.remoteUri);
      });
      notification.on('click', () => deps.showHistory());
      current = notification;
      notification.show();
    },
  };
}

/** The part of Electron that shows a count on the app's icon. */
export interface BadgeTarget {
  /** macOS Dock, Linux launchers with the LauncherEntry API (Electron: linux, darwin). */
  setBadgeCount(count: number): boolean;
  /** Windows: an overlay on the taskbar button (Electron: BrowserWindow.setOverlayIcon). */
  setOverlay(count: number): void;
}

/** Missed calls not yet seen in History, on the Dock icon or the taskbar button. */
export function showMissedCount(platform: NodeJS.Platform, target: BadgeTarget, count: number): void {
  if (platform === 'win32') target.setOverlay(count);
  else target.setBadgeCount(count);
}

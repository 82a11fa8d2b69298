import type { NotificationConstructorOptions } from 'electron';
import type { IncomingCallNotifier } from '../app-services.js';
import type { IncomingCallNotice } from '../../shared/ipc/contract.js';

/** The part of Electron's Notification this uses (its documented events); a test passes a fake. */
export interface NotificationLike {
  on(event: 'action', listener: (details: { actionIndex: number }) => void): this;
  on(event: 'click' | 'close', listener: () => void): this;
  show(): void;
  close(): void;
}

export type NotificationOptions = Pick<
  NotificationConstructorOptions,
  'title' | 'body' | 'silent' | 'urgency' | 'timeoutType' | 'actions'
>;

/** The buttons, in this order where the platform has them: the index of the `action` event. */
const ANSWER = 0;
const DECLINE = 1;

/**
 * What the notification of a ringing call looks like on each platform (Electron's documented support):
 * - macOS and Windows show buttons: Answer and Decline. On macOS Answer is the button and Decline is listed
 *   under it (only the first action is a button there; Info.plist must ask for alerts, electron-builder.yml).
 *   The close button keeps the system's own "Close": closing is not declining (`close` cannot tell a click
 *   on it from the notification being swept away, so Decline is never the close button).
 * - Linux (libnotify) shows no buttons: a click brings the window forward with the call's Answer and Decline.
 * Silent everywhere: the app rings itself, on the device the person chose.
 */
export function callNotificationOptions(
  platform: NodeJS.Platform,
  notice: IncomingCallNotice,
): NotificationOptions {
  const buttons = platform === 'darwin' || platform === 'win32';
  return {
    title: notice.title,
    body: notice.body,
    silent: true,
    // Linux and Windows: stays until acted on, shown above other notifications.
    ...(platform !== 'darwin' && { urgency: 'critical', timeoutType: 'never' }),
    ...(buttons && {
      actions: [
        { type: 'button', text: notice.answerLabel },
        { type: 'button', text: notice.declineLabel },
      ],
    }),
  };
}

/**
 * Ringing calls as OS notifications. Answer answers and brings the window forward; Decline declines; a
 * click on the notification shows the window with the call; closing it without a choice (or its timing out)
 * changes nothing: the call keeps ringing in the window.
 */
export function createCallNotifier(
  platform: NodeJS.Platform,
  createNotification: (options: NotificationOptions) => NotificationLike,
  showWindow: () => void,
): IncomingCallNotifier {
  const shown = new Map<string, NotificationLike>();
  return {
    show(notice: IncomingCallNotice, onAction) {
      shown.get(notice.callId)?.close();
      const notification = createNotification(callNotificationOptions(platform, notice));
      notification.on('action', ({ actionIndex }) => {
        shown.delete(notice.callId);
        if (actionIndex === ANSWER) {
          showWindow();
          onAction('answer');
        } else if (actionIndex === DECLINE) onAction('decline');
      });
      notification.on('click', () => {
        showWindow();
        onAction('show');
      });
      notification.on('close', () => {
        if (shown.get(notice.callId) === notification) shown.delete(notice.callId);
      });
      shown.set(notice.callId, notification);
      notification.show();
    },
    dismiss(callId) {
      const notification = shown.get(callId);
      shown.delete(callId);
      notification?.close();
    },
  };
}

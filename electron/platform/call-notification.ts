import type { IncomingCallNotifier } from '../app-services.js';
import type { IncomingCallNotice } from '../../shared/ipc/contract.js';

/** The part of Electron's Notification this uses; a test passes a fake. */
export interface NotificationLike {
  on(event: 'action', listener: (event: unknown, index: number) => void): this;
  on(event: 'click' | 'close', listener: () => void): this;
  show(): void;
  close(): void;
}

export interface NotificationOptions {
  title: string;
  body: string;
  silent: boolean;
  urgency: 'critical';
  timeoutType: 'never';
  actions: { type: 'button'; text: string }[];
  closeButtonText: string;
}

/**
 * Ringing calls as OS notifications. macOS shows Answer and Decline as buttons; where the platform has no
 * buttons (Windows and Linux in Electron), a click brings the app forward with its incoming-call panel.
 * The notification is silent: the app rings on the ring device the user chose.
 */
export function createCallNotifier(
  createNotification: (options: NotificationOptions) => NotificationLike,
  showWindow: () => void,
): IncomingCallNotifier {
  const shown = new Map<string, NotificationLike>();
  return {
    show(notice: IncomingCallNotice, onAction) {
      shown.get(notice.callId)?.close();
      const notification = createNotification({
        title: notice.title,
        body: notice.body,
        silent: true,
        urgency: 'critical',
        timeoutType: 'never',
        actions: [
          { type: 'button', text: notice.answerLabel },
          { type: 'button', text: notice.declineLabel },
        ],
        closeButtonText: notice.declineLabel,
      });
      notification.on('action', (_event, index) => {
        if (index === 0) showWindow();
        onAction(index === 0 ? 'answer' : 'decline');
      });
      notification.on('click', () => {
        showWindow();
        onAction('show');
      });
      notification.on('close', () => shown.delete(notice.callId));
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

import { describe, expect, it, vi } from 'vitest';
import {
  callNotificationOptions,
  createCallNotifier,
  type NotificationLike,
  type NotificationOptions,
} from './call-notification.js';

/** Emits what Electron's Notification emits: `action` with details, `click`, `close`. */
class FakeNotification implements NotificationLike {
  static created: FakeNotification[] = [];
  private readonly listeners = new Map<string, (details: { actionIndex: number }) => void>();
  shown = false;
  closed = false;
  constructor(readonly options: NotificationOptions) {
    FakeNotification.created.push(this);
  }
  on(event: 'action', listener: (details: { actionIndex: number }) => void): this;
  on(event: 'click' | 'close', listener: () => void): this;
  on(event: string, listener: (details: { actionIndex: number }) => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  show() {
    this.shown = true;
  }
  close() {
    this.closed = true;
    this.emit('close');
  }
  /** The person pressed the button at `actionIndex`. */
  press(actionIndex: number) {
    this.listeners.get('action')?.({ actionIndex });
  }
  emit(event: 'click' | 'close') {
    this.listeners.get(event)?.({ actionIndex: -1 });
  }
}

const notice = {
  callId: 'c1',
  title: 'Call from Erika',
  body: '+49 30 1234567',
  answerLabel: 'Annehmen',
  declineLabel: 'Ablehnen',
};

function setUp(platform: NodeJS.Platform) {
  FakeNotification.created = [];
  const showWindow = vi.fn();
  const onAction = vi.fn();
  const notifier = createCallNotifier(platform, (options) => new FakeNotification(options), showWindow);
  notifier.show(notice, onAction);
  return { notifier, showWindow, onAction, notification: FakeNotification.created[0]! };
}

describe.each(['darwin', 'win32'] as const)('call notification on %s (buttons)', (platform) => {
  it('shows Answer and Decline as buttons, silent, with the translated texts', () => {
    const { notification } = setUp(platform);
    expect(notification.shown).toBe(true);
    expect(notification.options).toMatchObject({
      title: 'Call from Erika',
      body: '+49 30 1234567',
      silent: true,
      actions: [
        { type: 'button', text: 'Annehmen' },
        { type: 'button', text: 'Ablehnen' },
      ],
    });
    expect(notification.options).not.toHaveProperty('closeButtonText');
  });

  it('Answer answers and brings the window forward', () => {
    const { notification, onAction, showWindow } = setUp(platform);
    notification.press(0);
    expect(onAction).toHaveBeenCalledWith('answer');
    expect(showWindow).toHaveBeenCalled();
  });

  it('Decline declines', () => {
    const { notification, onAction, showWindow } = setUp(platform);
    notification.press(1);
    expect(onAction).toHaveBeenCalledExactlyOnceWith('decline');
    expect(showWindow).not.toHaveBeenCalled();
  });

  it('closing it without a choice leaves the call ringing (no action at all)', () => {
    const { notification, onAction, showWindow } = setUp(platform);
    notification.emit('close');
    expect(onAction).not.toHaveBeenCalled();
    expect(showWindow).not.toHaveBeenCalled();
  });
});

describe('call notification on Windows', () => {
  it('stays until acted on and comes first', () => {
    expect(callNotificationOptions('win32', notice)).toMatchObject({
      urgency: 'critical',
      timeoutType: 'never',
    });
  });
});

describe('call notification on macOS', () => {
  it('sets no timeout or urgency (not on macOS) and keeps the system’s Close button', () => {
    const options = callNotificationOptions('darwin', notice);
    expect(options).not.toHaveProperty('urgency');
    expect(options).not.toHaveProperty('timeoutType');
  });
});

describe('call notification on Linux (no buttons)', () => {
  it('offers no buttons, stays until acted on', () => {
    const { notification } = setUp('linux');
    expect(notification.options).not.toHaveProperty('actions');
    expect(notification.options).toMatchObject({ urgency: 'critical', timeoutType: 'never', silent: true });
  });

  it('a click brings the window forward with the ringing call', () => {
    const { notification, onAction, showWindow } = setUp('linux');
    notification.emit('click');
    expect(showWindow).toHaveBeenCalled();
    expect(onAction).toHaveBeenCalledExactlyOnceWith('show');
  });

  it('closing it leaves the call ringing', () => {
    const { notification, onAction } = setUp('linux');
    notification.emit('close');
    expect(onAction).not.toHaveBeenCalled();
  });
});

describe('several calls', () => {
  it('replaces the notification of a call shown again, and dismisses by call', () => {
    const { notifier, notification } = setUp('win32');
    notifier.show(notice, vi.fn());
    expect(notification.closed).toBe(true);
    const second = FakeNotification.created[1]!;
    notifier.dismiss('c1');
    expect(second.closed).toBe(true);
    notifier.dismiss('unknown');
  });
});

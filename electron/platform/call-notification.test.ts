import { describe, expect, it, vi } from 'vitest';
import { createCallNotifier, type NotificationLike, type NotificationOptions } from './call-notification.js';

class FakeNotification implements NotificationLike {
  static created: FakeNotification[] = [];
  readonly listeners = new Map<string, (...args: never[]) => void>();
  shown = false;
  closed = false;
  constructor(readonly options: NotificationOptions) {
    FakeNotification.created.push(this);
  }
  on(event: string, listener: (...args: never[]) => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  show() {
    this.shown = true;
  }
  close() {
    this.closed = true;
    (this.listeners.get('close') as (() => void) | undefined)?.();
  }
  emit(event: 'action' | 'click', index = 0) {
    (this.listeners.get(event) as (event: unknown, index: number) => void)({}, index);
  }
}

const notice = {
  callId: 'c1',
  title: 'Call from Erika',
  body: '+49 30 1234567',
  answerLabel: 'Answer',
  declineLabel: 'Decline',
};

describe('call notifications', () => {
  it('shows a silent, persistent notification with Answer and Decline', () => {
    FakeNotification.created = [];
    const notifier = createCallNotifier((options) => new FakeNotification(options), vi.fn());
    notifier.show(notice, vi.fn());
    const [shown] = FakeNotification.created;
    expect(shown?.shown).toBe(true);
    expect(shown?.options).toMatchObject({
      title: 'Call from Erika',
      silent: true,
      timeoutType: 'never',
      actions: [
        { type: 'button', text: 'Answer' },
        { type: 'button', text: 'Decline' },
      ],
    });
  });

  it('maps the buttons and a click to actions, bringing the window forward to answer', () => {
    FakeNotification.created = [];
    const showWindow = vi.fn();
    const onAction = vi.fn();
    const notifier = createCallNotifier((options) => new FakeNotification(options), showWindow);
    notifier.show(notice, onAction);
    const shown = FakeNotification.created[0]!;
    shown.emit('action', 1);
    expect(onAction).toHaveBeenLastCalledWith('decline');
    expect(showWindow).not.toHaveBeenCalled();
    shown.emit('action', 0);
    expect(onAction).toHaveBeenLastCalledWith('answer');
    shown.emit('click');
    expect(onAction).toHaveBeenLastCalledWith('show');
    expect(showWindow).toHaveBeenCalledTimes(2);
  });

  it('closes the notification when the call stops ringing, and replaces one for the same call', () => {
    FakeNotification.created = [];
    const notifier = createCallNotifier((options) => new FakeNotification(options), vi.fn());
    notifier.show(notice, vi.fn());
    notifier.show({ ...notice, body: 'again' }, vi.fn());
    expect(FakeNotification.created[0]?.closed).toBe(true);
    notifier.dismiss('c1');
    expect(FakeNotification.created[1]?.closed).toBe(true);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { desktopTexts } from '../../shared/i18n/desktop-texts.js';
import {
  callerLabel,
  createMissedCallNotifier,
  missedCallOptions,
  showMissedCount,
  type MissedCallNotification,
  type MissedCallNotificationOptions,
} from './missed-calls.js';

class FakeNotification implements MissedCallNotification {
  private readonly listeners = new Map<string, (details: { actionIndex: number }) => void>();
  shown = false;
  closed = false;
  constructor(readonly options: MissedCallNotificationOptions) {}
  on(event: 'action', listener: (details: { actionIndex: number }) => void): this;
  on(event: 'click', listener: () => void): this;
  on(event: string, listener: (details: { actionIndex: number }) => void): this {
    this.listeners.set(event, listener);
    return this;
  }
  show() {
    this.shown = true;
  }
  close() {
    this.closed = true;
  }
  emit(event: 'action' | 'click', actionIndex = -1) {
    this.listeners.get(event)?.({ actionIndex });
  }
}

const call = { callId: 'c1', remoteUri: 'sip:+4930123456@sip.example.eu', remoteName: null };
const texts = desktopTexts('en').missedCall;

function setUp(platform: NodeJS.Platform, options: { locked?: boolean; contact?: string | null } = {}) {
  const created: FakeNotification[] = [];
  const callBack = vi.fn();
  const showHistory = vi.fn();
  const notifier = createMissedCallNotifier({
    platform,
    texts: () => texts,
    createNotification: (notificationOptions) => {
      const notification = new FakeNotification(notificationOptions);
      created.push(notification);
      return notification;
    },
    contactName: () => options.contact ?? null,
    locked: () => options.locked ?? false,
    unseen: () => 1,
    callBack,
    showHistory,
  });
  return { notifier, created, callBack, showHistory };
}

describe('missed-call notification', () => {
  it.each(['darwin', 'win32'] as const)('%s: Call back calls the number back', (platform) => {
    const { notifier, created, callBack } = setUp(platform, { contact: 'Erika Mustermann' });
    notifier.notify(call);
    const [notification] = created;
    expect(notification!.options).toMatchObject({
      title: 'Missed call',
      body: 'From Erika Mustermann',
      actions: [{ type: 'button', text: 'Call back' }],
    });
    notification!.emit('action', 0);
    expect(callBack).toHaveBeenCalledWith('sip:+4930123456@sip.example.eu');
  });

  it('Linux: no button; a click opens History', () => {
    const { notifier, created, showHistory } = setUp('linux');
    notifier.notify(call);
    expect(created[0]!.options).not.toHaveProperty('actions');
    expect(created[0]!.options.body).toBe('From +4930123456');
    created[0]!.emit('click');
    expect(showHistory).toHaveBeenCalled();
  });

  it('names nobody while the app is locked, and offers no Call back then', () => {
    const { notifier, created } = setUp('win32', { locked: true, contact: 'Erika Mustermann' });
    notifier.notify(call);
    expect(created[0]!.options).toEqual({ title: 'Missed call', body: '', silent: false, urgency: 'normal' });
  });

  it('replaces the previous one and counts the calls not yet seen', () => {
    const { notifier, created } = setUp('darwin');
    notifier.notify(call);
    notifier.notify({ ...call, callId: 'c2' });
    expect(created[0]!.closed).toBe(true);
    expect(missedCallOptions('darwin', desktopTexts('de').missedCall, null, 3).title).toBe(
      '3 verpasste Anrufe',
    );
  });

  it('labels callers as people read them', () => {
    expect(callerLabel(call, null)).toBe('+4930123456');
    expect(callerLabel({ ...call, remoteUri: 'sip:bob@example.eu' }, null)).toBe('bob@example.eu');
    expect(callerLabel({ ...call, remoteName: 'Bob' }, null)).toBe('Bob');
    expect(callerLabel({ ...call, remoteName: 'Bob' }, 'Robert Beispiel')).toBe('Robert Beispiel');
  });
});

describe('missed-call badge', () => {
  it('macOS and Linux: the badge count; Windows: the taskbar overlay', () => {
    for (const platform of ['darwin', 'linux', 'win32'] as const) {
      const target = { setBadgeCount: vi.fn(() => true), setOverlay: vi.fn() };
      showMissedCount(platform, target, 2);
      if (platform === 'win32') {
        expect(target.setOverlay).toHaveBeenCalledWith(2);
        expect(target.setBadgeCount).not.toHaveBeenCalled();
      } else expect(target.setBadgeCount).toHaveBeenCalledWith(2);
    }
  });
});

import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SoftphoneBridge } from '../shared/ipc/bridge';
import type { ChannelName, EventName } from '../shared/ipc/contract';
import { resolvePolicy } from '../shared/policy/schema';
import { defaultSettings, type Settings } from '../shared/settings/settings';
import { App } from './App';
import './i18n/i18n';
import { useAppStore } from './state/app-store';
import { useSessionLockStore } from './state/session-lock-store';
import { resetStorageStore } from './state/storage-store';

/** An in-memory main process for the renderer: answers the contract's channels like the real services. */
function fakeBridge(systemLocale: string, locked = false) {
  let settings: Settings = { ...defaultSettings };
  const asked: ChannelName[] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const answers: Partial<Record<ChannelName, (input: never) => unknown>> = {
    'app.getInfo': () => ({
      name: 'Secure Softphone',
      version: '0.1.0',
      platform: 'linux',
      systemLocale,
      runtime: 'shell',
    }),
    'settings.get': () => ({ settings, locked: [] }),
    'settings.update': (patch: Partial<Settings>) => {
      settings = { ...settings, ...patch };
      return { settings, locked: [] };
    },
    'policy.get': () => resolvePolicy({}),
    'sipAccount.get': () => ({ account: null, source: null, manualAllowed: true }),
    'sipAccount.registration': () => null,
    'storage.status': () => ({ state: 'ready' }),
    'session.lockState': () => ({ locked, reauthRequired: false }),
    'session.unlock': () => {
      locked = false;
      return { locked, reauthRequired: false };
    },
    'history.list': () => [],
    'history.missedCount': () => 0,
  };
  const bridge: SoftphoneBridge = {
    invoke: async (channel, input) => {
      asked.push(channel);
      // As main's router: while locked, only the lock's channels are answered.
      if (locked && !channel.startsWith('session.'))
        return { ok: false, error: { code: 'locked', message: channel } };
      const answer = answers[channel];
      return answer
        ? { ok: true, value: answer(input as never) as never }
        : { ok: false, error: { code: 'not-available', message: channel } };
    },
    on: (event, listener) => {
      listeners.set(event, listener as (payload: unknown) => void);
      return () => void listeners.delete(event);
    },
  };
  const emit = (event: EventName, payload: unknown) => act(() => listeners.get(event)?.(payload));
  return { bridge, asked, emit };
}

beforeEach(() => {
  useSessionLockStore.setState({ locked: false, reauthRequired: false, error: null });
  resetStorageStore();
  useAppStore.setState({
    load: { status: 'loading' },
    screen: 'signIn',
    visit: 0,
    info: null,
    settings: null,
    policy: null,
  });
});
afterEach(() => {
  cleanup();
  delete window.softphone;
});

describe('App', () => {
  it('explains when the background service is missing', async () => {
    render(<App />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/Hintergrunddienst|background service/);
  });

  it('reaches every screen by keyboard and speaks the system language', async () => {
    window.softphone = fakeBridge('en-US').bridge;
    const user = userEvent.setup();
    render(<App />);
    const skip = await screen.findByRole('button', { name: 'Continue without signing in' });
    skip.focus();
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Phone' }));
    for (const name of ['History', 'Contacts', 'Settings', 'Phone']) {
      screen.getByRole('link', { name }).focus();
      await user.keyboard('{Enter}');
      expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name }));
    }
  });

  it('switches to German from Settings', async () => {
    window.softphone = fakeBridge('en-US').bridge;
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Continue without signing in' }));
    await user.click(screen.getByRole('link', { name: 'Settings' }));
    await act(() => user.selectOptions(screen.getByLabelText('Language'), 'de'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Einstellungen' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('de');
  });

  it('opened (or reloaded) while main holds the lock, shows the lock screen and asks main nothing else', async () => {
    const main = fakeBridge('en-US', true);
    window.softphone = main.bridge;
    const user = userEvent.setup();
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'The app is locked' })).toBeTruthy();
    expect(main.asked).toEqual(['session.lockState']);

    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    main.emit('session.lockChanged', { locked: false, reauthRequired: false });
    expect(await screen.findByRole('button', { name: 'Continue without signing in' })).toBeTruthy();
    expect(main.asked).toContain('settings.get');
  });
});

import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SoftphoneBridge } from '../shared/ipc/bridge';
import type { ChannelName } from '../shared/ipc/contract';
import { resolvePolicy } from '../shared/policy/schema';
import { defaultSettings, type Settings } from '../shared/settings/settings';
import { App } from './App';
import './i18n/i18n';
import { useAppStore } from './state/app-store';

/** An in-memory main process for the renderer: answers the contract's channels like the real services. */
function fakeBridge(systemLocale: string): SoftphoneBridge {
  let settings: Settings = { ...defaultSettings };
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
    'history.list': () => [],
    'history.missedCount': () => 0,
  };
  return {
    invoke: async (channel, input) => {
      const answer = answers[channel];
      return answer
        ? { ok: true, value: answer(input as never) as never }
        : { ok: false, error: { code: 'not-available', message: channel } };
    },
    on: () => () => {},
  };
}

beforeEach(() => {
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
    window.softphone = fakeBridge('en-US');
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
    window.softphone = fakeBridge('en-US');
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Continue without signing in' }));
    await user.click(screen.getByRole('link', { name: 'Settings' }));
    await act(() => user.selectOptions(screen.getByLabelText('Language'), 'de'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Einstellungen' })).toBeTruthy();
    expect(document.documentElement.lang).toBe('de');
  });
});

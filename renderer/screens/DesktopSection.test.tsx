import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { AppInfo, ChannelName, DialLinkState, SettingsState } from '../../shared/ipc/contract';
import { resolvePolicy, type PolicyFile } from '../../shared/policy/schema';
import { defaultSettings } from '../../shared/settings/settings';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { DesktopSection } from './DesktopSection';

/** Main as the section sees it: settings, and the system's handler of phone links. */
function desktopBridge(options: { runtime: AppInfo['runtime']; links: DialLinkState; locked?: string[] }) {
  const calls: { channel: ChannelName; input: unknown }[] = [];
  let settings: SettingsState = {
    settings: defaultSettings,
    locked: (options.locked ?? []) as SettingsState['locked'],
  };
  let links = options.links;
  const bridge: SoftphoneBridge = {
    invoke: async (channel, input) => {
      calls.push({ channel, input });
      if (channel === 'settings.update') {
        settings = { ...settings, settings: { ...settings.settings, ...(input as object) } };
        return { ok: true, value: settings as never };
      }
      if (channel === 'dialLinks.state') return { ok: true, value: links as never };
      if (channel === 'dialLinks.register') {
        links = { ...links, handled: 'yes' };
        return { ok: true, value: links as never };
      }
      return { ok: false, error: { code: 'not-available', message: channel } };
    },
    on: () => () => {},
  };
  window.softphone = bridge;
  return calls;
}

function showSection(runtime: AppInfo['runtime'], policy: PolicyFile = {}, locked: string[] = []) {
  useAppStore.setState({
    info: { name: 'Secure Softphone', version: '0.1.0', platform: 'win32', systemLocale: 'en-GB', runtime },
    settings: { settings: defaultSettings, locked: locked as SettingsState['locked'] },
    policy: resolvePolicy(policy),
  });
  applyLanguage('en');
  render(<DesktopSection />);
}

afterEach(() => {
  cleanup();
  delete window.softphone;
});

describe('desktop settings', () => {
  it('are not shown in the browser shell', () => {
    desktopBridge({ runtime: 'shell', links: { handled: 'unavailable', confirmInSystemSettings: false } });
    showSection('shell');
    expect(screen.queryByRole('heading', { name: 'Desktop' })).toBeNull();
  });

  it('change running in the background and start at login, and show the global shortcuts', async () => {
    const calls = desktopBridge({
      runtime: 'electron',
      links: { handled: 'no', confirmInSystemSettings: true },
    });
    showSection('electron');
    const user = userEvent.setup();
    const background = screen.getByRole('checkbox', { name: 'Keep running when the window is closed' });
    expect((background as HTMLInputElement).checked).toBe(true);
    await user.click(background);
    await user.click(screen.getByRole('checkbox', { name: 'Start when I sign in to the computer' }));
    expect(calls.filter((call) => call.channel === 'settings.update').map((call) => call.input)).toEqual([
      { runInBackground: false },
      { startAtLogin: true },
    ]);
    expect(screen.getByText('Ctrl + Alt + Shift + A')).toBeTruthy();
  });

  it('registers for phone links on request and says what Windows asks next', async () => {
    const calls = desktopBridge({
      runtime: 'electron',
      links: { handled: 'no', confirmInSystemSettings: true },
    });
    showSection('electron');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Open phone links with Secure Softphone' }));
    expect(calls.some((call) => call.channel === 'dialLinks.register')).toBe(true);
    expect(await screen.findByText(/Windows asks you to confirm/)).toBeTruthy();
    expect(screen.getByText('Phone number links (tel:, sip:) open Secure Softphone.')).toBeTruthy();
  });

  it('shows settings fixed by policy as such, and no shortcuts when policy turns them off', () => {
    desktopBridge({ runtime: 'electron', links: { handled: 'yes', confirmInSystemSettings: false } });
    showSection('electron', { globalShortcuts: { enabled: false } }, ['runInBackground', 'globalShortcuts']);
    expect(
      (screen.getByRole('checkbox', { name: 'Keep running when the window is closed' }) as HTMLInputElement)
        .disabled,
    ).toBe(true);
    expect(
      (screen.getByRole('checkbox', { name: 'Shortcuts that work in any program' }) as HTMLInputElement)
        .checked,
    ).toBe(false);
    expect(screen.queryByText('Ctrl + Alt + Shift + A')).toBeNull();
    expect(screen.getAllByText('Set by your organisation')).toHaveLength(2);
  });

  // The desktop app's own settings (where the tray's "run in the background" is chosen) exist only in Electron,
  // so the screens spec cannot reach them: axe checks them here, in English and German, locked and not.
  // jsdom draws nothing, so contrast is left to the e2e screens, whose colours these controls share.
  it.each([
    ['en', []],
    ['de', ['runInBackground', 'startAtLogin', 'globalShortcuts']],
  ] as const)('give axe nothing to find (%s, locked: %j)', async (language, locked) => {
    desktopBridge({ runtime: 'electron', links: { handled: 'no', confirmInSystemSettings: true } });
    showSection('electron', {}, [...locked]);
    applyLanguage(language);
    await screen.findByRole('button', { name: /Secure Softphone/ });
    const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } });
    expect(results.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
  });
});

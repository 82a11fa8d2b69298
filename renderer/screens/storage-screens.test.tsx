import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { START_OVER_CONFIRMATION, type StorageStatus } from '../../shared/domain/history';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { AppInfo, ChannelName } from '../../shared/ipc/contract';
import { resolvePolicy } from '../../shared/policy/schema';
import { defaultSettings } from '../../shared/settings/settings';
import { App } from '../App';
import '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { resetStorageStore } from '../state/storage-store';

/**
 * An in-memory main process: answers what the app asks at start, and the storage channels from a status
 * the test controls. Records every call.
 */
function storageBridge(options: {
  status: StorageStatus;
  platform?: AppInfo['platform'];
  systemLocale?: string;
  /** What `storage.retry` turns the status into (default: unchanged). */
  retry?: () => StorageStatus;
}) {
  let status = options.status;
  const calls: Array<{ channel: ChannelName; input: unknown }> = [];
  const report = {
    fileName: 'softphone-storage-diagnostics-2026-11-25T10-00-00Z.json',
    text: '{\n  "storage": { "state": "error", "reason": "foreign-file" }\n}\n',
  };
  const answers: Partial<Record<ChannelName, (input: never) => unknown>> = {
    'app.getInfo': () => ({
      name: 'Secure Softphone',
      version: '0.1.0',
      platform: options.platform ?? 'linux',
      systemLocale: options.systemLocale ?? 'en-US',
      runtime: 'shell',
    }),
    'settings.get': () => ({ settings: defaultSettings, locked: [] }),
    'policy.get': () => resolvePolicy({}),
    'sipAccount.get': () => ({ account: null, source: null, manualAllowed: true }),
    'sipAccount.registration': () => null,
    'storage.status': () => status,
    'storage.retry': () => {
      status = options.retry?.() ?? status;
      return status;
    },
    'storage.exportDiagnostics': () => report,
    'storage.startOver': () => {
      status = { state: 'ready' };
      return { status, keptAs: 'softphone.db.unreadable-2026-11-25T10-00-00Z' };
    },
    'history.list': () => [],
    'history.missedCount': () => 0,
  };
  const bridge: SoftphoneBridge = {
    invoke: async (channel, input) => {
      calls.push({ channel, input });
      const answer = answers[channel];
      return answer
        ? { ok: true, value: answer(input as never) as never }
        : { ok: false, error: { code: 'not-available', message: channel } };
    },
    on: () => () => {},
  };
  window.softphone = bridge;
  return {
    report,
    called: (channel: ChannelName) => calls.filter((c) => c.channel === channel).map((c) => c.input),
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
  resetStorageStore();
  // jsdom has no object URLs; the download link only needs one to point at.
  URL.createObjectURL = vi.fn(() => 'blob:https://softphone.shell/report');
  URL.revokeObjectURL = vi.fn();
});
afterEach(() => {
  cleanup();
  delete window.softphone;
});

async function openHistory(user: ReturnType<typeof userEvent.setup>) {
  render(<App />);
  await user.click(await screen.findByRole('button', { name: 'Continue without signing in' }));
  await user.click(screen.getByRole('link', { name: 'History' }));
}

describe('when the database does not open', () => {
  it('explains the problem instead of the History and Contacts screens', async () => {
    const main = storageBridge({ status: { state: 'error', reason: 'foreign-file' } });
    const user = userEvent.setup();
    await openHistory(user);
    const heading = await screen.findByRole('heading', {
      level: 1,
      name: 'Your stored data cannot be opened',
    });
    expect(document.activeElement).toBe(heading);
    expect(screen.getByRole('alert').textContent).toMatch(/not an encrypted file of Secure Softphone/);
    expect(screen.queryByRole('searchbox', { name: 'Search by name or number' })).toBeNull();
    expect(main.called('history.list')).toEqual([]);

    await user.click(screen.getByRole('link', { name: 'Contacts' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Your stored data cannot be opened' }),
    ).toBeTruthy();
    // The rest of the app keeps working.
    await user.click(screen.getByRole('link', { name: 'Phone' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Phone' })).toBeTruthy();
  });

  it('says so when trying again does not help', async () => {
    storageBridge({ status: { state: 'error', reason: 'wrong-key' } });
    const user = userEvent.setup();
    await openHistory(user);
    const retry = await screen.findByRole('button', { name: 'Try again' });
    expect(retry.getAttribute('aria-describedby')).toBeTruthy();
    await user.click(retry);
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((alert) => alert.textContent)).toContain('The data still cannot be opened.');
  });

  it('shows History as soon as trying again opens the database', async () => {
    storageBridge({ status: { state: 'error', reason: 'key-missing' }, retry: () => ({ state: 'ready' }) });
    const user = userEvent.setup();
    await openHistory(user);
    await user.click(await screen.findByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'History' })).toBeTruthy();
  });

  it('offers the diagnostics report as a download and shows what it contains', async () => {
    const main = storageBridge({ status: { state: 'error', reason: 'foreign-file' } });
    const user = userEvent.setup();
    await openHistory(user);
    await user.click(await screen.findByRole('button', { name: 'Export diagnostics' }));
    const link = await screen.findByRole('link', { name: `Save report (${main.report.fileName})` });
    expect(link.getAttribute('download')).toBe(main.report.fileName);
    expect(link.getAttribute('href')).toBe('blob:https://softphone.shell/report');
    expect(document.activeElement).toBe(link);
    const blob = vi.mocked(URL.createObjectURL).mock.calls[0]![0] as Blob;
    expect(await blob.text()).toBe(main.report.text);
    await user.click(screen.getByText('Show what the report contains'));
    expect(screen.getByText(/"reason": "foreign-file"/)).toBeTruthy();
  });

  it('starts over only after a confirmation that says the old file is kept, reachable by keyboard', async () => {
    const main = storageBridge({ status: { state: 'error', reason: 'corrupt' } });
    const user = userEvent.setup();
    await openHistory(user);
    await screen.findByRole('heading', { level: 1, name: 'Your stored data cannot be opened' });
    const startOver = screen.getByRole('button', { name: 'Start over…' });
    // Tab order: Try again, Export diagnostics, Start over.
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Try again' }));
    await user.tab();
    await user.tab();
    expect(document.activeElement).toBe(startOver);

    await user.keyboard('{Enter}');
    const dialog = screen.getByRole('alertdialog', { name: 'Start over with an empty history?' });
    expect(dialog.textContent).toMatch(/not deleted/);
    expect(dialog.textContent).toMatch(/softphone\.db\.unreadable-/);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(startOver);
    expect(main.called('storage.startOver')).toEqual([]);

    await user.keyboard('{Enter}');
    // Focus stays inside the dialog.
    await user.tab();
    await user.tab();
    expect(screen.getByRole('alertdialog').contains(document.activeElement)).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Start over' }));
    expect(main.called('storage.startOver')).toEqual([{ confirm: START_OVER_CONFIRMATION }]);
    expect(await screen.findByRole('heading', { level: 1, name: 'History' })).toBeTruthy();
    expect(screen.getByText('No calls yet')).toBeTruthy();
  });

  it('speaks German on a German system', async () => {
    storageBridge({ status: { state: 'error', reason: 'wrong-key' }, systemLocale: 'de-DE' });
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole('button', { name: 'Ohne Anmeldung fortfahren' }));
    await user.click(screen.getByRole('link', { name: 'Verlauf' }));
    expect(
      await screen.findByRole('heading', {
        level: 1,
        name: 'Ihre gespeicherten Daten lassen sich nicht öffnen',
      }),
    ).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Diagnosebericht exportieren' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Neu beginnen …' }));
    expect(
      within(screen.getByRole('alertdialog')).getByText(/Die unlesbare Datei wird nicht gelöscht/),
    ).toBeTruthy();
  });
});

describe('when the keychain is unavailable', () => {
  it('fills the window, starts nothing that needs secrets, and continues once "Try again" succeeds', async () => {
    let keychainBack = false;
    const main = storageBridge({
      status: { state: 'keychain-unavailable', reason: 'no-service' },
      retry: () =>
        keychainBack ? { state: 'ready' } : { state: 'keychain-unavailable', reason: 'no-service' },
    });
    const user = userEvent.setup();
    render(<App />);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'The system keychain is not available' }),
    ).toBeTruthy();
    expect(screen.getByText(/GNOME Keyring/)).toBeTruthy();
    expect(screen.getByText('No keychain service is installed or running.')).toBeTruthy();
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Continue without signing in' })).toBeNull();
    expect(main.called('sipAccount.get')).toEqual([]);
    expect(main.called('sipAccount.registration')).toEqual([]);

    const retry = screen.getByRole('button', { name: 'Try again' });
    retry.focus();
    await user.keyboard('{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('The keychain is still not available.');

    keychainBack = true;
    await user.click(retry);
    expect(await screen.findByRole('button', { name: 'Continue without signing in' })).toBeTruthy();
    expect(main.called('sipAccount.get')).toHaveLength(1);
  });

  it.each([
    ['darwin', 'en-US', /unlock the “login” keychain/],
    ['win32', 'en-US', /Windows Credential Manager/],
    ['darwin', 'de-DE', /Anmeldeschlüsselbund/],
    ['linux', 'de-DE', /GNOME Keyring \(Paket gnome-keyring\) oder KWallet/],
  ] as const)('tells what to do on %s (%s)', async (platform, systemLocale, advice) => {
    storageBridge({ status: { state: 'keychain-unavailable', reason: 'locked' }, platform, systemLocale });
    render(<App />);
    await screen.findByRole('button', { name: systemLocale === 'de-DE' ? 'Erneut versuchen' : 'Try again' });
    expect(screen.getByText(advice)).toBeTruthy();
  });
});

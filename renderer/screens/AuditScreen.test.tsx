import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChainVerification } from '../../shared/audit/catalog';
import type { AuditLogEntry, AuditSyncStatus } from '../../shared/audit/sync-state';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName } from '../../shared/ipc/contract';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { useSignInStore } from '../state/sign-in-store';
import { AuditScreen } from './AuditScreen';

const at = (day: number, hour = 12) => new Date(2026, 10, day, hour).getTime();

const main = {
  entries: [] as AuditLogEntry[],
  lists: [] as unknown[],
  chain: { ok: true, count: 3, lastSequence: 3 } as ChainVerification,
  verifies: 0,
  syncNows: 0,
  status: {
    state: 'waiting',
    pending: 2,
    lastDeliveredAt: at(24),
    lastError: 'throttled',
    lastErrorAt: at(25),
    nextAttemptAt: at(25, 13),
  } as AuditSyncStatus,
  syncListeners: new Set<(status: AuditSyncStatus) => void>(),
};

const answers: Partial<Record<ChannelName, (input: never) => unknown>> = {
  'audit.list': (input: { types?: string[]; from?: number; to?: number }) => {
    main.lists.push(input);
    return main.entries
      .filter(
        (entry) =>
          (!input.types || input.types.includes(entry.type)) &&
          (input.from === undefined || entry.at >= input.from) &&
          (input.to === undefined || entry.at < input.to),
      )
      .reverse();
  },
  'audit.verify': () => {
    main.verifies += 1;
    return main.chain;
  },
  'audit.syncStatus': () => main.status,
  'audit.syncNow': () => {
    main.syncNows += 1;
    return { ...main.status, state: 'syncing' };
  },
};

const bridge: SoftphoneBridge = {
  invoke: async (channel, input) => {
    const answer = answers[channel];
    return answer
      ? { ok: true, value: (await answer(input as never)) as never }
      : { ok: false, error: { code: 'not-available', message: channel } };
  },
  on: (event, listener) => {
    if (event !== 'audit.syncChanged') return () => {};
    const sync = listener as (status: AuditSyncStatus) => void;
    main.syncListeners.add(sync);
    return () => main.syncListeners.delete(sync);
  },
};

const signedIn = (roles: Array<'admin' | 'user'>) =>
  useSignInStore.setState({
    state: {
      status: 'signed-in',
      user: { name: 'Ada', email: 'ada@example.eu', roles, method: 'provider' },
    },
  });

beforeAll(() => {
  window.softphone = bridge;
});
afterAll(() => {
  delete window.softphone;
});
beforeEach(async () => {
  await applyLanguage('en');
  main.entries = [
    {
      id: 'a',
      sequence: 1,
      at: at(20),
      type: 'app.started',
      details: { runtime: 'shell', platform: 'linux' },
    },
    { id: 'b', sequence: 2, at: at(22), type: 'session.locked', details: { reason: 'idle' } },
    { id: 'c', sequence: 3, at: at(24), type: 'session.unlocked', details: { reauthenticated: true } },
  ];
  main.lists = [];
  main.verifies = 0;
  main.syncNows = 0;
  main.chain = { ok: true, count: 3, lastSequence: 3 };
  signedIn(['admin']);
  useAppStore.setState({ screen: 'audit' });
});
afterEach(() => {
  cleanup();
  main.syncListeners.clear();
});

describe('AuditScreen', () => {
  it('lists the events newest first with readable times, names in words and details on demand', async () => {
    const user = userEvent.setup();
    useAppStore.setState({
      info: {
        name: 'Secure Softphone',
        version: '0',
        platform: 'linux',
        systemLocale: 'de-DE',
        runtime: 'shell',
      },
    });
    render(<AuditScreen />);
    const table = await screen.findByRole('table', { name: '3 events, newest first' });
    const rows = within(table).getAllByRole('row').slice(1);
    const cells = (index: number) => rows.map((row) => within(row).getAllByRole('cell')[index]!.textContent);
    expect(cells(1)).toEqual(['App unlocked', 'App locked', 'App started']);
    // British English on a German system whose person chose English: day before month, 24 hours.
    expect(cells(0)[1]).toBe('Sun, 22 Nov 2026, 12:00:00');
    const disclosure = rows[1]!.querySelector('details')!;
    expect(disclosure.open).toBe(false);
    await user.click(within(rows[1]!).getByText('Show details'));
    expect(disclosure.open).toBe(true);
    expect(within(rows[1]!).getByText('Reason').nextElementSibling?.textContent).toBe('idle');
    expect(within(rows[0]!).getByText('Signed in again').nextElementSibling?.textContent).toBe('Yes');
    expect(await screen.findByText('Intact: 3 events, every link verified.')).toBeTruthy();
    const sync = screen.getByRole('region', { name: 'Delivery to the provider' });
    expect(within(sync).getByText('Retrying soon')).toBeTruthy();
    expect(within(sync).getByText('2')).toBeTruthy();
    expect(within(sync).getByText(/Provider asked to wait/)).toBeTruthy();
  });

  it('filters by type and by day, from the keyboard', async () => {
    const user = userEvent.setup();
    render(<AuditScreen />);
    await screen.findByRole('table');
    await user.selectOptions(screen.getByLabelText('Type'), 'session.locked');
    await waitFor(() => expect(screen.getByRole('table', { name: '1 event, newest first' })).toBeTruthy());
    await user.selectOptions(screen.getByLabelText('Type'), '');
    const from = screen.getByLabelText('From');
    await user.type(from, '2026-11-23');
    await waitFor(() => expect(screen.getByRole('table', { name: '1 event, newest first' })).toBeTruthy());
    expect(main.lists.at(-1)).toMatchObject({ from: new Date(2026, 10, 23).getTime() });
    await user.type(screen.getByLabelText('To'), '2026-11-19');
    expect(await screen.findByText('No events match.')).toBeTruthy();
    // Every control is reachable with Tab.
    screen.getByRole('button', { name: 'Show' }).focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(main.lists.length).toBeGreaterThan(4));
  });

  it('shows a broken chain, checks again, and syncs now; sync states arrive as events', async () => {
    main.chain = { ok: false, problem: 'missing', sequence: 2, count: 1 };
    const user = userEvent.setup();
    render(<AuditScreen />);
    expect(await screen.findByText('Broken at event 2: an event is missing.')).toBeTruthy();
    main.chain = { ok: true, count: 3, lastSequence: 3 };
    await user.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByText('Intact: 3 events, every link verified.')).toBeTruthy();
    expect(main.verifies).toBe(2);

    await user.click(screen.getByRole('button', { name: 'Sync now' }));
    expect(await screen.findByText('Sending…')).toBeTruthy();
    expect(main.syncNows).toBe(1);
    act(() => {
      for (const listener of main.syncListeners)
        listener({ ...main.status, state: 'idle', pending: 0, lastError: null, nextAttemptAt: null });
    });
    expect(screen.getByText('Up to date or waiting for the next run')).toBeTruthy();
    expect(screen.getByText('None')).toBeTruthy();
  });

  it('is in German too', async () => {
    await applyLanguage('de');
    render(<AuditScreen />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Audit-Protokoll' })).toBeTruthy();
    expect(await screen.findByText('Unversehrt: 3 Ereignisse, jedes Glied geprüft.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Jetzt synchronisieren' })).toBeTruthy();
  });

  it('shows nothing to a user without the admin role, and sends them to the phone', async () => {
    signedIn(['user']);
    const { container } = render(<AuditScreen />);
    expect(container.textContent).toBe('');
    await waitFor(() => expect(useAppStore.getState().screen).toBe('phone'));
    expect(main.lists).toEqual([]);
  });
});

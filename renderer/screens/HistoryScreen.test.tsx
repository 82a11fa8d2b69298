import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { HistoryQuery, type CallRecord } from '../../shared/domain/history';
import type { SoftphoneBridge } from '../../shared/ipc/bridge';
import type { ChannelName } from '../../shared/ipc/contract';
import { defaultSettings } from '../../shared/settings/settings';
import '../i18n/i18n';
import { applyLanguage } from '../i18n/i18n';
import { useAppStore } from '../state/app-store';
import { HISTORY_PAGE, useHistoryStore } from '../state/history-store';
import { usePhoneStore } from '../state/phone-store';
import { callView, phoneDouble } from '../../testing/phone/phone-double';
import { groupByDay, HistoryScreen } from './HistoryScreen';

/** Main's history, newest first, with keyset paging like the real store. */
const main = {
  records: [] as CallRecord[],
  lists: [] as Array<ReturnType<typeof HistoryQuery.parse>>,
  /** While set, `history.list` waits for it: a page that is still on its way. */
  gate: null as Promise<void> | null,
  listeners: new Set<(payload: unknown) => void>(),
};

const answers: Partial<Record<ChannelName, (input: never) => unknown>> = {
  'storage.status': () => ({ state: 'ready' }),
  'history.missedCount': () => 0,
  'history.markSeen': () => undefined,
  'history.delete': ({ id }: { id: string }) => {
    main.records = main.records.filter((r) => r.id !== id);
    for (const listener of main.listeners) listener({});
    return true;
  },
  'history.list': async (input: unknown) => {
    const query = HistoryQuery.parse(input);
    main.lists.push(query);
    await main.gate;
    const { before } = query;
    return main.records
      .filter(
        (r) =>
          !before || r.startedAt < before.startedAt || (r.startedAt === before.startedAt && r.id < before.id),
      )
      .slice(0, query.limit);
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
    if (event !== 'history.changed') return () => {};
    const history = listener as (payload: unknown) => void;
    main.listeners.add(history);
    return () => main.listeners.delete(history);
  },
};

/**
 * IntersectionObserver as the browser gives it: a first report soon after `observe()`, then one whenever
 * the target's visibility changes (never again while it stays in view). The test scrolls with `show()`.
 */
class FakeIntersectionObserver {
  static live = new Set<FakeIntersectionObserver>();
  /** Whether the end of the list is in view. */
  static visible = false;
  private readonly targets: Element[] = [];
  private reported: boolean | null = null;
  constructor(
    private readonly callback: IntersectionObserverCallback,
    readonly options: IntersectionObserverInit = {},
  ) {
    FakeIntersectionObserver.live.add(this);
  }
  observe(target: Element) {
    this.targets.push(target);
    queueMicrotask(() => this.report());
  }
  unobserve() {}
  disconnect() {
    FakeIntersectionObserver.live.delete(this);
  }
  takeRecords() {
    return [];
  }
  private report() {
    const visible = FakeIntersectionObserver.visible;
    if (!FakeIntersectionObserver.live.has(this) || this.reported === visible) return;
    this.reported = visible;
    const entries = this.targets.map((target) => ({ target, isIntersecting: visible }));
    this.callback(entries as unknown as IntersectionObserverEntry[], this as never);
  }
  static show(visible: boolean) {
    FakeIntersectionObserver.visible = visible;
    for (const observer of [...FakeIntersectionObserver.live]) observer.report();
  }
}

function call(id: string, startedAt: number, remoteName: string): CallRecord {
  return {
    id,
    direction: 'incoming',
    account: 'sip:me@example.eu',
    remoteUri: `sip:${id}@example.eu`,
    remoteName,
    startedAt,
    answeredAt: startedAt + 1_000,
    endedAt: startedAt + 61_000,
    durationMs: 60_000,
    disposition: 'answered',
    cause: 'BYE',
    dtlsState: 'connected',
    srtpCipher: 'AEAD_AES_256_GCM',
    encryptionScope: 'end-to-end',
    sasMatched: null,
  };
}

const today = new Date();
const at = (daysAgo: number, hour: number, minute = 0) =>
  new Date(today.getFullYear(), today.getMonth(), today.getDate() - daysAgo, hour, minute).getTime();

/** 2 calls today, 1 yesterday, then 127 older ones, three a day: 130 calls, more than two pages. */
function history(): CallRecord[] {
  const records = [
    call('t2', at(0, 0, 2), 'Today Late'),
    call('t1', at(0, 0, 1), 'Today Early'),
    call('y1', at(1, 12), 'Yesterday Caller'),
  ];
  for (let i = 0; i < 127; i += 1)
    records.push(
      call(`o${String(i).padStart(3, '0')}`, at(2 + Math.floor(i / 3), 20 - (i % 3)), `Caller ${i}`),
    );
  return records;
}

beforeAll(async () => {
  window.softphone = bridge;
  // The store follows main's history.changed, as in the app.
  await useHistoryStore.getState().watch();
});
afterAll(() => {
  delete window.softphone;
});
beforeEach(() => {
  applyLanguage('en');
  main.records = history();
  main.lists = [];
  main.gate = null;
  FakeIntersectionObserver.live.clear();
  FakeIntersectionObserver.visible = false;
  vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
  useHistoryStore.setState({ filter: 'all', search: '', records: [], hasMore: false, loadingMore: false });
  useAppStore.setState({
    screen: 'history',
    settings: { settings: defaultSettings, locked: [] },
    info: null,
  });
  phone.call.mockClear();
  usePhoneStore.setState({ engine: () => phone, calls: [], ended: [], failed: [] });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const rows = () => within(screen.getByRole('main')).getAllByRole('listitem');
const phone = phoneDouble();

function renderScreen() {
  return render(
    <main>
      <HistoryScreen />
    </main>,
  );
}

describe('HistoryScreen', () => {
  it('lists calls under a heading per day: Today, Yesterday, then the date', async () => {
    renderScreen();
    const todayGroup = await screen.findByRole('region', { name: 'Today' });
    expect(within(todayGroup).getByRole('heading', { level: 2, name: 'Today' })).toBeTruthy();
    expect(
      within(within(todayGroup).getByRole('list'))
        .getAllByRole('listitem')
        .map((item) => item.textContent?.split('Incoming')[0]),
    ).toEqual(['Today Late', 'Today Early']);
    const yesterday = screen.getByRole('region', { name: 'Yesterday' });
    expect(within(yesterday).getAllByRole('listitem')).toHaveLength(1);

    const dateOf = new Intl.DateTimeFormat('en', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    const older = screen.getByRole('region', { name: dateOf.format(at(2, 12)) });
    expect(within(older).getAllByRole('listitem')).toHaveLength(3);
    // One heading and one list per day, in order.
    const headings = screen.getAllByRole('heading', { level: 2 }).map((h) => h.textContent);
    expect(headings.slice(0, 4)).toEqual([
      'Today',
      'Yesterday',
      dateOf.format(at(2, 12)),
      dateOf.format(at(3, 12)),
    ]);
    expect(screen.getAllByRole('list')).toHaveLength(headings.length);
  });

  it('loads the next page when the end of the list scrolls into view, until there is no more', async () => {
    renderScreen();
    await waitFor(() => expect(rows()).toHaveLength(HISTORY_PAGE));
    expect(main.lists).toHaveLength(1);
    expect(FakeIntersectionObserver.live.size).toBe(1);

    act(() => FakeIntersectionObserver.show(true));
    await waitFor(() => expect(main.lists.length).toBeGreaterThan(1));
    const lastOfFirstPage = main.records[HISTORY_PAGE - 1]!;
    expect(main.lists[1]).toMatchObject({
      limit: HISTORY_PAGE,
      before: { startedAt: lastOfFirstPage.startedAt, id: lastOfFirstPage.id },
    });
    // The end of the list stays in view after the page arrived (the observer has nothing new to report):
    // the next page still follows, until there is none.
    await waitFor(() => expect(rows()).toHaveLength(main.records.length));
    expect(main.lists).toHaveLength(3);
    expect(rows().at(-1)?.textContent).toContain('Caller 126');
    expect(new Set(rows().map((row) => row.textContent)).size).toBe(main.records.length);
    expect(screen.queryByRole('button', { name: 'Show older calls' })).toBeNull();
    expect(FakeIntersectionObserver.live.size).toBe(0);
  });

  it('asks for one page at a time, however often the sentinel is seen', async () => {
    renderScreen();
    await waitFor(() => expect(rows()).toHaveLength(HISTORY_PAGE));
    let open!: () => void;
    main.gate = new Promise((resolve) => (open = resolve));
    act(() => FakeIntersectionObserver.show(true));
    act(() => FakeIntersectionObserver.show(false));
    act(() => FakeIntersectionObserver.show(true));
    const loading = await screen.findByRole('button', { name: 'Loading older calls…' });
    expect(loading.closest('[aria-busy]')?.getAttribute('aria-busy')).toBe('true');
    expect(main.lists).toHaveLength(2);
    act(() => FakeIntersectionObserver.show(false));
    open();
    await waitFor(() => expect(rows()).toHaveLength(2 * HISTORY_PAGE));
    expect(main.lists).toHaveLength(2);
  });

  it('offers a "Show older calls" button for keyboards and where scrolling does not load', async () => {
    vi.stubGlobal('IntersectionObserver', undefined);
    const user = userEvent.setup();
    renderScreen();
    await waitFor(() => expect(rows()).toHaveLength(HISTORY_PAGE));
    const more = screen.getByRole('button', { name: 'Show older calls' });
    more.focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(rows()).toHaveLength(2 * HISTORY_PAGE));
    // Focus stays on the button, ready for the next page.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Show older calls' }));
    await user.keyboard(' ');
    await waitFor(() => expect(rows()).toHaveLength(main.records.length));
    expect(screen.queryByRole('button', { name: 'Show older calls' })).toBeNull();
  });

  it('keeps the loaded pages when a call far down is deleted', async () => {
    const user = userEvent.setup();
    renderScreen();
    await waitFor(() => expect(rows()).toHaveLength(HISTORY_PAGE));
    act(() => FakeIntersectionObserver.show(true));
    await waitFor(() => expect(rows()).toHaveLength(main.records.length));
    act(() => FakeIntersectionObserver.show(false));
    const victim = main.records[80]!;
    await user.click(screen.getByRole('button', { name: `Delete call with ${victim.remoteName}` }));
    // Main announces the change; the store reloads as many calls as were shown, not just the first page.
    await waitFor(() => expect(screen.queryByText(victim.remoteName!)).toBeNull());
    expect(rows()).toHaveLength(main.records.length);
    expect(main.lists.at(-1)).toMatchObject({ limit: main.records.length + 1 });
    expect(main.lists.at(-1)?.before).toBeUndefined();
  });
});

describe('HistoryScreen calling back', () => {
  it('calls the number of the row, and shows in the row why the call failed', async () => {
    const user = userEvent.setup();
    renderScreen();
    const row = (await screen.findByText('Today Late')).closest('li')!;
    await user.click(within(row).getByRole('button', { name: 'Call back Today Late' }));
    expect(phone.call).toHaveBeenCalledWith('sip:t2@example.eu');
    // Busy at the far end: the engine publishes the call as ended with JsSIP's cause.
    const busy = callView({ direction: 'outgoing', state: 'ended', endReason: 'busy' });
    act(() => usePhoneStore.setState({ ended: [busy], failed: [busy] }));
    expect(within(row).getByRole('alert').textContent).toBe(
      'The call to t2 did not go through. The line is busy.',
    );

    phone.call.mockResolvedValueOnce({ ok: false, problem: 'microphone-missing' });
    const other = screen.getByText('Today Early').closest('li')!;
    await user.click(within(other).getByRole('button', { name: 'Call back Today Early' }));
    expect((await within(other).findByRole('alert')).textContent).toMatch(/^No microphone was found/);
    // Only the latest press speaks.
    expect(within(row).queryByRole('alert')).toBeNull();
  });

  it('shows a call that still rings as ringing, and one the app never finished as not completed', async () => {
    main.records = [
      {
        ...call('ringing', at(0, 0, 3), 'Still Ringing'),
        answeredAt: null,
        endedAt: null,
        disposition: null,
      },
      { ...call('stale', at(0, 0, 2), 'Never Ended'), answeredAt: null, endedAt: null, disposition: null },
    ];
    usePhoneStore.setState({ calls: [callView({ id: 'ringing', state: 'incoming' })] });
    renderScreen();
    expect((await screen.findByText('Still Ringing')).closest('li')?.textContent).toContain(
      'Incoming · ringing',
    );
    expect(screen.getByText('Never Ended').closest('li')?.textContent).toContain(
      'Incoming · not completed (the app was closed)',
    );
  });

  it('writes times in British English when the system is not English, and as the system does otherwise', async () => {
    main.records = [call('late', at(0, 15, 5), 'Afternoon Caller')];
    useAppStore.setState({
      info: {
        name: 'Secure Softphone',
        version: '0',
        platform: 'linux',
        systemLocale: 'fr-FR',
        runtime: 'shell',
      },
    });
    const { unmount } = renderScreen();
    expect((await screen.findByText('Afternoon Caller')).closest('li')?.textContent).toContain('15:05');
    unmount();
    useAppStore.setState({
      info: {
        name: 'Secure Softphone',
        version: '0',
        platform: 'linux',
        systemLocale: 'en-US',
        runtime: 'shell',
      },
    });
    renderScreen();
    expect((await screen.findByText('Afternoon Caller')).closest('li')?.textContent).toContain('03:05 PM');
  });
});

describe('groupByDay', () => {
  it('names today and yesterday by the local calendar, not by 24-hour periods', () => {
    const now = new Date(2026, 2, 4, 0, 5).getTime();
    const groups = groupByDay(
      [
        call('a', new Date(2026, 2, 4, 0, 1).getTime(), 'A'),
        call('b', new Date(2026, 2, 3, 23, 59).getTime(), 'B'),
        call('c', new Date(2026, 2, 2, 23, 59).getTime(), 'C'),
      ],
      'de',
      { today: 'Heute', yesterday: 'Gestern' },
      now,
    );
    expect(groups.map((g) => [g.label, g.records.map((r) => r.id)])).toEqual([
      ['Heute', ['a']],
      ['Gestern', ['b']],
      ['Montag, 2. März 2026', ['c']],
    ]);
  });
});

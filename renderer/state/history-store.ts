import { create } from 'zustand';
import type { CallRecord, HistoryFilter, StorageStatus } from '../../shared/domain/history';
import { call, subscribe } from '../ipc/client';

/** Calls per page of the list; the next page loads as the end of the list scrolls into view. */
export const HISTORY_PAGE = 50;
/** The most calls one `history.list` returns (the contract's limit): a refresh reloads up to this many. */
const MAX_LIMIT = 200;

interface HistoryState {
  storage: StorageStatus | null;
  filter: HistoryFilter;
  search: string;
  records: CallRecord[];
  hasMore: boolean;
  /** Whether the next page is being fetched (the list says it is busy; a second request waits). */
  loadingMore: boolean;
  /** Missed calls not yet seen: the badge on the History link. */
  missed: number;
  /** Follows main's changes (missed-call badge included); called once at start. */
  watch(): Promise<void>;
  markSeen(): Promise<void>;
  load(): Promise<void>;
  setFilter(filter: HistoryFilter): Promise<void>;
  setSearch(search: string): Promise<void>;
  loadMore(): Promise<void>;
  remove(id: string): Promise<void>;
  removeAll(): Promise<void>;
}

let subscribed = false;
/** Whether the History screen has loaded the list (only then is it refreshed on changes). */
let viewing = false;

/** The call history as main keeps it in the encrypted database; reloaded when main says it changed. */
export const useHistoryStore = create<HistoryState>()((set, get) => {
  /** Bumped whenever the list is fetched anew: a page that arrives for an older list is dropped. */
  let generation = 0;
  /**
   * The list from the top. A refresh after a change keeps as many calls as were shown (up to the
   * contract's limit), so that deleting a call far down does not throw the person back to the top.
   */
  const fetchFirstPage = async (keepLoaded = false) => {
    const current = (generation += 1);
    const storage = await call('storage.status', undefined);
    if (current !== generation) return;
    if (storage.state !== 'ready') {
      set({ storage, records: [], hasMore: false, loadingMore: false });
      return;
    }
    const limit = keepLoaded
      ? Math.min(Math.max(get().records.length, HISTORY_PAGE), MAX_LIMIT)
      : HISTORY_PAGE;
    const records = await call('history.list', { filter: get().filter, search: get().search, limit });
    if (current !== generation) return;
    // Search results come in one page; paging applies to the plain list.
    set({ storage, records, hasMore: !get().search && records.length === limit, loadingMore: false });
  };
  return {
    storage: null,
    filter: 'all',
    search: '',
    records: [],
    hasMore: false,
    loadingMore: false,
    missed: 0,
    async watch() {
      if (subscribed) return;
      subscribed = true;
      const refresh = async () => set({ missed: await call('history.missedCount', undefined) });
      subscribe('history.changed', () => {
        void refresh();
        if (viewing) void fetchFirstPage(true);
      });
      await refresh();
    },
    async markSeen() {
      if (get().missed > 0) await call('history.markSeen', undefined);
    },
    async load() {
      viewing = true;
      await fetchFirstPage();
    },
    async setFilter(filter) {
      set({ filter });
      await fetchFirstPage();
    },
    async setSearch(search) {
      set({ search });
      await fetchFirstPage();
    },
    async loadMore() {
      const last = get().records.at(-1);
      if (!last || !get().hasMore || get().loadingMore) return;
      const current = generation;
      set({ loadingMore: true });
      try {
        const more = await call('history.list', {
          filter: get().filter,
          search: get().search,
          limit: HISTORY_PAGE,
          before: { startedAt: last.startedAt, id: last.id },
        });
        if (current !== generation) return;
        set({ records: [...get().records, ...more], hasMore: more.length === HISTORY_PAGE });
      } finally {
        if (current === generation) set({ loadingMore: false });
      }
    },
    async remove(id) {
      await call('history.delete', { id });
    },
    async removeAll() {
      await call('history.deleteAll', undefined);
    },
  };
});

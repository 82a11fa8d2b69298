import { create } from 'zustand';
import type { CallRecord, HistoryFilter, StorageStatus } from '../../shared/domain/history';
import { call, subscribe } from '../ipc/client';

const PAGE = 50;

interface HistoryState {
  storage: StorageStatus | null;
  filter: HistoryFilter;
  search: string;
  records: CallRecord[];
  hasMore: boolean;
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
  const fetchFirstPage = async () => {
    const storage = await call('storage.status', undefined);
    if (storage.state !== 'ready') {
      set({ storage, records: [], hasMore: false });
      return;
    }
    const records = await call('history.list', { filter: get().filter, search: get().search, limit: PAGE });
    // Search results come in one page; paging applies to the plain list.
    set({ storage, records, hasMore: !get().search && records.length === PAGE });
  };
  return {
    storage: null,
    filter: 'all',
    search: '',
    records: [],
    hasMore: false,
    missed: 0,
    async watch() {
      if (subscribed) return;
      subscribed = true;
      const refresh = async () => set({ missed: await call('history.missedCount', undefined) });
      subscribe('history.changed', () => {
        void refresh();
        if (viewing) void fetchFirstPage();
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
      if (!last) return;
      const more = await call('history.list', {
        filter: get().filter,
        search: get().search,
        limit: PAGE,
        before: { startedAt: last.startedAt, id: last.id },
      });
      set({ records: [...get().records, ...more], hasMore: more.length === PAGE });
    },
    async remove(id) {
      await call('history.delete', { id });
    },
    async removeAll() {
      await call('history.deleteAll', undefined);
    },
  };
});

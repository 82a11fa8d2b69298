import type { AuditEvent } from '../../shared/audit/catalog.js';
import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import type { StorageLifecycle } from './storage-lifecycle.js';

/** The History screen's channels, over the history store of the open database. */
export function historyHandlers(deps: {
  storage: Pick<StorageLifecycle, 'requireHistory' | 'history'>;
  record(event: AuditEvent): void;
  emit: Emit;
}): HandlersFor<
  'history.list' | 'history.delete' | 'history.deleteAll' | 'history.missedCount' | 'history.markSeen'
> {
  const { storage, emit } = deps;
  return {
    'history.list': (query) => {
      const store = storage.requireHistory();
      return query.search ? store.search(query.search, query.limit) : store.list(query);
    },
    'history.delete': ({ id }) => {
      const deleted = storage.requireHistory().delete(id);
      emit('history.changed', {});
      return deleted;
    },
    'history.deleteAll': async () => {
      const count = await storage.requireHistory().deleteAll();
      deps.record({ type: 'data.deleted', details: { scope: 'call-history', count } });
      emit('history.changed', {});
      return count;
    },
    'history.missedCount': () => storage.history()?.missedUnseen() ?? 0,
    'history.markSeen': () => {
      storage.requireHistory().markSeen();
      emit('history.changed', {});
      return undefined;
    },
  };
}

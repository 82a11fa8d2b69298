import { create } from 'zustand';
import {
  START_OVER_CONFIRMATION,
  type DiagnosticsReport,
  type StartOverResult,
  type StorageStatus,
} from '../../shared/domain/history';
import { call, errorKey, subscribe } from '../ipc/client';

interface StorageState {
  /** Whether main's encrypted database is open, or why not; null until main has answered. */
  status: StorageStatus | null;
  /** The i18n key of an error when main could not even be asked. */
  loadError: string | null;
  /** Asks main once and follows its changes; called once at start. */
  load(): Promise<void>;
  /** Opens the database again (and probes the keychain again). */
  retry(): Promise<StorageStatus>;
  exportDiagnostics(): Promise<DiagnosticsReport>;
  /** Moves the unreadable database aside (main never deletes it) and starts with a new, empty one. */
  startOver(): Promise<StartOverResult>;
}

let subscribed = false;

/** The state of local storage as main reports it: the app shows what to do when it is not usable. */
export const useStorageStore = create<StorageState>()((set) => {
  const refresh = async () => {
    try {
      set({ status: await call('storage.status', undefined), loadError: null });
    } catch (error) {
      // Only a first answer that never came stops the app; a failed refresh keeps the last known state.
      if (useStorageStore.getState().status === null) set({ loadError: errorKey(error) });
    }
  };
  return {
    status: null,
    loadError: null,
    async load() {
      if (!subscribed) {
        subscribed = true;
        // Main announces every change of the database (retry, start over, deleting all data) this way.
        subscribe('history.changed', () => void refresh());
      }
      await refresh();
    },
    async retry() {
      const status = await call('storage.retry', undefined);
      set({ status });
      return status;
    },
    exportDiagnostics: () => call('storage.exportDiagnostics', undefined),
    async startOver() {
      const result = await call('storage.startOver', { confirm: START_OVER_CONFIRMATION });
      set({ status: result.status });
      return result;
    },
  };
});

/** For tests: forget the subscription (a new fake bridge comes with every test). */
export function resetStorageStore(): void {
  subscribed = false;
  useStorageStore.setState({ status: null, loadError: null });
}

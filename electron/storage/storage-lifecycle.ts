import type { AuditEvent } from '../../shared/audit/catalog.js';
import type { AppInfo } from '../../shared/ipc/contract.js';
import type { StorageStatus } from '../../shared/domain/history.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import { openAuditStore, type AuditStore } from '../audit/audit-store.js';
import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import { KeychainUnavailableError, probeSecretStore, type SecretStore } from '../secrets/secret-store.js';
import { createContactStore, type ContactStore } from './contacts.js';
import { DatabaseOpenError, openEncryptedDatabase, type SqlDatabase } from './database.js';
import { buildDiagnosticsReport, gatherStorageFacts } from './diagnostics.js';
import { createHistoryStore, type HistoryStore } from './history.js';
import { shredAllData } from './shred.js';
import { moveDatabaseAside } from './start-over.js';

const DAY = 24 * 60 * 60 * 1000;

export interface StorageLifecycleDeps {
  databasePath: string;
  /** The OS keychain, probed (write, read back, delete) before the database is opened. */
  secrets: SecretStore;
  now(): number;
  /** Who the diagnostics report names (no key, no names, no numbers). */
  app: Pick<AppInfo, 'name' | 'version' | 'runtime' | 'platform'>;
  /** The audit log: it moves into the database when it opens and back into memory before it closes. */
  audit: { attach(store: AuditStore): void; detach(): Promise<void>; record(event: AuditEvent): void };
  appVersion: string;
  /** Contacts compare numbers in the country the settings name. */
  defaultCountry(): string;
  /** Days the call history is kept (policy `historyRetentionDays`; null keeps it). */
  historyRetentionDays(): number | null;
  emit: Emit;
  logError(message: string, error: unknown): void;
}

/**
 * The encrypted database's lifecycle: probing the keychain, opening (a failure is reported, never papered
 * over with a new file), retention, moving an unreadable file aside, shredding. The history and contact
 * stores exist only while it is open. Opening, moving aside and shredding run one after the other.
 */
export interface StorageLifecycle {
  status(): StorageStatus;
  /** Whether the keychain answered the last probe. */
  keychainUsable(): boolean;
  /** Refuses (`not-available`) while the keychain does not work. */
  requireKeychain(): void;
  history(): HistoryStore | null;
  requireHistory(): HistoryStore;
  requireContacts(): ContactStore;
  /** The open database, or a `not-available` refusal. */
  requireDatabase(): SqlDatabase;
  /** Runs after every other opening, moving aside or shredding (two clicks on "Try again" open one database). */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
  /** Probes the keychain and opens the database (within `exclusive`, or at start). */
  open(): Promise<void>;
  /** Destroys the keys and removes the files (within `exclusive`); `open()` starts a new database after. */
  shred(): Promise<void>;
  /** Deletes the history older than the policy's retention. */
  applyRetention(): Promise<void>;
  /** The keychain works again after `storage.retry` (what waited for it can be shown now). */
  onKeychainReturned(listener: () => void): void;
  handlers: HandlersFor<
    'storage.status' | 'storage.retry' | 'storage.exportDiagnostics' | 'storage.startOver'
  >;
  dispose(): Promise<void>;
}

export function createStorageLifecycle(deps: StorageLifecycleDeps): StorageLifecycle {
  let database: SqlDatabase | null = null;
  let history: HistoryStore | null = null;
  let contacts: ContactStore | null = null;
  let storage: StorageStatus = { state: 'error', reason: 'corrupt' };
  const keychainListeners: (() => void)[] = [];
  let queue: Promise<unknown> = Promise.resolve();

  const open = async () => {
    try {
      await probeSecretStore(deps.secrets);
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      storage = { state: 'keychain-unavailable', reason: error.reason };
      deps.audit.record({ type: 'keychain.unavailable', details: { reason: error.reason } });
      return;
    }
    try {
      const db = await openEncryptedDatabase(deps.databasePath, deps.secrets);
      database = db;
      const contactStore = createContactStore(db, { defaultCountry: deps.defaultCountry, now: deps.now });
      contacts = contactStore;
      // History rows are named from contacts (caller ID), looked up when they are listed.
      history = createHistoryStore(db, { nameFor: (uri) => contactStore.nameForUri(uri) });
      // Writes what waited in memory, and a chain found broken (verify() at opening) as an event.
      await openAuditStore({ db, secrets: deps.secrets, appVersion: deps.appVersion, now: deps.now }).then(
        (store) => deps.audit.attach(store),
        (error: unknown) => deps.logError('The audit log cannot be opened; its events stay in memory', error),
      );
      storage = { state: 'ready' };
    } catch (error) {
      if (!(error instanceof DatabaseOpenError)) throw error;
      storage = { state: 'error', reason: error.reason };
      deps.audit.record({ type: 'database.openFailed', details: { reason: error.reason } });
    }
  };
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => {});
    return result;
  };
  const applyRetention = async () => {
    const days = deps.historyRetentionDays();
    if (days === null || !history) return;
    const purged = await history.purgeBefore(deps.now() - days * DAY);
    if (purged > 0) {
      deps.audit.record({
        type: 'data.purged',
        details: { scope: 'call-history', count: purged, retentionDays: days },
      });
      deps.emit('history.changed', {});
    }
  };
  // Retention from policy, at start and daily after that.
  const retentionTimer = setInterval(
    () => void applyRetention().catch((error: unknown) => deps.logError('Retention purge failed', error)),
    DAY,
  );
  retentionTimer.unref?.();
  const keychainUsable = () => storage.state !== 'keychain-unavailable';
  const notOpen = () => new ServiceError('not-available', 'the database is not open');

  return {
    status: () => storage,
    keychainUsable,
    requireKeychain() {
      if (!keychainUsable()) throw new ServiceError('not-available', 'the system keychain is not available');
    },
    history: () => history,
    requireHistory() {
      if (!history) throw notOpen();
      return history;
    },
    requireContacts() {
      if (!contacts) throw notOpen();
      return contacts;
    },
    requireDatabase() {
      if (!database) throw notOpen();
      return database;
    },
    exclusive,
    open,
    async shred() {
      // The shredding destroys the log too: its events wait in memory and begin the new database's log.
      await deps.audit.detach();
      deps.audit.record({ type: 'data.deleted', details: { scope: 'all', count: null } });
      await shredAllData({ db: database, path: deps.databasePath, secrets: deps.secrets });
      database = null;
      history = null;
      contacts = null;
    },
    applyRetention,
    onKeychainReturned: (listener) => void keychainListeners.push(listener),
    handlers: {
      'storage.status': () => storage,
      'storage.retry': () =>
        exclusive(async () => {
          if (storage.state === 'ready') return storage;
          const before = storage.state;
          await open();
          // (TypeScript still narrows `storage` from before the await.)
          if ((storage as StorageStatus).state === 'ready') await applyRetention();
          // Screens that need the database ask for its status again when history changes.
          deps.emit('history.changed', {});
          if (before === 'keychain-unavailable' && keychainUsable())
            for (const listener of keychainListeners) listener();
          return storage;
        }),
      'storage.exportDiagnostics': async () =>
        buildDiagnosticsReport(
          await gatherStorageFacts({
            path: deps.databasePath,
            secrets: deps.secrets,
            status: storage,
            app: deps.app,
            now: deps.now(),
          }),
        ),
      'storage.startOver': () =>
        exclusive(async () => {
          // Only a database that does not open is moved aside; a working one, or one whose key cannot be
          // looked at because the keychain is unavailable, is never touched.
          if (storage.state !== 'error')
            throw new ServiceError('refused', `nothing to start over: storage is ${storage.state}`);
          const keptAs = await moveDatabaseAside({
            path: deps.databasePath,
            secrets: deps.secrets,
            now: deps.now(),
          });
          await open();
          deps.emit('history.changed', {});
          return { status: storage, keptAs };
        }),
    },
    async dispose() {
      clearInterval(retentionTimer);
      await deps.audit.detach();
      database?.close();
    },
  };
}

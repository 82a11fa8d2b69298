import type { AuditEvent } from '../../shared/audit/catalog.js';
import type { EffectivePolicy } from '../../shared/policy/schema.js';
import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import type { AuditStore } from './audit-store.js';
import { createAuditTrail, type AuditTrail } from './audit-trail.js';
import { createAuditSync, type AuditHttp, type AuditSync } from './sync.js';

/** Who is signed in, for the events and for the provider API; known once the sign-in service exists. */
export interface AuditSession {
  /** The signed-in user (the ID token's subject) or null. */
  user(): string | null;
  accessToken(): Promise<string | null>;
  refreshAccessToken(): Promise<string | null>;
}

export interface AuditUnitDeps {
  now(): number;
  policy(): EffectivePolicy;
  /** The sync's HTTPS POST: main's HTTP client (sync-http.ts), which its owner closes. */
  http: AuditHttp;
  emit: Emit;
  logError(message: string, error: unknown): void;
}

/**
 * The audit log of the running app and its delivery to the provider: every security-relevant event,
 * recorded in main (never trusted from the renderer), hash-chained in the encrypted database, held in
 * memory while the database is closed.
 */
export interface AuditUnit {
  trail: AuditTrail;
  sync: AuditSync;
  /** Records an event; a failure is logged, never thrown at the caller. */
  record(event: AuditEvent): void;
  /** The database opened: the store takes the events waiting in memory, and the sync delivers from it. */
  attach(store: AuditStore): void;
  /**
   * The database is about to close or be shredded: events wait in memory again. Resolves once the keychain
   * holds the log's last link (and nothing more is written there, so shredding the keychain is final).
   */
  detach(): Promise<void>;
  /** Who is signed in; until this is called, events name nobody and the sync waits as signed out. */
  connectSession(session: AuditSession): void;
  /** Starts delivering: at once, periodically, soon after each event, and when the network returns. */
  startSync(): void;
  /** A session began: what was recorded while signed out (the sign-in among it) goes to the provider now. */
  signedIn(): void;
  handlers: HandlersFor<
    'audit.report' | 'audit.list' | 'audit.verify' | 'audit.syncStatus' | 'audit.syncNow' | 'network.online'
  >;
  dispose(): Promise<void>;
}

export function createAuditUnit(deps: AuditUnitDeps): AuditUnit {
  let session: AuditSession | null = null;
  let store: AuditStore | null = null;
  // Committed events go to the provider soon after; none before the sync is started.
  let syncStarted = false;
  const trail = createAuditTrail({
    now: deps.now,
    user: () => session?.user() ?? null,
    onAppended: () => {
      if (syncStarted) sync.eventRecorded();
    },
  });
  const sync = createAuditSync({
    store: () => store,
    apiBaseUrl: () => deps.policy().provider?.apiBaseUrl ?? null,
    accessToken: async () => (session ? session.accessToken() : null),
    refreshAccessToken: async () => (session ? session.refreshAccessToken() : null),
    retentionDays: () => deps.policy().auditRetentionDays,
    http: deps.http,
    onStatus: (status) => deps.emit('audit.syncChanged', status),
  });
  const record = (event: AuditEvent) =>
    void trail
      .record(event)
      .catch((error: unknown) => deps.logError(`Recording ${event.type} failed`, error));

  return {
    trail,
    sync,
    record,
    attach(next) {
      trail.attach(next);
      store = next;
    },
    async detach() {
      trail.detach();
      const closing = store;
      store = null;
      await closing?.close();
    },
    connectSession(next) {
      session = next;
    },
    startSync() {
      syncStarted = true;
      sync.start();
    },
    signedIn() {
      if (syncStarted) sync.signedIn();
    },
    handlers: {
      'audit.report': async (event) => {
        await trail.reportFromRenderer(event);
        return undefined;
      },
      // The admin screen's channels: the router answers them for the `admin` role only (contract `role`).
      'audit.list': (query) => trail.search({ ...query, limit: query.limit ?? 200 }),
      'audit.verify': () => trail.verify(),
      'audit.syncStatus': () => sync.status(),
      'network.online': () => {
        sync.networkReturned();
        return undefined;
      },
      // Started, not awaited: while the provider fails the run keeps retrying; its states follow as events.
      'audit.syncNow': () => {
        sync.syncNow().catch((error: unknown) => deps.logError('Audit sync failed', error));
        return sync.status();
      },
    },
    async dispose() {
      await sync.stop();
    },
  };
}

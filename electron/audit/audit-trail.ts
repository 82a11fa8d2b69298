import type { AuditEvent, ChainVerification, RendererAuditEvent } from '../../shared/audit/catalog.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import type { AuditEventInput, AuditLog, AuditRecord } from './audit-log.js';
import { parseAuditEvent, type AuditStore, type PendingAuditEvent } from './audit-store.js';

export interface AuditTrailOptions {
  now(): number;
  /** The signed-in user (the ID token's subject) or null, taken when an event is recorded. */
  user?(): string | null;
  /** Events held in memory while the database is closed (default 1,000). */
  maxPending?: number;
  /** Events the renderer may report per minute (default 30). */
  rendererPerMinute?: number;
  /** Events were committed to the store (the sync delivers them). */
  onAppended?(): void;
}

/** The audit log of the running app: the store while the database is open, a queue in memory while not. */
export interface AuditTrail extends AuditLog {
  /** A user-initiated event the renderer asked for (already validated by the IPC router); rate-limited. */
  reportFromRenderer(event: RendererAuditEvent): Promise<void>;
  /** The chain's state; refused while the database is closed. */
  verify(): Promise<ChainVerification>;
  /** The admin screen's view: newest first, by type and time; refused while the database is closed. */
  search(query: Parameters<AuditStore['search']>[0]): Promise<AuditRecord[]>;
  /**
   * The database opened: events recorded while it was closed are written first, with the times they
   * happened; then a chain found broken at opening (`audit.chainBroken`, once per break) and a new app
   * version since the last event (`app.updated`).
   */
  attach(store: AuditStore): void;
  /** The database is about to close (or be shredded): events are held in memory until the next attach(). */
  detach(): void;
}

const MINUTE = 60_000;

export function createAuditTrail(options: AuditTrailOptions): AuditTrail {
  const maxPending = options.maxPending ?? 1000;
  const rendererPerMinute = options.rendererPerMinute ?? 30;
  let store: AuditStore | null = null;
  const pending: PendingAuditEvent[] = [];
  const rendererReports: number[] = [];
  // Group commit: events recorded in the same turn of the event loop go into one transaction (one fsync
  // with synchronous=FULL), in the order of the calls; each record() resolves once its event is committed.
  let batch: { events: PendingAuditEvent[]; settle: ((error?: unknown) => void)[] } | null = null;

  const commit = (): void => {
    if (!batch) return;
    const { events, settle } = batch;
    batch = null;
    try {
      // attach() and detach() commit first, so a batch always belongs to the store it was made for.
      store!.appendMany(events);
    } catch (error) {
      for (const done of settle) done(error);
      return;
    }
    for (const done of settle) done();
    options.onAppended?.();
  };
  const write = (event: AuditEvent): Promise<void> => {
    const at = options.now();
    // Who was signed in when it happened, also for an event that waits for the database.
    const user = options.user?.() ?? null;
    if (!store) {
      // Nothing is written anywhere but the encrypted database: while it is closed, events wait in memory.
      if (pending.length >= maxPending)
        throw new ServiceError('not-available', 'the audit log is closed and its queue is full');
      pending.push({ event, at, user });
      return Promise.resolve();
    }
    if (!batch) {
      batch = { events: [], settle: [] };
      queueMicrotask(commit);
    }
    const current = batch;
    current.events.push({ event, at, user });
    return new Promise((resolve, reject) =>
      current.settle.push((error) => (error === undefined ? resolve() : reject(error))),
    );
  };
  const requireStore = (): AuditStore => {
    commit();
    if (!store) throw new ServiceError('not-available', 'the database is not open');
    return store;
  };

  return {
    // Validated at once (a bad event rejects); queued in the order of the calls.
    async record(input: AuditEventInput) {
      await write(parseAuditEvent(input));
    },
    async list(): Promise<AuditRecord[]> {
      return requireStore().list();
    },
    async verify() {
      return requireStore().verify();
    },
    async search(query) {
      return requireStore().search(query);
    },
    async reportFromRenderer(event) {
      const now = options.now();
      while (rendererReports.length > 0 && rendererReports[0]! <= now - MINUTE) rendererReports.shift();
      if (rendererReports.length >= rendererPerMinute)
        throw new ServiceError('refused', 'too many audit reports from the app window');
      const parsed = parseAuditEvent(event);
      rendererReports.push(now);
      await write(parsed);
    },
    attach(next) {
      commit();
      const previousVersion = next.lastAppVersion();
      next.appendMany(pending);
      pending.length = 0;
      const opened = next.openedWith;
      // A wiped or rolled-back log has declared its gap itself (`audit.gapDetected`) when it opened.
      if (!opened.ok && opened.problem !== 'wiped' && opened.problem !== 'rolled-back') {
        const last = next.latest('audit.chainBroken');
        if (last?.details.problem !== opened.problem || last.details.sequence !== opened.sequence)
          next.append({
            type: 'audit.chainBroken',
            details: { problem: opened.problem, sequence: opened.sequence },
          });
      }
      if (previousVersion !== null && previousVersion !== next.appVersion)
        next.append({ type: 'app.updated', details: { from: previousVersion, to: next.appVersion } });
      store = next;
      options.onAppended?.();
    },
    detach() {
      commit();
      store = null;
    },
  };
}

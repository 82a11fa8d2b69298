// The audit trail (issue 6): how fast events are recorded in the encrypted database (one transaction per
// event, in batches, and through the app's AuditTrail with its group commit), how long verify() takes for
// 100,000 events, and delivery to the provider's audit endpoint of the test stack (the login broker over
// HTTPS with a per-run CA, a real access token): throughput and event-to-provider latency while online.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AuditEvent } from '../shared/audit/catalog.js';
import { openAuditStore, type AuditStore } from '../electron/audit/audit-store.js';
import { createAuditTrail } from '../electron/audit/audit-trail.js';
import { createHttpsAuditTransport } from '../electron/audit/sync-http.js';
import { createAuditSync } from '../electron/audit/sync.js';
import { createMemorySecretStore } from '../testing/memory-secret-store.js';
import { openEncryptedDatabase, type SqlDatabase } from '../electron/storage/database.js';
import { createTestPki } from '../e2e/provider/certs.js';
import { startLoginBroker } from '../e2e/provider/login-broker.js';
import { discoverBroker, signIn, trustingFetch } from '../e2e/provider/oidc-test-client.js';
import { percentile, type BenchReport, type Metric } from './report.js';

const RUNS = 3;
const SINGLE = 2_000;
const BATCHED = 20_000;
const BATCH = 100;
const VERIFY = 100_000;
const SYNC = 20_000;
const LATENCY_SAMPLES = 40;

const event = (i: number): AuditEvent => ({
  type: 'session.locked',
  details: { reason: (['idle', 'os-lock', 'sleep', 'user'] as const)[i % 4]! },
});

async function withStore<T>(
  dir: string,
  name: string,
  task: (store: AuditStore, db: SqlDatabase) => Promise<T>,
) {
  const secrets = createMemorySecretStore();
  const db = await openEncryptedDatabase(join(dir, `${name}.db`), secrets);
  try {
    const store = await openAuditStore({
      db,
      secrets,
      appVersion: '1.0.0',
      now: Date.now,
      user: () => 'bench',
    });
    return await task(store, db);
  } finally {
    db.close();
  }
}

const median = (samples: number[]) => percentile(samples, 50);

export async function run(): Promise<BenchReport> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-audit-'));
  const single: number[] = [];
  const batched: number[] = [];
  const grouped: number[] = [];
  const verifyMs: number[] = [];
  const syncRates: number[] = [];
  const latencies: number[] = [];
  const pki = await createTestPki(dir);
  const trusting = trustingFetch(pki.caCertPem);
  const broker = await startLoginBroker({
    pki,
    sip: { wssUrl: 'wss://127.0.0.1:7443', domain: 'softphone.test' },
    provisioner: { add: async () => undefined, remove: async () => undefined },
  });
  const transport = createHttpsAuditTransport(() => ({
    extraCaCertificates: [pki.caCertPem],
    pinnedSpkiSha256: [],
  }));
  try {
    const user = broker.addUser({
      username: 'bench',
      password: 'bench-password',
      upstream: 'provider',
      secondFactor: 'none',
      roles: ['admin'],
      email: 'bench@example.test',
      name: 'Bench',
    });
    const config = await discoverBroker(broker.issuer, broker.clientId, trusting.fetch);
    const token = (await signIn(config, trusting.fetch, user)).tokens.access_token;
    const syncFor = (store: AuditStore, debounceMs = 500) =>
      createAuditSync({
        store: () => store,
        apiBaseUrl: () => broker.apiBaseUrl,
        accessToken: async () => token,
        refreshAccessToken: async () => null,
        retentionDays: () => 90,
        http: transport,
        debounceMs,
      });

    for (let runIndex = 0; runIndex < RUNS; runIndex += 1) {
      await withStore(dir, `single-${runIndex}`, async (store) => {
        const start = performance.now();
        for (let i = 0; i < SINGLE; i += 1) store.append(event(i));
        single.push(SINGLE / ((performance.now() - start) / 1000));
      });
      await withStore(dir, `batched-${runIndex}`, async (store) => {
        const start = performance.now();
        for (let i = 0; i < BATCHED; i += BATCH)
          store.appendMany(Array.from({ length: BATCH }, (_, j) => ({ event: event(i + j) })));
        batched.push(BATCHED / ((performance.now() - start) / 1000));
      });
      await withStore(dir, `trail-${runIndex}`, async (store) => {
        // The app's path: record() from many places in one turn is one transaction.
        const trail = createAuditTrail({ now: Date.now });
        trail.attach(store);
        const start = performance.now();
        for (let i = 0; i < BATCHED; i += BATCH)
          await Promise.all(Array.from({ length: BATCH }, (_, j) => trail.record(event(i + j))));
        grouped.push(BATCHED / ((performance.now() - start) / 1000));
      });
      await withStore(dir, `verify-${runIndex}`, async (store) => {
        for (let i = 0; i < VERIFY; i += 1000)
          store.appendMany(Array.from({ length: 1000 }, (_, j) => ({ event: event(i + j) })));
        const start = performance.now();
        const result = store.verify();
        verifyMs.push(performance.now() - start);
        if (!result.ok || result.count !== VERIFY) throw new Error(`verify found ${JSON.stringify(result)}`);
      });
      await withStore(dir, `sync-${runIndex}`, async (store) => {
        for (let i = 0; i < SYNC; i += 1000)
          store.appendMany(Array.from({ length: 1000 }, (_, j) => ({ event: event(i + j) })));
        const sync = syncFor(store);
        const start = performance.now();
        const status = await sync.syncNow();
        syncRates.push(SYNC / ((performance.now() - start) / 1000));
        await sync.stop();
        if (status.pending !== 0) throw new Error(`sync left ${status.pending} events`);
      });
    }

    // Latency while online: an event recorded through the trail, until the provider has stored it.
    await withStore(dir, 'latency', async (store) => {
      const trail = createAuditTrail({ now: Date.now, onAppended: () => sync.eventRecorded() });
      const sync = syncFor(store);
      trail.attach(store);
      sync.start();
      await sync.syncNow();
      const base = broker.audit.events().length;
      for (let i = 0; i < LATENCY_SAMPLES; i += 1) {
        const start = performance.now();
        await trail.record(event(i));
        await broker.audit.waitFor(base + i + 1);
        latencies.push(performance.now() - start);
        // Apart, so that each event is its own run (no batching with the previous one).
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await sync.stop();
    });
  } finally {
    transport.close();
    await broker.stop();
    await trusting.close();
    await rm(dir, { recursive: true, force: true });
  }

  const metrics: Record<string, Metric> = {
    append_single_events_per_s: { value: median(single), unit: 'events/s' },
    append_batched_events_per_s: { value: median(batched), unit: 'events/s' },
    append_trail_events_per_s: { value: median(grouped), unit: 'events/s' },
    verify_100k_ms: { value: median(verifyMs), unit: 'ms' },
    sync_events_per_s: { value: median(syncRates), unit: 'events/s' },
    latency_to_provider_p50: { value: percentile(latencies, 50), unit: 'ms' },
    latency_to_provider_p95: { value: percentile(latencies, 95), unit: 'ms' },
  };
  return {
    name: 'audit',
    runs: RUNS,
    metrics,
    notes: [
      'targets (issue 6): append >= 5,000 events/s, sync >= 2,000 events/s, latency p50 < 2 s',
      `append: SQLCipher with synchronous=FULL; single = one transaction (one fsync) per event, ${SINGLE} events;` +
        ` batched = ${BATCH} per transaction, ${BATCHED} events; trail = AuditTrail.record(), ${BATCH} per turn (group commit)`,
      `sync: ${SYNC} events to POST /v1/audit-events of the test stack over HTTPS (keep-alive), batches of 500 / 256 KiB`,
      `latency: ${LATENCY_SAMPLES} events recorded one at a time while online, until stored by the provider (sync debounce 500 ms)`,
    ],
  };
}

// The child program of e2e/provider/audit-sync-fault.test.ts (and bench/audit.ts): the app's audit side
// alone. It opens the real encrypted database, records audit events up to a target count and runs the
// sync against the provider API over HTTPS, until it is killed or (with AUDIT_CHILD_FINISH=1) everything
// is delivered. Each line on stdout tells the parent where it is, so that a kill can land anywhere:
// mid-append, mid-request, between a response and the bookkeeping of it.
import { readFileSync, writeSync } from 'node:fs';
import { setImmediate as turn } from 'node:timers/promises';
import { createMemorySecretStore } from './memory-secret-store.js';
import { DATABASE_KEY_ITEM, openEncryptedDatabase } from '../electron/storage/database.js';
import { AUDIT_HMAC_KEY_ITEM, openAuditStore } from '../electron/audit/audit-store.js';
import { createHttpsAuditTransport } from '../electron/audit/sync-http.js';
import { createAuditSync, type AuditHttp } from '../electron/audit/sync.js';

// Environment: AUDIT_CHILD_DATABASE, AUDIT_CHILD_DB_KEY, AUDIT_CHILD_HMAC_KEY (64 hex each, as the keychain
// holds them), AUDIT_CHILD_API (base URL), AUDIT_CHILD_CA (path of the CA to trust besides the system
// roots), AUDIT_CHILD_TOKEN (access token), AUDIT_CHILD_TARGET (events the log should hold when this run is
// done appending), AUDIT_CHILD_FINISH=1 (exit once all are delivered), AUDIT_CHILD_CHUNK (events per
// transaction, default 25).

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** Synchronous, so that a line is in the pipe before the next step starts. */
function say(line: string): void {
  writeSync(1, `${line}\n`);
}

async function main(): Promise<void> {
  const secrets = createMemorySecretStore({
    [DATABASE_KEY_ITEM]: required('AUDIT_CHILD_DB_KEY'),
    [AUDIT_HMAC_KEY_ITEM]: required('AUDIT_CHILD_HMAC_KEY'),
  });
  const db = await openEncryptedDatabase(required('AUDIT_CHILD_DATABASE'), secrets);
  const store = await openAuditStore({
    db,
    secrets,
    appVersion: '1.0.0',
    now: Date.now,
    user: () => 'fault-test',
  });
  const target = Number(required('AUDIT_CHILD_TARGET'));
  const finish = process.env.AUDIT_CHILD_FINISH === '1';
  const chunk = Number(process.env.AUDIT_CHILD_CHUNK ?? 25);
  const token = required('AUDIT_CHILD_TOKEN');
  const transport = createHttpsAuditTransport(() => ({
    extraCaCertificates: [readFileSync(required('AUDIT_CHILD_CA'), 'utf8')],
    pinnedSpkiSha256: [],
  }));
  const http: AuditHttp = async (request) => {
    say('request');
    const response = await transport(request);
    say(`response ${response.status}`);
    return response;
  };
  let idle: () => void = () => undefined;
  const sync = createAuditSync({
    store: () => store,
    apiBaseUrl: () => required('AUDIT_CHILD_API'),
    accessToken: async () => token,
    // The test endpoint's 401 is a simulated expiry: the same token is good again.
    refreshAccessToken: async () => token,
    retentionDays: () => 90,
    http,
    baseDelayMs: 20,
    maxDelayMs: 200,
    maxRetryAfterMs: 1500,
    requestTimeoutMs: 700,
    intervalMs: 50,
    onStatus: (status) => {
      if (status.state === 'idle' && status.pending === 0) idle();
    },
  });
  // Killed from outside unless it should finish: until then it stays (the sync's timer keeps nobody alive).
  if (!finish) setInterval(() => undefined, 60_000);
  say(`open ${store.deviceId}`);
  sync.start();

  const count = () =>
    (db.prepare('SELECT max(seq) AS n FROM audit_event').get() as { n: number | null }).n ?? 0;
  let recorded = count();
  while (recorded < target) {
    const n = Math.min(chunk, target - recorded);
    const events = Array.from({ length: n }, (_, i) => ({
      event: {
        type: 'session.locked' as const,
        details: { reason: (['idle', 'os-lock', 'sleep', 'user'] as const)[(recorded + i) % 4]! },
      },
    }));
    store.appendMany(events);
    recorded += n;
    say(`appended ${recorded}`);
    sync.networkReturned();
    await turn();
  }
  say('appended-all');
  await new Promise<void>((resolve) => {
    idle = resolve;
    if (store.undeliveredCount() === 0) resolve();
  });
  say(`idle ${store.undeliveredCount()}`);
  if (!finish) return;
  await sync.stop();
  transport.close();
  db.close();
  say('done');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

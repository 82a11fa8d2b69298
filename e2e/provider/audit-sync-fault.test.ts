import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { AUDIT_HMAC_KEY_ITEM, openAuditStore } from '../../electron/audit/audit-store.js';
import { createHttpsAuditTransport } from '../../electron/audit/sync-http.js';
import { createAuditSync } from '../../electron/audit/sync.js';
import { DATABASE_KEY_ITEM, openEncryptedDatabase } from '../../electron/storage/database.js';
import type { AuditMisbehaviour } from './audit-endpoint.js';
import { createTestPki, type TestPki } from './certs.js';
import { startLoginBroker, type LoginBroker, type SipProvisioner } from './login-broker.js';
import { discoverBroker, signIn, trustingFetch } from './oidc-test-client.js';
import { seededRandom } from '../support/seeded-random.js';

/**
 * The fault test: 10,000 audit events recorded by the app's audit side in a child process, synced
 * over HTTPS (the test CA) to the provider's audit endpoint while it misbehaves in a random sequence (500,
 * 429/503 with Retry-After in seconds and as a date, a reset connection after storing, 401, no answer,
 * slow answers), and the child killed with SIGKILL at 25 random moments. At the end the provider holds
 * every event exactly once, each device's sequence numbers are contiguous and its chain is intact.
 */

const ROUNDS = 25;
const TOTAL = 10_000;
/** AUDIT_FAULT_SEED=<n> repeats the kill moments and misbehaviour of a failed run. */
const SEED = Number(process.env.AUDIT_FAULT_SEED ?? 20261125);

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const child = fileURLToPath(new URL('../../testing/audit-sync-child.ts', import.meta.url));

const noProvisioning: SipProvisioner = { add: async () => undefined, remove: async () => undefined };

interface ChildRun {
  lines: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs the child; kills it with SIGKILL after `killAfter` lines (or once it is idle), unless it should finish. */
function runChild(env: Record<string, string>, killAfter: number | null): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const run: ChildRun = { lines: [], code: null, signal: null, stderr: '' };
    let pending = '';
    const kill = () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    };
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        run.lines.push(line);
        if (killAfter !== null && (run.lines.length > killAfter || line.startsWith('idle'))) kill();
      }
    });
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk: string) => (run.stderr += chunk));
    proc.once('error', reject);
    proc.once('close', (code, signal) => {
      run.code = code;
      run.signal = signal;
      resolve(run);
    });
  });
}

describe('audit sync under faults', () => {
  let dir: string;
  let pki: TestPki;
  let broker: LoginBroker;
  let token: string;
  let trusting: ReturnType<typeof trustingFetch>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-fault-'));
    pki = await createTestPki(dir);
    trusting = trustingFetch(pki.caCertPem);
    broker = await startLoginBroker({
      pki,
      sip: { wssUrl: 'wss://127.0.0.1:7443', domain: 'softphone.test' },
      provisioner: noProvisioning,
      auditDatabasePath: join(dir, 'provider-audit.db'),
    });
    const user = broker.addUser({
      username: 'auditor',
      password: 'auditor-password',
      upstream: 'provider',
      secondFactor: 'none',
      roles: ['admin'],
      email: 'auditor@example.test',
      name: 'Test auditor',
    });
    const config = await discoverBroker(broker.issuer, broker.clientId, trusting.fetch);
    const { tokens } = await signIn(config, trusting.fetch, user);
    token = tokens.access_token;
  });

  afterAll(async () => {
    await broker?.stop();
    await trusting?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a request without a valid token, and a batch under a reused key with another body', async () => {
    const store = createMemorySecretStore();
    const db = await openEncryptedDatabase(join(dir, 'small.db'), store);
    try {
      const audit = await openAuditStore({ db, secrets: store, appVersion: '1.0.0', now: Date.now });
      audit.append({ type: 'session.locked', details: { reason: 'user' } });
      const body = JSON.stringify({ events: audit.undelivered(10) });
      const post = (headers: Record<string, string>, text = body) =>
        trusting.fetch(`${broker.apiBaseUrl}/v1/audit-events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: text,
          redirect: 'manual',
        });
      expect((await post({ 'idempotency-key': 'k'.repeat(20) })).status).toBe(401);
      const auth = { authorization: `Bearer ${token}` };
      const first = await post({ ...auth, 'idempotency-key': 'k'.repeat(20) });
      expect(first.status).toBe(200);
      const answer = (await first.json()) as { accepted: string[] };
      expect(answer.accepted).toHaveLength(1);
      const again = await post({ ...auth, 'idempotency-key': 'k'.repeat(20) });
      expect(await again.json()).toEqual(answer);
      const other = await post(
        { ...auth, 'idempotency-key': 'k'.repeat(20) },
        JSON.stringify({ events: [] }),
      );
      expect(other.status).toBe(422);
      // The same event under another key: named as a duplicate, stored once.
      const dup = await post({ ...auth, 'idempotency-key': 'j'.repeat(20) });
      expect(await dup.json()).toEqual({ accepted: [], duplicates: answer.accepted, head: { sequence: 1 } });
      expect(broker.audit.events(audit.deviceId)).toHaveLength(1);
      // A tampered link is refused and nothing of its batch is stored.
      audit.append({ type: 'session.locked', details: { reason: 'idle' } });
      const [, second] = audit.undelivered(10);
      const tampered = JSON.stringify({ events: [{ ...second!, details: { reason: 'sleep' } }] });
      expect((await post({ ...auth, 'idempotency-key': 'm'.repeat(20) }, tampered)).status).toBe(409);
      expect(broker.audit.chainErrors()).toEqual([{ deviceId: audit.deviceId, seq: 2, problem: 'altered' }]);

      // The app's sync, over HTTPS with the test CA, through each kind of misbehaviour once.
      for (const mode of [
        { kind: 'fail', status: 500 },
        { kind: 'retry-after', status: 503, retryAfter: '1' },
        { kind: 'retry-after', status: 429, retryAfter: new Date(Date.now() + 1000).toUTCString() },
        { kind: 'drop-after-store' },
        { kind: 'unauthorized' },
        { kind: 'hang' },
        { kind: 'slow', delayMs: 200 },
      ] satisfies AuditMisbehaviour[])
        broker.audit.misbehave(mode);
      for (let i = 0; i < 20; i += 1)
        audit.append({ type: 'session.unlocked', details: { reauthenticated: true } });
      const transport = createHttpsAuditTransport(() => ({
        extraCaCertificates: [pki.caCertPem],
        pinnedSpkiSha256: [],
      }));
      let refreshes = 0;
      const sync = createAuditSync({
        store: () => audit,
        apiBaseUrl: () => broker.apiBaseUrl,
        accessToken: async () => token,
        refreshAccessToken: async () => {
          refreshes += 1;
          return token;
        },
        retentionDays: () => 90,
        http: transport,
        baseDelayMs: 10,
        maxDelayMs: 50,
        requestTimeoutMs: 500,
        maxBatchEvents: 8,
      });
      expect(await sync.syncNow()).toMatchObject({ state: 'idle', pending: 0 });
      await sync.stop();
      transport.close();
      expect(refreshes).toBe(1);
      const held = broker.audit.events(audit.deviceId);
      expect(held.map((event) => event.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 1));
      expect(broker.audit.stats().replayed + broker.audit.stats().duplicates).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  }, 30_000);

  it(`delivers ${TOTAL} events exactly once through misbehaviour and ${ROUNDS} kills with SIGKILL`, async () => {
    const random = seededRandom(SEED);
    const dbKey = randomBytes(32).toString('hex');
    const hmacKey = randomBytes(32).toString('hex');
    const path = join(dir, 'softphone.db');
    const env = (target: number, finish: boolean): Record<string, string> => ({
      AUDIT_CHILD_DATABASE: path,
      AUDIT_CHILD_DB_KEY: dbKey,
      AUDIT_CHILD_HMAC_KEY: hmacKey,
      AUDIT_CHILD_API: broker.apiBaseUrl,
      AUDIT_CHILD_CA: pki.caCertPath,
      AUDIT_CHILD_TOKEN: token,
      AUDIT_CHILD_TARGET: String(target),
      AUDIT_CHILD_FINISH: finish ? '1' : '0',
    });
    const modes = (): AuditMisbehaviour => {
      const pick = Math.floor(random() * 7);
      const modes: AuditMisbehaviour[] = [
        { kind: 'fail', status: 500 },
        { kind: 'retry-after', status: 503, retryAfter: '0' },
        { kind: 'retry-after', status: 429, retryAfter: new Date(Date.now() + 1000).toUTCString() },
        { kind: 'drop-after-store' },
        { kind: 'unauthorized' },
        { kind: 'hang' },
        { kind: 'slow', delayMs: 150 },
      ];
      return modes[pick]!;
    };
    const moments: number[] = [];
    let deviceId = '';
    for (let round = 0; round < ROUNDS; round += 1) {
      broker.audit.behave();
      for (let i = 0; i < 4; i += 1) broker.audit.misbehave(modes());
      const killAfter = 2 + Math.floor(random() * 40);
      moments.push(killAfter);
      const target = Math.round(((round + 1) * TOTAL) / ROUNDS);
      const run = await runChild(env(target, false), killAfter);
      const where = `seed ${SEED}, round ${round + 1}, kills after ${moments.join(', ')} lines`;
      expect(
        run,
        `${where}: the child must die by the kill\n${run.stderr}\n${run.lines.join('\n')}`,
      ).toMatchObject({
        signal: 'SIGKILL',
        code: null,
      });
      deviceId ||= run.lines.find((line) => line.startsWith('open '))?.slice(5) ?? '';
    }
    broker.audit.behave();
    for (let i = 0; i < 6; i += 1) broker.audit.misbehave(modes());
    const last = await runChild(env(TOTAL, true), null);
    expect(last, last.stderr).toMatchObject({ code: 0 });
    expect(last.lines.at(-1)).toBe('done');

    // The provider: every event once, contiguous, chained, and exactly what the device holds.
    const held = broker.audit.events(deviceId);
    expect(held).toHaveLength(TOTAL);
    expect(new Set(held.map((event) => event.id)).size).toBe(TOTAL);
    held.forEach((event, index) => {
      expect(event.seq).toBe(index + 1);
      expect(event.prevHash).toBe(index === 0 ? '0'.repeat(64) : held[index - 1]!.hash);
    });
    expect(broker.audit.chainErrors().filter((error) => error.deviceId === deviceId)).toEqual([]);
    const stats = broker.audit.stats();
    expect(stats.misbehaved).toBeGreaterThan(ROUNDS);

    const secrets = createMemorySecretStore({ [DATABASE_KEY_ITEM]: dbKey, [AUDIT_HMAC_KEY_ITEM]: hmacKey });
    const db = await openEncryptedDatabase(path, secrets);
    try {
      const store = await openAuditStore({ db, secrets, appVersion: '1.0.0', now: Date.now });
      expect(store.verify()).toMatchObject({ ok: true, count: TOTAL });
      expect(store.undeliveredCount()).toBe(0);
      expect(store.list().map((record) => record.id)).toEqual(held.map((event) => event.id));
    } finally {
      db.close();
    }
    console.log(
      `audit fault test: ${ROUNDS} kills after ${moments.join(', ')} lines; endpoint ${JSON.stringify(stats)}`,
    );
  }, 300_000);
});

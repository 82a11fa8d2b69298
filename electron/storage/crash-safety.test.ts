import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { DATABASE_KEY_ITEM, openEncryptedDatabase } from './database.js';
import { seededRandom } from '../../e2e/support/seeded-random.js';

const ROUNDS = 25;
/** Each round kills the writer after 0..MAX_ACKS acknowledged lines (two per call: started, ended). */
const MAX_ACKS = 160;
/** CRASH_SAFETY_SEED=<n> repeats the kill moments of a failed run. */
const SEED = Number(process.env.CRASH_SAFETY_SEED ?? 20261125);

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const writer = fileURLToPath(new URL('../../testing/crash-writer.ts', import.meta.url));

interface Round {
  started: string[];
  ended: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/**
 * Runs the writer until it has acknowledged `killAfter` writes, then kills it with SIGKILL, which lands
 * wherever the writer is at that moment (mid-transaction, mid-fsync, mid-checkpoint). Lines already in
 * the pipe are still read: each one acknowledges a write that had returned.
 */
function runWriter(path: string, key: string, prefix: string, killAfter: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer], {
      cwd: repoRoot,
      env: {
        ...process.env,
        CRASH_WRITER_DATABASE: path,
        CRASH_WRITER_KEY: key,
        CRASH_WRITER_PREFIX: prefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const round: Round = { started: [], ended: [], signal: null, code: null, stderr: '' };
    let acknowledged = 0;
    let opened = false;
    let pending = '';
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      // A line cut short by the kill has no newline and acknowledges nothing.
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, id] = line.split(' ');
        if (kind === 'open') opened = true;
        else if (kind === 'started' && id) round.started.push(id);
        else if (kind === 'ended' && id) round.ended.push(id);
        else continue;
        if (kind !== 'open') acknowledged += 1;
        if (opened && acknowledged >= killAfter) kill();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (round.stderr += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      round.code = code;
      round.signal = signal;
      resolve(round);
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'crash-safety-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('crash safety of the encrypted history', () => {
  it(`keeps every acknowledged write through ${ROUNDS} kills with SIGKILL, and stays intact`, async () => {
    const random = seededRandom(SEED);
    const path = join(dir, 'softphone.db');
    const key = randomBytes(32).toString('hex');
    const secrets = createMemorySecretStore({ [DATABASE_KEY_ITEM]: key });
    const started: string[] = [];
    const ended: string[] = [];
    const moments: number[] = [];

    for (let index = 0; index < ROUNDS; index += 1) {
      const killAfter = Math.floor(random() * (MAX_ACKS + 1));
      moments.push(killAfter);
      const where = `seed ${SEED}, round ${index + 1} of ${ROUNDS}, kills after ${moments.join(', ')} acknowledged writes`;
      const round = await runWriter(path, key, `r${index}`, killAfter);
      expect(
        round,
        `${where}: the writer must die by the kill, not on its own\n${round.stderr}`,
      ).toMatchObject({ signal: 'SIGKILL', code: null });
      expect(round.started.length, where).toBeGreaterThanOrEqual(Math.ceil(killAfter / 2));
      started.push(...round.started);
      ended.push(...round.ended);

      // The app's own open path: the same key from the "keychain", WAL recovery, migrations check.
      const db = await openEncryptedDatabase(path, secrets);
      try {
        expect(db.pragma('integrity_check', { simple: true }), where).toBe('ok');
        // The full-text index is written by triggers in the same transactions; it must agree with its table.
        expect(
          () => db.exec("INSERT INTO call_fts (call_fts) VALUES ('integrity-check')"),
          where,
        ).not.toThrow();
        const present = new Set(db.prepare('SELECT id FROM call').pluck().all() as string[]);
        const finished = new Set(
          db.prepare('SELECT id FROM call WHERE ended_at IS NOT NULL').pluck().all() as string[],
        );
        expect(
          started.filter((id) => !present.has(id)),
          `${where}: acknowledged calls missing`,
        ).toEqual([]);
        expect(
          ended.filter((id) => !finished.has(id)),
          `${where}: acknowledged ends missing`,
        ).toEqual([]);
      } finally {
        db.close();
      }
    }
    expect(started.length).toBeGreaterThan(ROUNDS);
  }, 120_000);
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditStore, type AuditStore } from '../../electron/audit/audit-store.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { openEncryptedDatabase } from '../../electron/storage/database.js';
import { providerAuditEvents } from '../support/provider-audit.js';
import { createAuditEndpoint, type AuditEndpoint } from './audit-endpoint.js';

/**
 * Specs read what the provider's audit ingest stored through its database file (e2e/support/provider-audit.ts),
 * while the stack's broker, in the global-setup process, keeps writing it: a read-only connection of its own
 * sees every committed batch, filtered as asked.
 */

let dir: string;
let path: string;
let endpoint: AuditEndpoint;
let server: Server;
let url: string;
let closeDb: () => void;
let audit: AuditStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'audit-reader-'));
  path = join(dir, 'provider-audit.sqlite');
  endpoint = createAuditEndpoint({
    subjectOf: async (req) => (req.headers.authorization === 'Bearer token-of-erika' ? 'sub-erika' : null),
    databasePath: path,
  });
  server = createServer((req, res) => void endpoint.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/audit-events`;
  const secrets = createMemorySecretStore();
  const db = await openEncryptedDatabase(join(dir, 'app.db'), secrets);
  closeDb = () => db.close();
  audit = await openAuditStore({ db, secrets, appVersion: '1.0.0', now: Date.now });
});
afterEach(async () => {
  closeDb();
  await new Promise((resolve) => server.close(resolve));
  endpoint.close();
  await rm(dir, { recursive: true, force: true });
});

/** Delivers the device's undelivered events in one batch, as the app's sync does. */
async function deliver(key: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer token-of-erika',
      'idempotency-key': key.padEnd(20, '-'),
    },
    body: JSON.stringify({ events: audit.undelivered(100) }),
  });
  expect(response.status).toBe(200);
  audit.markDelivered(((await response.json()) as { accepted: string[] }).accepted, Date.now());
}

describe('the audit ingest read from another connection', () => {
  it('shows every stored event, with the subject of its token, and filters by device, id and type', async () => {
    audit.append({ type: 'session.locked', details: { reason: 'user' } });
    audit.append({ type: 'session.unlocked', details: { reauthenticated: false } });
    await deliver('first');

    const all = providerAuditEvents({}, path);
    expect(all).toEqual(endpoint.events());
    expect(all.map(({ seq, type, sub }) => ({ seq, type, sub }))).toEqual([
      { seq: 1, type: 'session.locked', sub: 'sub-erika' },
      { seq: 2, type: 'session.unlocked', sub: 'sub-erika' },
    ]);
    const unlocked = providerAuditEvents({ deviceId: audit.deviceId, type: 'session.unlocked' }, path);
    expect(unlocked.map((event) => event.details)).toEqual([{ reauthenticated: false }]);
    expect(providerAuditEvents({ id: all[0]!.id }, path).map((event) => event.type)).toEqual([
      'session.locked',
    ]);
    expect(providerAuditEvents({ sub: 'sub-erika', type: 'session.locked' }, path)).toHaveLength(1);
    expect(providerAuditEvents({ deviceId: 'another-device' }, path)).toEqual([]);
    expect(providerAuditEvents({ sub: 'sub-someone-else' }, path)).toEqual([]);

    // A later batch shows in the next read: each read opens the file anew.
    audit.append({ type: 'session.locked', details: { reason: 'idle' } });
    await deliver('second');
    expect(providerAuditEvents({ type: 'session.locked' }, path).map((event) => event.details)).toEqual([
      { reason: 'user' },
      { reason: 'idle' },
    ]);
  });
});

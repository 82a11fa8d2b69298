import { parse } from 'csv-parse/sync';
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings/settings.js';
import type { AuditEventInput, AuditLog, AuditRecord } from '../audit/audit-log.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { createContactStore, type ContactStore } from './contacts.js';
import { openEncryptedDatabase, type SqlDatabase } from './database.js';
import {
  csvDelimiterFor,
  EXPORT_FOLDER_PREFIX,
  exportFileNames,
  exportFolderName,
  exportUserData,
  type ExportOptions,
} from './export.js';
import { createHistoryStore, type HistoryStore } from './history.js';

/** An audit log in memory, as the export sees the real one: record() and list(), oldest first. */
function memoryAuditLog(initial: AuditEventInput[] = []): AuditLog & { events: AuditRecord[] } {
  const events: AuditRecord[] = [];
  const log = {
    events,
    async record(event: AuditEventInput) {
      events.push({
        ...event,
        id: `e${events.length + 1}`,
        sequence: events.length + 1,
        at: 1_700_000_000_000,
      });
    },
    async list() {
      return events.map((event) => ({ ...event, details: { ...event.details } }));
    },
  };
  for (const event of initial) void log.record(event);
  return log;
}

let dir: string;
let parent: string;
let db: SqlDatabase;
let history: HistoryStore;
let contacts: ContactStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-'));
  parent = join(dir, 'chosen');
  await mkdir(parent);
  db = await openEncryptedDatabase(join(dir, 'softphone.db'), createMemorySecretStore());
  history = createHistoryStore(db);
  contacts = createContactStore(db, { defaultCountry: () => 'DE', now: () => Date.UTC(2026, 0, 2, 9, 30) });
});
afterEach(async () => {
  if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

const NOW = Date.UTC(2026, 2, 4, 5, 6, 7, 890);
const options = (overrides: Partial<ExportOptions> = {}): ExportOptions => ({
  parent,
  now: NOW,
  delimiter: ';',
  app: { name: 'Secure Softphone', version: '0.1.0' },
  ...overrides,
});

/** One answered outgoing call with encryption, and one missed call whose caller sent a "formula" as name. */
function addCalls(): void {
  const start = Date.UTC(2026, 2, 3, 14, 0, 0);
  history.apply({
    type: 'started',
    callId: 'out-1',
    at: start,
    direction: 'outgoing',
    account: 'sip:me@example.eu',
    remoteUri: 'sip:+4930123456@example.eu',
    remoteName: 'Erika Mustermann',
  });
  history.apply({ type: 'answered', callId: 'out-1', at: start + 2_000 });
  history.apply({
    type: 'encryption',
    callId: 'out-1',
    at: start + 2_100,
    encryption: { dtlsState: 'connected', srtpCipher: 'AEAD_AES_256_GCM', scope: 'peer' },
  });
  history.apply({ type: 'sasCompared', callId: 'out-1', at: start + 5_000, matched: true });
  history.apply({
    type: 'ended',
    callId: 'out-1',
    at: start + 62_400,
    disposition: 'answered',
    cause: 'BYE',
  });
  history.apply({
    type: 'started',
    callId: 'in-2',
    at: start + 3_600_000,
    direction: 'incoming',
    account: 'sip:me@example.eu',
    remoteUri: 'sip:200@example.eu',
    remoteName: '=HYPERLINK("http://evil.example","Click")',
  });
  history.apply({
    type: 'ended',
    callId: 'in-2',
    at: start + 3_610_000,
    disposition: 'missed',
    cause: 'Canceled',
  });
}

async function readCsv(folder: string, name: string, delimiter = ';'): Promise<Record<string, string>[]> {
  const bytes = await readFile(join(folder, name));
  // UTF-8 byte order mark, so that Excel reads umlauts.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  expect(bytes.toString('utf8')).toMatch(/\r\n$/);
  return parse(bytes, { bom: true, columns: true, delimiter });
}

async function readJson(folder: string, name: string): Promise<unknown> {
  return JSON.parse(await readFile(join(folder, name), 'utf8'));
}

async function exported(audit = memoryAuditLog(), overrides: Partial<ExportOptions> = {}) {
  const outcome = await exportUserData(
    { history, contacts, settings: { ...defaultSettings, theme: 'dark' }, audit },
    options(overrides),
  );
  if (outcome.status !== 'exported') throw new Error(`export ${outcome.status}`);
  return outcome;
}

describe('export my data', () => {
  it('writes every file into a new folder named by the UTC time, readable by the user only', async () => {
    const { folder } = await exported();
    expect(folder).toBe(join(parent, 'secure-softphone-export-2026-03-04T05-06-07Z'));
    expect((await readdir(folder)).sort()).toEqual([...exportFileNames].sort());
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    for (const name of exportFileNames)
      expect((await stat(join(folder, name))).mode & 0o777, name).toBe(0o600);
  });

  it('writes the call history as JSON that parses back to the records and as CSV with ISO dates', async () => {
    addCalls();
    const { folder, counts } = await exported();
    expect(counts.calls).toBe(2);
    const records = history.list();
    expect(await readJson(folder, 'history.json')).toEqual(
      records.map((record) => ({
        ...record,
        startedAt: new Date(record.startedAt).toISOString(),
        answeredAt: record.answeredAt === null ? null : new Date(record.answeredAt).toISOString(),
        endedAt: record.endedAt === null ? null : new Date(record.endedAt).toISOString(),
      })),
    );
    const rows = await readCsv(folder, 'history.csv');
    expect(rows).toEqual([
      {
        id: 'in-2',
        direction: 'incoming',
        account: 'sip:me@example.eu',
        remote_uri: 'sip:200@example.eu',
        // A spreadsheet shows the caller's "formula" as text instead of running it.
        remote_name: `'=HYPERLINK("http://evil.example","Click")`,
        started_at: '2026-03-03T15:00:00.000Z',
        answered_at: '',
        ended_at: '2026-03-03T15:00:10.000Z',
        duration_seconds: '0',
        disposition: 'missed',
        cause: 'Canceled',
        dtls_state: '',
        srtp_cipher: '',
        encryption_scope: '',
        sas_matched: '',
      },
      {
        id: 'out-1',
        direction: 'outgoing',
        account: 'sip:me@example.eu',
        remote_uri: 'sip:+4930123456@example.eu',
        remote_name: 'Erika Mustermann',
        started_at: '2026-03-03T14:00:00.000Z',
        answered_at: '2026-03-03T14:00:02.000Z',
        ended_at: '2026-03-03T14:01:02.400Z',
        duration_seconds: '60',
        disposition: 'answered',
        cause: 'BYE',
        dtls_state: 'connected',
        srtp_cipher: 'AEAD_AES_256_GCM',
        encryption_scope: 'peer',
        sas_matched: 'true',
      },
    ]);
  });

  it('writes contacts with all their numbers, escaping cells a spreadsheet would run as formulas', async () => {
    const erika = contacts.create({
      name: 'Erika Müller-Lüdenscheidt',
      organisation: 'Beispiel GmbH; Vertrieb',
      numbers: [
        { label: 'work', number: '+49 30 1234567' },
        { label: 'work', number: '030 7654321' },
        { label: 'mobile', number: '0170 1234567' },
      ],
      email: 'erika@example.de',
      note: 'Rückruf nur vormittags,\n"dringend" markieren',
    });
    const mallory = contacts.create({
      name: '@SUM(1+1)*cmd|" /C calc"!A0',
      numbers: [{ label: 'other', number: 'sip:mallory@example.eu' }],
      note: '-2+3',
    });
    contacts.setFavourite(mallory.id, true);
    const { folder, counts } = await exported();
    expect(counts.contacts).toBe(2);
    expect(await readJson(folder, 'contacts.json')).toEqual(
      contacts.list().map((contact) => ({ ...contact, updatedAt: '2026-01-02T09:30:00.000Z' })),
    );
    const rows = await readCsv(folder, 'contacts.csv');
    expect(rows).toEqual([
      {
        id: mallory.id,
        name: `'@SUM(1+1)*cmd|" /C calc"!A0`,
        organisation: '',
        email: '',
        note: "'-2+3",
        favourite: 'true',
        updated_at: '2026-01-02T09:30:00.000Z',
        mobile_phone: '',
        work_phone: '',
        home_phone: '',
        other_phone: 'sip:mallory@example.eu',
      },
      {
        id: erika.id,
        name: 'Erika Müller-Lüdenscheidt',
        organisation: 'Beispiel GmbH; Vertrieb',
        email: 'erika@example.de',
        note: 'Rückruf nur vormittags,\n"dringend" markieren',
        favourite: 'false',
        updated_at: '2026-01-02T09:30:00.000Z',
        mobile_phone: '0170 1234567',
        work_phone: "'+49 30 1234567 ::: 030 7654321",
        home_phone: '',
        other_phone: '',
      },
    ]);
  });

  it('writes settings and the audit log, then records data.exported with counts and no contents', async () => {
    addCalls();
    contacts.create({ name: 'Hans Meier', numbers: [{ label: 'work', number: '089 123456' }] });
    const audit = memoryAuditLog([
      { type: 'session.started', details: { method: 'sip-account' } },
      { type: 'data.deleted', details: { calls: 4, contacts: 1 } },
    ]);
    const before = await audit.list();
    const { folder, counts } = await exported(audit);
    expect(counts).toEqual({ calls: 2, contacts: 1, auditEvents: 2 });

    expect(await readJson(folder, 'settings.json')).toEqual({ ...defaultSettings, theme: 'dark' });
    expect(await readJson(folder, 'audit-log.json')).toEqual(
      before.map((event) => ({ ...event, at: '2023-11-14T22:13:20.000Z' })),
    );
    expect(await readCsv(folder, 'audit-log.csv')).toEqual(
      before.map((event) => ({
        sequence: String(event.sequence),
        id: event.id,
        at: '2023-11-14T22:13:20.000Z',
        type: event.type,
        details: JSON.stringify(event.details),
      })),
    );

    expect(audit.events.at(-1)).toMatchObject({
      type: 'data.exported',
      details: { calls: 2, contacts: 1, auditEvents: 2, files: exportFileNames.length },
    });
    const event = JSON.stringify(audit.events.at(-1));
    for (const personal of ['Hans', 'Erika', '4930', folder, parent]) expect(event).not.toContain(personal);

    const manifest = (await readJson(folder, 'manifest.json')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      exportedAt: '2026-03-04T05:06:07.890Z',
      app: { version: '0.1.0' },
      csv: { delimiter: ';' },
      files: { 'history.csv': { records: 2 }, 'contacts.json': { records: 1 } },
    });
    const readme = await readFile(join(folder, 'README.txt'), 'utf8');
    for (const name of exportFileNames.filter((n) => n !== 'README.txt')) expect(readme).toContain(name);
    expect(readme).toContain('2 calls');
    expect(readme).toContain('Ihre Kontakte: 1');
  });

  it('pages through a long history: every call once, newest first', async () => {
    db.transaction(() => {
      for (let i = 0; i < 1_203; i += 1)
        history.apply({
          type: 'started',
          callId: `c${String(i).padStart(4, '0')}`,
          // Pairs of calls share a start time, so that the keyset's tie-break on the id is exercised.
          at: 1_000_000 + Math.floor(i / 2),
          direction: 'incoming',
          account: 'sip:me@example.eu',
          remoteUri: `sip:${i}@example.eu`,
          remoteName: null,
        });
    })();
    const { folder, counts } = await exported();
    expect(counts.calls).toBe(1_203);
    const ids = ((await readJson(folder, 'history.json')) as Array<{ id: string }>).map((call) => call.id);
    expect(new Set(ids).size).toBe(1_203);
    expect(ids[0]).toBe('c1202');
    expect(ids.at(-1)).toBe('c0000');
    expect((await readCsv(folder, 'history.csv')).map((row) => row.id)).toEqual(ids);
  });

  it('writes well-formed empty files when there is nothing yet', async () => {
    const { folder, counts } = await exported();
    expect(counts).toEqual({ calls: 0, contacts: 0, auditEvents: 0 });
    for (const name of ['history.json', 'contacts.json', 'audit-log.json'])
      expect(await readJson(folder, name)).toEqual([]);
    const csv = await readFile(join(folder, 'history.csv'), 'utf8');
    expect(csv).toBe(
      '\ufeffid;direction;account;remote_uri;remote_name;started_at;answered_at;ended_at;duration_seconds;disposition;cause;dtls_state;srtp_cipher;encryption_scope;sas_matched\r\n',
    );
  });

  it('uses commas where the locale writes decimals with a point', async () => {
    addCalls();
    const { folder } = await exported(memoryAuditLog(), { delimiter: ',' });
    const rows = await readCsv(folder, 'history.csv', ',');
    expect(rows.map((row) => row.id)).toEqual(['in-2', 'out-1']);
    expect(await readJson(folder, 'manifest.json')).toMatchObject({ csv: { delimiter: ',' } });
  });

  it('never overwrites: a second export in the same second gets a folder of its own', async () => {
    const first = await exported();
    const second = await exported();
    expect(second.folder).toBe(`${first.folder}-2`);
    expect(await readdir(parent)).toHaveLength(2);
  });

  it('says when the chosen folder cannot be written, and leaves nothing behind', async () => {
    const audit = memoryAuditLog();
    const outcome = await exportUserData(
      { history, contacts, settings: defaultSettings, audit },
      options({ parent: join(dir, 'gone', 'away') }),
    );
    expect(outcome).toEqual({ status: 'failed', reason: 'not-writable' });
    expect(audit.events).toEqual([]);
  });

  it('reports its progress by records written, up to all of them', async () => {
    addCalls();
    contacts.create({ name: 'Erika', numbers: [{ label: 'mobile', number: '0170 1234567' }] });
    const reports: Array<[number, number]> = [];
    const outcome = await exportUserData(
      { history, contacts, settings: defaultSettings, audit: memoryAuditLog() },
      options(),
      { report: (done, total) => reports.push([done, total]), cancelled: false },
    );
    expect(outcome.status).toBe('exported');
    // Two calls, one contact, no audit events: the total is known from the start.
    expect(reports[0]).toEqual([0, 3]);
    expect(reports.at(-1)).toEqual([3, 3]);
    expect(reports.map(([done]) => done)).toEqual([...reports.map(([done]) => done)].sort((a, b) => a - b));
  });

  it('stops on Cancel: no folder is left and nothing is recorded', async () => {
    addCalls();
    const audit = memoryAuditLog();
    const progress = { cancelled: false, report: (done: number) => (progress.cancelled = done > 0) };
    const outcome = await exportUserData(
      { history, contacts, settings: defaultSettings, audit },
      options(),
      progress,
    );
    expect(outcome).toEqual({ status: 'cancelled' });
    expect(await readdir(parent)).toEqual([]);
    expect(audit.events).toEqual([]);
  });

  it('removes the files again when the audit event cannot be recorded', async () => {
    const audit = memoryAuditLog();
    audit.record = async () => {
      throw new Error('audit store closed');
    };
    await expect(
      exportUserData({ history, contacts, settings: defaultSettings, audit }, options()),
    ).rejects.toThrow('audit store closed');
    expect(await readdir(parent)).toEqual([]);
  });
});

describe('export naming and locale', () => {
  it('names the folder by the UTC time without characters Windows forbids', () => {
    expect(exportFolderName(Date.UTC(2026, 11, 31, 23, 59, 58, 999))).toBe(
      `${EXPORT_FOLDER_PREFIX}2026-12-31T23-59-58Z`,
    );
  });

  it('chooses the list separator Excel expects in the locale', () => {
    expect(csvDelimiterFor('de-DE')).toBe(';');
    expect(csvDelimiterFor('de-AT')).toBe(';');
    expect(csvDelimiterFor('fr-FR')).toBe(';');
    expect(csvDelimiterFor('en-US')).toBe(',');
    expect(csvDelimiterFor('en-GB')).toBe(',');
    expect(csvDelimiterFor('not a locale!')).toBe(',');
  });
});

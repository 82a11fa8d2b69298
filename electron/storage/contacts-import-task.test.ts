import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskProgress } from '../../shared/domain/tasks.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { importParsedContacts, IMPORT_STEP } from './contacts-import-task.js';
import { parseContactFile, type ParsedImport } from './contacts-import.js';
import { createContactStore, type ContactStore } from './contacts.js';
import { openEncryptedDatabase, type SqlDatabase } from './database.js';
import { createTaskRegistry } from './task-progress.js';

let dir: string;
let db: SqlDatabase;
let store: ContactStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-task-'));
  db = await openEncryptedDatabase(join(dir, 'softphone.db'), createMemorySecretStore());
  store = createContactStore(db, { defaultCountry: () => 'DE', now: () => 1 });
});
afterEach(async () => {
  if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

/** A vCard file of `count` people, each with a number of their own; the last one twice. */
function parsedFile(count: number): Extract<ParsedImport, { ok: true }> {
  const cards = Array.from({ length: count }, (_, i) =>
    ['BEGIN:VCARD', 'VERSION:3.0', `FN:Person ${i}`, `TEL:030 ${1_000_000 + i}`, 'END:VCARD'].join('\r\n'),
  );
  const parsed = parseContactFile('vcard', [...cards, cards.at(-1)!].join('\r\n'));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed;
}

describe('importing contacts in steps', () => {
  it('stores every contact, reporting the progress step by step up to the total', async () => {
    const reports: TaskProgress[] = [];
    const tasks = createTaskRegistry((progress) => reports.push(progress));
    const result = await importParsedContacts(store, parsedFile(450), tasks.begin('contacts-import'));
    expect(result).toEqual({
      status: 'imported',
      imported: 450,
      skipped: 1,
      problems: [{ entry: 451, reason: 'duplicate' }],
    });
    expect(store.count()).toBe(450);
    expect(reports.map((report) => report.done)).toEqual([0, IMPORT_STEP, 2 * IMPORT_STEP, 451]);
    expect(new Set(reports.map((report) => report.total))).toEqual(new Set([451]));
  });

  it('takes out what it added when cancelled, and a Cancel after the end changes nothing', async () => {
    store.create({ name: 'Already Here', numbers: [{ label: 'work', number: '089 123456' }] });
    const tasks = createTaskRegistry((progress) => {
      // The person presses Cancel once the first steps are stored.
      if (progress.done >= 2 * IMPORT_STEP) tasks.cancel('contacts-import');
    });
    const result = await importParsedContacts(store, parsedFile(1000), tasks.begin('contacts-import'));
    expect(result).toEqual({ status: 'cancelled' });
    expect(store.list().map((contact) => contact.name)).toEqual(['Already Here']);

    const done = await importParsedContacts(
      store,
      parsedFile(3),
      createTaskRegistry(() => undefined).begin('contacts-import'),
    );
    expect(done.status).toBe('imported');
    tasks.cancel('contacts-import');
    expect(store.count()).toBe(4);
  });

  it('takes out what it added when a step fails', async () => {
    const parsed = parsedFile(500);
    const failing = {
      startImport: () => {
        const run = store.startImport();
        let steps = 0;
        return {
          add: (entries: Parameters<typeof run.add>[0]) => {
            steps += 1;
            if (steps === 2) throw new Error('disk full');
            return run.add(entries);
          },
          undo: run.undo,
        };
      },
    };
    await expect(
      importParsedContacts(failing, parsed, createTaskRegistry(() => undefined).begin('contacts-import')),
    ).rejects.toThrow('disk full');
    expect(store.count()).toBe(0);
  });
});

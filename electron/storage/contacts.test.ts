import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactInput } from '../../shared/domain/contacts.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { createContactStore, numberKey, sameNumber, type ContactStore } from './contacts.js';
import { openEncryptedDatabase, type SqlDatabase } from './database.js';
import { createHistoryStore } from './history.js';

let dir: string;
let db: SqlDatabase;
let store: ContactStore;
let country = 'DE';
let clock = 1_000;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'contacts-'));
  db = await openEncryptedDatabase(join(dir, 'softphone.db'), createMemorySecretStore());
  country = 'DE';
  clock = 1_000;
  store = createContactStore(db, { defaultCountry: () => country, now: () => clock });
});
afterEach(async () => {
  if (db.open) db.close();
  await rm(dir, { recursive: true, force: true });
});

const erika: ContactInput = {
  name: 'Erika Mustermann',
  organisation: 'Beispiel GmbH',
  numbers: [
    { label: 'work', number: '+49 30 1234567' },
    { label: 'mobile', number: '0170 7654321' },
  ],
  email: 'erika@example.de',
  note: 'Rückruf nur vormittags',
};

describe('contact store on the encrypted database', () => {
  it('creates, reads, edits and deletes a contact with its numbers', () => {
    const created = store.create(erika);
    expect(created).toEqual({
      id: expect.any(String),
      name: 'Erika Mustermann',
      organisation: 'Beispiel GmbH',
      email: 'erika@example.de',
      note: 'Rückruf nur vormittags',
      favourite: false,
      numbers: erika.numbers,
      updatedAt: 1_000,
    });
    expect(store.get(created.id)).toEqual(created);

    clock = 2_000;
    const edited = store.update(created.id, {
      name: 'Erika Musterfrau',
      numbers: [{ label: 'home', number: '089 555 0000' }],
    });
    expect(edited).toMatchObject({
      name: 'Erika Musterfrau',
      organisation: null,
      email: null,
      note: null,
      numbers: [{ label: 'home', number: '089 555 0000' }],
      updatedAt: 2_000,
    });
    expect(store.nameForUri('sip:+4930 1234567@x.eu')).toBeNull();
    expect(store.nameForUri('sip:+49895550000@x.eu')).toBe('Erika Musterfrau');

    expect(store.delete(created.id)).toBe(true);
    expect(store.get(created.id)).toBeNull();
    expect(store.delete(created.id)).toBe(false);
    expect(store.update(created.id, erika)).toBeNull();
    // The numbers went with the contact (foreign key, ON DELETE CASCADE).
    expect(db.prepare('SELECT count(*) AS n FROM contact_number').get()).toEqual({ n: 0 });
  });

  it('refuses invalid input whoever calls it', () => {
    expect(() => store.create({ name: ' ', numbers: [{ label: 'work', number: '123' }] })).toThrow();
    expect(() => store.create({ name: 'A', numbers: [] })).toThrow();
    expect(() => store.create({ name: 'A', numbers: [{ label: 'work', number: 'call me' }] })).toThrow();
    expect(() =>
      store.create({ name: 'A', numbers: [{ label: 'work', number: '1' }], email: 'not-an-address' }),
    ).toThrow();
    expect(store.count()).toBe(0);
  });

  it('lists favourites first, then by name without regard to accents or case', () => {
    const names = ['Zoë Adler', 'anton Berg', 'Ökan Çelik', 'Bettina Ohm'];
    const ids = names.map(
      (name, i) => store.create({ name, numbers: [{ label: 'mobile', number: `0170 100000${i}` }] }).id,
    );
    expect(store.list().map((c) => c.name)).toEqual(['anton Berg', 'Bettina Ohm', 'Ökan Çelik', 'Zoë Adler']);
    expect(store.setFavourite(ids[0]!, true)).toMatchObject({ name: 'Zoë Adler', favourite: true });
    expect(store.list().map((c) => c.name)).toEqual(['Zoë Adler', 'anton Berg', 'Bettina Ohm', 'Ökan Çelik']);
    expect(store.list({ favouritesOnly: true }).map((c) => c.name)).toEqual(['Zoë Adler']);
    expect(store.list({ offset: 1, limit: 2 }).map((c) => c.name)).toEqual(['anton Berg', 'Bettina Ohm']);
    expect(store.setFavourite('missing', true)).toBeNull();
  });

  it('searches names, organisations and e-mail by word prefix, and numbers by digits', () => {
    store.create(erika);
    store.create({ name: 'Zoë Quixotic-Brandt', numbers: [{ label: 'work', number: 'sip:zoe@example.eu' }] });
    store.create({ name: 'Hans Meier', numbers: [{ label: 'home', number: '+41 44 123 45 67' }] });
    const names = (search: string, favouritesOnly = false) =>
      store.list({ search, favouritesOnly }).map((c) => c.name);
    expect(names('eri')).toEqual(['Erika Mustermann']);
    expect(names('muster erika')).toEqual(['Erika Mustermann']);
    expect(names('beispiel')).toEqual(['Erika Mustermann']);
    expect(names('example.de')).toEqual(['Erika Mustermann']);
    expect(names('zoe quix')).toEqual(['Zoë Quixotic-Brandt']);
    expect(names('"; DROP TABLE contact; --')).toEqual([]);
    expect(names('4930123')).toEqual(['Erika Mustermann']);
    // National input finds the international form, and separators do not matter.
    expect(names('030 123 4567')).toEqual(['Erika Mustermann']);
    expect(names('765 43')).toEqual(['Erika Mustermann']);
    expect(names('+41 44')).toEqual(['Hans Meier']);
    expect(names('eri', true)).toEqual([]);
    expect(names('99999999')).toEqual([]);
  });

  it('keeps the full-text index in step with edits and deletes', () => {
    const { id } = store.create(erika);
    store.update(id, { ...erika, name: 'Gabi Schulz' });
    expect(store.list({ search: 'mustermann' })).toHaveLength(0);
    expect(store.list({ search: 'gabi' }).map((c) => c.id)).toEqual([id]);
    store.delete(id);
    expect(store.list({ search: 'gabi' })).toHaveLength(0);
    expect(db.prepare("INSERT INTO contact_fts (contact_fts) VALUES ('integrity-check')").run()).toBeTruthy();
  });

  it('gives caller ID by number in national and international forms, and by SIP address', () => {
    store.create(erika);
    store.create({ name: 'Empfang', numbers: [{ label: 'work', number: '200' }] });
    store.create({ name: 'Zoë', numbers: [{ label: 'other', number: 'sip:Zoe@Example.eu' }] });
    // International, national, with the IDD prefix, without the plus, with URI parameters.
    expect(store.nameForUri('sip:+49301234567@pbx.example.eu')).toBe('Erika Mustermann');
    expect(store.nameForUri('sip:0301234567@pbx.example.eu')).toBe('Erika Mustermann');
    expect(store.nameForUri('sip:0049301234567@pbx.example.eu;user=phone')).toBe('Erika Mustermann');
    expect(store.nameForUri('sips:49301234567@pbx.example.eu:5061')).toBe('Erika Mustermann');
    expect(store.nameForUri('sip:+491707654321@x')).toBe('Erika Mustermann');
    expect(store.nameForUri('tel:+49-170-7654321')).toBe('Erika Mustermann');
    // The same last digits in another city or country are someone else.
    expect(store.nameForUri('sip:+49401234567@x')).toBeNull();
    expect(store.nameForUri('sip:+43301234567@x')).toBeNull();
    expect(store.nameForUri('sip:1234567@x')).toBeNull();
    // Extensions match exactly, SIP addresses without regard to case, port or parameters.
    expect(store.nameForUri('sip:200@pbx')).toBe('Empfang');
    expect(store.nameForUri('sip:2000@pbx')).toBeNull();
    expect(store.nameForUri('sip:zoe@example.eu:5061;transport=ws')).toBe('Zoë');
    expect(store.nameForUri('sip:zoe@example.com')).toBeNull();
    expect(store.nameForUri('sip:anonymous@anonymous.invalid')).toBeNull();
    expect(store.nameForUri('')).toBeNull();
  });

  it('reads national numbers with the default country from settings', () => {
    store.create({ name: 'Wiener Büro', numbers: [{ label: 'work', number: '01 5123456' }] });
    country = 'AT';
    expect(store.nameForUri('sip:+4315123456@x')).toBe('Wiener Büro');
    country = 'DE';
    expect(store.nameForUri('sip:+4315123456@x')).toBeNull();
  });

  it('prefers a favourite when several contacts share a number', () => {
    store.create({ name: 'Anna Zentrale', numbers: [{ label: 'work', number: '+49 30 9999999' }] });
    const bernd = store.create({ name: 'Bernd', numbers: [{ label: 'work', number: '030 9999999' }] });
    expect(store.nameForUri('sip:+49309999999@x')).toBe('Anna Zentrale');
    store.setFavourite(bernd.id, true);
    expect(store.nameForUri('sip:+49309999999@x')).toBe('Bernd');
  });

  it('imports all or nothing and skips contacts it already has', () => {
    store.create(erika);
    const entries = [
      { entry: 1, contact: { ...erika, organisation: '', email: '', note: '', favourite: false } },
      {
        entry: 2,
        contact: {
          name: 'Neu',
          organisation: '',
          email: '',
          note: '',
          favourite: false,
          numbers: [{ label: 'mobile' as const, number: '0151 11111111' }],
        },
      },
      {
        entry: 3,
        contact: {
          name: 'neu',
          organisation: '',
          email: '',
          note: '',
          favourite: false,
          numbers: [{ label: 'work' as const, number: '0151-11111111' }],
        },
      },
    ];
    expect(store.importMany(entries)).toEqual({ imported: 1, duplicates: [1, 3] });
    expect(store.count()).toBe(2);

    // A failure in the middle (here: a label the schema's CHECK refuses) leaves nothing behind.
    const broken = [
      { entry: 1, contact: { ...entries[1]!.contact, name: 'Erste' } },
      {
        entry: 2,
        contact: {
          ...entries[1]!.contact,
          name: 'Zweite',
          numbers: [{ label: 'fax' as never, number: '1' }],
        },
      },
    ];
    expect(() => store.importMany(broken)).toThrow();
    expect(store.count()).toBe(2);
  });

  it('leaves no name, number or note readable in the database files', async () => {
    store.create(erika);
    db.close();
    const files = await Promise.all(
      (await readdir(dir)).filter((n) => n.startsWith('softphone.db')).map((n) => readFile(join(dir, n))),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const needle of ['Mustermann', '1234567', 'erika@example.de', 'vormittags'])
      expect(files.some((bytes) => bytes.includes(Buffer.from(needle)))).toBe(false);
  });

  it('names history rows from contacts, and follows a renamed contact', () => {
    const history = createHistoryStore(db, { nameFor: (uri) => store.nameForUri(uri) });
    const started = (callId: string, remoteUri: string, remoteName: string | null, at: number) =>
      history.apply({
        type: 'started',
        callId,
        at,
        direction: 'incoming',
        account: 'sip:me@x.eu',
        remoteUri,
        remoteName,
      });
    started('a', 'sip:0301234567@x.eu', 'Spoofed Display Name', 10);
    started('b', 'sip:+49891111111@x.eu', 'Unbekannt', 20);
    const { id } = store.create(erika);
    expect(history.list().map((r) => [r.id, r.remoteName])).toEqual([
      ['b', 'Unbekannt'],
      ['a', 'Erika Mustermann'],
    ]);
    store.update(id, { ...erika, name: 'Erika Schmidt' });
    expect(history.search('030123')[0]?.remoteName).toBe('Erika Schmidt');
    expect(history.search('spoofed')[0]?.remoteName).toBe('Erika Schmidt');
    store.delete(id);
    expect(history.list()[1]?.remoteName).toBe('Spoofed Display Name');
  });
});

describe('number keys', () => {
  it('match on the trailing significant digits and compare national with international forms', () => {
    expect(numberKey('+49 (30) 123-4567')).toEqual({
      digits: '49301234567',
      matchKey: '01234567',
      dialable: '+49301234567',
    });
    expect(numberKey('sip:+49301234567@x.eu;user=phone').matchKey).toBe('01234567');
    expect(numberKey('sip:Alice@Example.EU:5061')).toEqual({
      digits: '',
      matchKey: 'sip:alice@example.eu',
      dialable: null,
    });
    expect(numberKey('sip:broken')).toEqual({ digits: '', matchKey: '', dialable: null });
    const same = (a: string, b: string, c = 'DE') => sameNumber(numberKey(a), numberKey(b), c);
    expect(same('030 1234567', '+49 30 1234567')).toBe(true);
    expect(same('030 1234567', '+49 30 1234567', 'AT')).toBe(false);
    expect(same('0044 20 7946 0958', '+44 20 7946 0958')).toBe(true);
    // One side not a possible number for the country: the significant digits decide.
    expect(same('4420 7946 0958', '020 7946 0958', 'GB')).toBe(true);
    expect(same('200', '0200')).toBe(false);
  });
});

import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { randomUUID } from 'node:crypto';
import {
  ContactInput,
  isSipAddress,
  type Contact,
  type ContactNumber,
  type ValidContactInput,
} from '../../shared/domain/contacts.js';
import type { SqlDatabase } from './database.js';

interface ContactRow {
  id: string;
  name: string;
  organisation: string | null;
  email: string | null;
  note: string | null;
  favourite: number;
  updated_at: number;
}

interface NumberRow {
  label: ContactNumber['label'];
  number: string;
}

/** Numbers shorter than this are matched only when all their digits are equal (extensions, short codes). */
const SIGNIFICANT_DIGITS = 8;
/** A SIP user part that is a phone number: digits with the separators RFC 3966 allows. */
const NUMERIC_USER = /^\+?[\d\-.()]+$/;

export interface NumberKey {
  /** Every digit, for search; empty for a SIP address with a name. */
  digits: string;
  /** What caller ID compares first: the trailing significant digits, or `sip:user@host` for named addresses. */
  matchKey: string;
  /** The number as dialled (digits with a leading + kept), for comparing national and international forms. */
  dialable: string | null;
}

/** The user part and host of a SIP URI, without port and parameters; null when it is not one. */
function sipParts(uri: string): { user: string; host: string } | null {
  const match = /^sips?:([^@;?]+)@([^;?>]+)/i.exec(uri.trim());
  if (!match) return null;
  let user = match[1]!;
  try {
    user = decodeURIComponent(user);
  } catch {
    // A malformed escape is compared as written.
  }
  return { user, host: match[2]!.replace(/:\d+$/, '').toLowerCase() };
}

/**
 * The keys a contact's number, or a caller's SIP URI, is stored and matched by. A SIP URI whose user
 * part is a number ("sip:+4930123@pbx", "sip:200@pbx") counts as that number, whatever the host.
 */
export function numberKey(value: string): NumberKey {
  const trimmed = value.trim().replace(/^tel:/i, '');
  let phone = trimmed;
  if (isSipAddress(trimmed)) {
    const parts = sipParts(trimmed);
    if (!parts) return { digits: '', matchKey: '', dialable: null };
    if (!NUMERIC_USER.test(parts.user)) {
      const address = `sip:${parts.user.toLowerCase()}@${parts.host}`;
      return { digits: '', matchKey: address, dialable: null };
    }
    phone = parts.user;
  }
  phone = phone.split(';')[0]!;
  const digits = phone.replace(/\D/g, '');
  if (digits === '') return { digits: '', matchKey: '', dialable: null };
  return {
    digits,
    matchKey: digits.slice(-SIGNIFICANT_DIGITS),
    dialable: `${phone.trim().startsWith('+') ? '+' : ''}${digits}`,
  };
}

/** The number in E.164 read with the default country, or null when it cannot be read as one. */
function e164(dialable: string, country: string): string | null {
  const parsed = parsePhoneNumberFromString(dialable, country as CountryCode);
  return parsed?.isPossible() ? parsed.number : null;
}

/**
 * Whether two numbers with the same match key are the same line: equal digits; else equal in E.164 when
 * both can be read with the default country ("030 1234567" and "+49 30 1234567" in DE); else the
 * shorter, without trunk zeros, ends the longer and has at least the significant number of digits.
 */
export function sameNumber(a: NumberKey, b: NumberKey, country: string): boolean {
  if (!a.dialable || !b.dialable) return false;
  if (a.digits === b.digits) return true;
  const [left, right] = [e164(a.dialable, country), e164(b.dialable, country)];
  if (left && right) return left === right;
  const [shorter, longer] = [a.digits.replace(/^0+/, ''), b.digits.replace(/^0+/, '')].sort(
    (x, y) => x.length - y.length,
  ) as [string, string];
  return shorter.length >= SIGNIFICANT_DIGITS && longer.endsWith(shorter);
}

/** Lower-case, accents removed: the order of the list and the identity of a name on import. */
function sortKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The identity of an imported contact: the same name with the same numbers is a duplicate. */
function identity(name: string, numbers: readonly { number: string }[]): string {
  const keys = numbers.map((n) => numberKey(n.number).digits || numberKey(n.number).matchKey).sort();
  return `${sortKey(name).trim()}\n${keys.join(',')}`;
}

function emptyToNull(value: string | undefined): string | null {
  return value ? value : null;
}

export interface ContactStoreOptions {
  /** The default country from settings: how national numbers are read for caller ID. */
  defaultCountry(): string;
  /** Stamps `updatedAt`; Date.now unless a test fixes the time. */
  now?(): number;
}

/** Contacts in the encrypted database: the address book, and the names caller ID and history show. */
export function createContactStore(db: SqlDatabase, options: ContactStoreOptions) {
  const numbersOf = db.prepare<[string], NumberRow>(
    'SELECT label, number FROM contact_number WHERE contact_id = ? ORDER BY position',
  );
  const byId = db.prepare<[string], ContactRow>('SELECT * FROM contact WHERE id = ?');
  const insertContact = db.prepare(
    `INSERT INTO contact (id, name, organisation, email, note, favourite, sort_key, created_at, updated_at)
     VALUES (@id, @name, @organisation, @email, @note, @favourite, @sortKey, @now, @now)`,
  );
  const updateContact = db.prepare(
    `UPDATE contact SET name = @name, organisation = @organisation, email = @email, note = @note,
       favourite = @favourite, sort_key = @sortKey, updated_at = @now WHERE id = @id`,
  );
  const insertNumber = db.prepare(
    `INSERT INTO contact_number (contact_id, position, label, number, digits, match_key)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const deleteNumbers = db.prepare('DELETE FROM contact_number WHERE contact_id = ?');
  const byMatchKey = db.prepare<[string], { name: string; number: string }>(
    `SELECT contact.name, contact_number.number FROM contact_number JOIN contact ON contact.id = contact_number.contact_id
     WHERE contact_number.match_key = ? ORDER BY contact.favourite DESC, contact.sort_key, contact.id`,
  );
  const clock = options.now ?? Date.now;

  const toContact = (row: ContactRow): Contact => ({
    id: row.id,
    name: row.name,
    organisation: row.organisation,
    email: row.email,
    note: row.note,
    favourite: row.favourite === 1,
    numbers: numbersOf.all(row.id),
    updatedAt: row.updated_at,
  });

  const get = (id: string): Contact | null => {
    const row = byId.get(id);
    return row ? toContact(row) : null;
  };

  const writeNumbers = (id: string, numbers: readonly ContactNumber[]) => {
    numbers.forEach((entry, position) => {
      const key = numberKey(entry.number);
      insertNumber.run(id, position, entry.label, entry.number, key.digits, key.matchKey);
    });
  };

  /** Input as validated by the contract (optional fields may be absent). */
  const fields = (input: ContactInput) => ({
    name: input.name,
    organisation: emptyToNull(input.organisation),
    email: emptyToNull(input.email),
    note: emptyToNull(input.note),
    favourite: input.favourite ? 1 : 0,
    sortKey: sortKey(input.name),
  });

  const create = db.transaction((input: ContactInput): string => {
    const id = randomUUID();
    insertContact.run({ id, ...fields(input), now: clock() });
    writeNumbers(id, input.numbers);
    return id;
  });

  const update = db.transaction((id: string, input: ContactInput): boolean => {
    if (updateContact.run({ id, ...fields(input), now: clock() }).changes === 0) return false;
    deleteNumbers.run(id);
    writeNumbers(id, input.numbers);
    return true;
  });

  /** Name and numbers of every stored contact: an import skips contacts that are there already. */
  const knownIdentities = (): Set<string> => {
    const known = new Set<string>();
    for (const row of db.prepare<[], ContactRow>('SELECT * FROM contact').all())
      known.add(identity(row.name, numbersOf.all(row.id)));
    return known;
  };

  const addImported = db.transaction(
    (
      entries: ReadonlyArray<{ entry: number; contact: ValidContactInput }>,
      known: Set<string>,
      created: string[],
    ) => {
      const duplicates: number[] = [];
      let imported = 0;
      for (const { entry, contact } of entries) {
        const key = identity(contact.name, contact.numbers);
        if (known.has(key)) {
          duplicates.push(entry);
          continue;
        }
        known.add(key);
        created.push(create(contact));
        imported += 1;
      }
      return { imported, duplicates };
    },
  );

  const deleteMany = db.transaction((ids: readonly string[]) => {
    const remove = db.prepare('DELETE FROM contact WHERE id = ?');
    for (const id of ids) remove.run(id);
  });

  const favouriteFilter = (favouritesOnly: boolean) => (favouritesOnly ? 'AND contact.favourite = 1' : '');
  const ORDER = 'ORDER BY contact.favourite DESC, contact.sort_key, contact.id';

  return {
    /**
     * Favourites first, then by name. Digits (with the usual separators) search the numbers, anywhere in
     * them, so "30 123" finds "+49 30 1234567"; anything else searches names, organisations and e-mail
     * addresses by word prefix, accents ignored.
     */
    list(
      query: { search?: string; favouritesOnly?: boolean; offset?: number; limit?: number } = {},
    ): Contact[] {
      const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
      const offset = Math.max(query.offset ?? 0, 0);
      const favourites = favouriteFilter(query.favouritesOnly ?? false);
      const search = (query.search ?? '').trim();
      const digits = search.replace(/[\s\-()/.]/g, '').replace(/^\+/, '');
      let rows: ContactRow[];
      if (search === '') {
        rows = db
          .prepare<[number, number], ContactRow>(
            `SELECT * FROM contact WHERE 1 ${favourites} ${ORDER} LIMIT ? OFFSET ?`,
          )
          .all(limit, offset);
      } else if (/^\d+$/.test(digits)) {
        // National input ("030 …") also finds numbers stored internationally ("+49 30 …").
        const national = digits.replace(/^0(?!0)/, '');
        rows = db
          .prepare<[string, string, number, number], ContactRow>(
            `SELECT * FROM contact WHERE id IN (
               SELECT contact_id FROM contact_number WHERE instr(digits, ?) > 0 OR instr(digits, ?) > 0)
             ${favourites} ${ORDER} LIMIT ? OFFSET ?`,
          )
          .all(digits, national, limit, offset);
      } else {
        const terms = search
          .split(/\s+/)
          .filter(Boolean)
          .map((term) => `"${term.replace(/"/g, '""')}"*`);
        rows = db
          .prepare<[string, number, number], ContactRow>(
            `SELECT contact.* FROM contact JOIN contact_fts ON contact_fts.rowid = contact.seq
             WHERE contact_fts MATCH ? ${favourites} ${ORDER} LIMIT ? OFFSET ?`,
          )
          .all(terms.join(' '), limit, offset);
      }
      return rows.map(toContact);
    },

    get,

    /** Validated again here: whoever calls, nothing invalid reaches the database. */
    create(input: ContactInput): Contact {
      return get(create(ContactInput.parse(input)))!;
    },

    /** Replaces the contact's fields and numbers; null when it no longer exists. */
    update(id: string, input: ContactInput): Contact | null {
      return update(id, ContactInput.parse(input)) ? get(id) : null;
    },

    /** Its numbers go with it (ON DELETE CASCADE). */
    delete(id: string): boolean {
      return db.prepare('DELETE FROM contact WHERE id = ?').run(id).changes > 0;
    },

    setFavourite(id: string, favourite: boolean): Contact | null {
      const changed = db
        .prepare('UPDATE contact SET favourite = ?, updated_at = ? WHERE id = ?')
        .run(favourite ? 1 : 0, clock(), id).changes;
      return changed > 0 ? get(id) : null;
    },

    /**
     * Adds validated contacts in one transaction: all of them or, on a failure, none. A contact with the
     * same name and numbers as one already stored (or earlier in the same import) is skipped.
     */
    importMany(entries: ReadonlyArray<{ entry: number; contact: ValidContactInput }>): {
      imported: number;
      duplicates: number[];
    } {
      return addImported(entries, knownIdentities(), []);
    },

    /**
     * An import in steps (a large file, shown with its progress): each `add` stores a chunk in its own
     * transaction, skipping duplicates across chunks; `undo` removes everything this import added.
     */
    startImport() {
      const known = knownIdentities();
      const created: string[] = [];
      return {
        add: (entries: ReadonlyArray<{ entry: number; contact: ValidContactInput }>) =>
          addImported(entries, known, created),
        undo: () => deleteMany(created.splice(0)),
      };
    },

    /**
     * Caller ID: the name of the contact with this number or SIP address, or null. Favourites win when
     * several contacts share a number.
     */
    nameForUri(uri: string): string | null {
      const caller = numberKey(uri);
      if (!caller.matchKey) return null;
      const country = options.defaultCountry();
      for (const row of byMatchKey.all(caller.matchKey)) {
        if (caller.dialable === null || sameNumber(caller, numberKey(row.number), country)) return row.name;
      }
      return null;
    },

    count(): number {
      return (db.prepare('SELECT count(*) AS n FROM contact').get() as { n: number }).n;
    },
  };
}
export type ContactStore = ReturnType<typeof createContactStore>;

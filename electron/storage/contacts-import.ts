import { hasHiddenCharacters } from '../../shared/domain/hidden-characters.js';
import { parse as parseCsv } from 'csv-parse/sync';
import ICAL from 'ical.js';
import {
  ContactInput,
  ContactNumberValue,
  contactLimits,
  IMPORT_MAX_BYTES,
  IMPORT_MAX_ENTRIES,
  type ContactNumber,
  type ImportFailure,
  type ImportFormat,
  type ImportSkipReason,
  type NumberLabel,
  type ValidContactInput,
} from '../../shared/domain/contacts.js';
import { vcard21To30 } from './vcard21.js';

/**
 * Reads contact files people bring from other address books: vCard 2.1 (rewritten as 3.0 first), 3.0 and
 * 4.0 (RFC 2426, RFC 6350; parsed by ical.js) and CSV exports of Google Contacts, Outlook (English and German) and Thunderbird
 * (parsed by csv-parse). Whole-file problems refuse the file; a bad entry is skipped and reported.
 */

export interface ImportEntry {
  /** 1-based position in the file: the card, or the data row below the header. */
  entry: number;
  contact: ValidContactInput;
}

export type ParsedImport =
  | { ok: true; entries: ImportEntry[]; problems: Array<{ entry: number; reason: ImportSkipReason }> }
  | { ok: false; reason: ImportFailure };

interface Draft {
  name: string;
  organisation: string;
  numbers: Array<{ label: NumberLabel; number: string }>;
  email: string;
  note: string;
}

/** A NUL, or many control or replacement characters (what binary data decodes to), is not a text file. */
function looksBinary(text: string): boolean {
  if (text.includes('\0')) return true;
  // eslint-disable-next-line no-control-regex -- counting control characters is the point
  const suspicious = text.match(/[\u0001-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0;
  return suspicious > Math.max(8, text.length / 100);
}

function compact(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** Checks one draft against the contact schema; a number that is not one is dropped, a long note cut. */
function finish(draft: Draft): { contact: ValidContactInput } | { reason: ImportSkipReason } {
  const name = compact(draft.name);
  if (name === '') return { reason: 'no-name' };
  // A number that shows something else than it dials is refused, not cleaned: the person checks the file.
  if (draft.numbers.some(({ number }) => hasHiddenCharacters(number))) return { reason: 'hidden-characters' };
  const numbers: ContactNumber[] = [];
  const seen = new Set<string>();
  for (const { label, number } of draft.numbers) {
    const parsed = ContactNumberValue.safeParse(number);
    if (!parsed.success || seen.has(parsed.data)) continue;
    seen.add(parsed.data);
    numbers.push({ label, number: parsed.data });
  }
  if (numbers.length === 0) return { reason: 'no-number' };
  const parsed = ContactInput.safeParse({
    name,
    organisation: compact(draft.organisation),
    numbers: numbers.slice(0, contactLimits.numbers),
    email: draft.email.trim(),
    note: draft.note.trim().slice(0, contactLimits.note),
  });
  return parsed.success ? { contact: parsed.data } : { reason: 'invalid' };
}

/** Maps vCard TYPE values and CSV column or label names onto the app's labels; null for fax and pager. */
function labelOf(types: readonly string[]): NumberLabel | null {
  const text = types.join(' ').toLowerCase();
  if (/fax|pager/.test(text) && !/voice|cell|mobil/.test(text)) return null;
  if (/cell|mobil|handy|iphone/.test(text)) return 'mobile';
  if (/work|business|company|gesch[aä]ftl|b[uü]ro|firma|arbeit/.test(text)) return 'work';
  if (/home|privat/.test(text)) return 'home';
  return 'other';
}

/** A tel: URI or a written number, without extension parameters; sip: addresses as they are. */
function cleanNumber(value: string): string {
  // Spreadsheet exports (ours included) prefix "+49…" with ' so that Excel does not read a formula.
  const trimmed = value.trim().replace(/^'(?=[=+\-@])/, '');
  if (/^sips?:/i.test(trimmed)) return trimmed;
  return trimmed.replace(/^tel:/i, '').split(';')[0]!.trim();
}

// ---------------------------------------------------------------------------------------------- vCard

type JCardProperty = [string, Record<string, unknown>, string, ...unknown[]];

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join(' ');
  return '';
}

function paramList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(',');
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The BEGIN:VCARD … END:VCARD blocks of a file, so that one broken card does not lose the others. */
function splitCards(text: string): string[] {
  const cards: string[] = [];
  let current: string[] | null = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (/^BEGIN:VCARD\s*$/i.test(line)) {
      current = [line];
    } else if (current) {
      current.push(line);
      if (/^END:VCARD\s*$/i.test(line)) {
        cards.push(current.join('\r\n'));
        current = null;
      }
    }
  }
  // A last card without END:VCARD is still reported (and skipped as unreadable).
  if (current) cards.push(current.join('\r\n'));
  return cards;
}

function cardDraft(text: string): Draft | ImportSkipReason {
  const version = /^VERSION:\s*([\d.]+)\s*$/im.exec(text)?.[1];
  if (version !== undefined && version !== '2.1' && version !== '3.0' && version !== '4.0')
    return 'unsupported-version';
  const card = version === '2.1' ? vcard21To30(text) : text;
  let jcard: unknown;
  try {
    jcard = ICAL.parse(card);
  } catch {
    return 'unreadable';
  }
  if (!Array.isArray(jcard) || jcard[0] !== 'vcard' || !Array.isArray(jcard[1])) return 'unreadable';
  const properties = jcard[1] as JCardProperty[];
  const all = (name: string) => properties.filter((p) => p[0] === name);
  const first = (name: string) => textOf(all(name)[0]?.[3]);

  const n = all('n')[0]?.[3];
  const parts = Array.isArray(n) ? n.map(textOf) : [textOf(n)];
  const [family = '', given = '', additional = '', prefix = '', suffix = ''] = parts;
  const org = all('org')[0]?.[3];
  const organisation = Array.isArray(org) ? org.map(textOf).filter(Boolean).join(', ') : textOf(org);

  const numbers: Draft['numbers'] = [];
  // Apple Contacts names a number by a grouped label: "item1.TEL:…" with "item1.X-ABLabel:Büro".
  const groupLabel = (group: unknown) =>
    all('x-ablabel')
      .filter((p) => typeof group === 'string' && p[1].group === group)
      .map((p) => textOf(p[3]));
  for (const tel of all('tel')) {
    const label = labelOf([...paramList(tel[1].type), ...groupLabel(tel[1].group)]);
    if (label) numbers.push({ label, number: cleanNumber(textOf(tel[3])) });
  }
  // SIP addresses: IMPP (vCard 4, RFC 4770 for 3.0) and the common X-SIP extension.
  for (const impp of [...all('impp'), ...all('x-sip')]) {
    const value = textOf(impp[3]).trim();
    const uri = /^sips?:/i.test(value) ? value : impp[0] === 'x-sip' ? `sip:${value}` : '';
    if (uri) numbers.push({ label: labelOf(paramList(impp[1].type)) ?? 'other', number: uri });
  }

  return {
    name:
      first('fn') ||
      [prefix, given, additional, family, suffix].filter((part) => part.trim()).join(' ') ||
      organisation,
    organisation,
    numbers,
    email: first('email'),
    note: first('note'),
  };
}

function parseVcards(text: string): ParsedImport {
  if (!/^BEGIN:VCARD\s*$/im.test(text)) return { ok: false, reason: 'not-vcard' };
  const cards = splitCards(text);
  if (cards.length > IMPORT_MAX_ENTRIES) return { ok: false, reason: 'too-many' };
  const entries: ImportEntry[] = [];
  const problems: Array<{ entry: number; reason: ImportSkipReason }> = [];
  cards.forEach((card, index) => {
    const draft = cardDraft(card);
    const result = typeof draft === 'string' ? { reason: draft } : finish(draft);
    if ('contact' in result) entries.push({ entry: index + 1, contact: result.contact });
    else problems.push({ entry: index + 1, reason: result.reason });
  });
  return { ok: true, entries, problems };
}

// ------------------------------------------------------------------------------------------------ CSV

/** Header names, lower-case with accents and punctuation removed ("E-mail Address" -> "emailaddress"). */
function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const NAME_COLUMNS = ['name', 'displayname', 'fullname', 'anzeigename'];
const FIRST_COLUMNS = ['firstname', 'givenname', 'vorname'];
const MIDDLE_COLUMNS = ['middlename', 'additionalname', 'weiterevornamen'];
const LAST_COLUMNS = ['lastname', 'familyname', 'surname', 'nachname'];
const ORGANISATION_COLUMNS = [
  'company',
  'organization',
  'organisation',
  'organizationname',
  'organization1name',
  'firma',
  'unternehmen',
];
const EMAIL_COLUMNS = ['emailaddress', 'email', 'email1value', 'primaryemail', 'emailadresse'];
const NOTE_COLUMNS = ['notes', 'note', 'notizen', 'notiz'];
/** Fixed phone columns of Outlook (English and German) and Thunderbird exports, by label. */
const PHONE_COLUMNS: Record<string, NumberLabel> = {
  mobilephone: 'mobile',
  mobilenumber: 'mobile',
  mobile: 'mobile',
  cellphone: 'mobile',
  mobiltelefon: 'mobile',
  businessphone: 'work',
  businessphone2: 'work',
  workphone: 'work',
  companymainphone: 'work',
  telefongeschaftlich: 'work',
  telefongeschaftlich2: 'work',
  telefonfirma: 'work',
  homephone: 'home',
  homephone2: 'home',
  telefonprivat: 'home',
  telefonprivat2: 'home',
  primaryphone: 'other',
  otherphone: 'other',
  phone: 'other',
  phonenumber: 'other',
  telephone: 'other',
  telefon: 'other',
  haupttelefon: 'other',
  weiterestelefon: 'other',
};

const DELIMITERS = [',', ';', '\t'] as const;

/** The delimiter that splits the header line into the most columns (quotes respected by the parser). */
function detectDelimiter(text: string): string | null {
  let best: { delimiter: string; columns: number } | null = null;
  for (const delimiter of DELIMITERS) {
    try {
      const [header] = parseCsv(text, { bom: true, delimiter, to_line: 1, relax_quotes: true });
      const columns = header?.length ?? 0;
      if (columns > 1 && (!best || columns > best.columns)) best = { delimiter, columns };
    } catch {
      // Not this delimiter.
    }
  }
  return best?.delimiter ?? null;
}

function parseCsvContacts(text: string): ParsedImport {
  if (/^\s*BEGIN:VCARD\s*$/im.test(text.slice(0, 200))) return { ok: false, reason: 'not-csv' };
  const delimiter = detectDelimiter(text);
  if (!delimiter) return { ok: false, reason: 'no-columns' };
  let rows: string[][];
  try {
    rows = parseCsv(text, {
      bom: true,
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      max_record_size: 1_000_000,
    });
  } catch {
    return { ok: false, reason: 'not-csv' };
  }
  const [header = [], ...data] = rows;
  const keys = header.map(headerKey);
  const columns = (names: readonly string[]) =>
    keys.flatMap((key, index) => (names.includes(key) ? [index] : []));
  const phoneColumns: Array<{ index: number; label: NumberLabel | ((row: string[]) => NumberLabel | null) }> =
    [];
  keys.forEach((key, index) => {
    const fixed = PHONE_COLUMNS[key];
    if (fixed) phoneColumns.push({ index, label: fixed });
    // Google: "Phone 1 - Value" with its "Phone 1 - Type" (older) or "Phone 1 - Label" (newer).
    const google = /^phone(\d+)value$/.exec(key);
    if (google) {
      const labelColumn = keys.findIndex(
        (k) => k === `phone${google[1]}type` || k === `phone${google[1]}label`,
      );
      phoneColumns.push({
        index,
        label: (row) => labelOf([labelColumn >= 0 ? (row[labelColumn] ?? '') : '']),
      });
    }
  });
  const nameColumns = [...columns(NAME_COLUMNS), ...columns(FIRST_COLUMNS), ...columns(LAST_COLUMNS)];
  if (nameColumns.length === 0 || phoneColumns.length === 0) return { ok: false, reason: 'no-columns' };
  if (data.length > IMPORT_MAX_ENTRIES) return { ok: false, reason: 'too-many' };

  const cell = (row: string[], names: readonly string[]) =>
    columns(names)
      .map((index) => row[index] ?? '')
      .find((value) => value.trim() !== '') ?? '';
  const entries: ImportEntry[] = [];
  const problems: Array<{ entry: number; reason: ImportSkipReason }> = [];
  data.forEach((row, index) => {
    const organisation = cell(row, ORGANISATION_COLUMNS);
    const numbers: Draft['numbers'] = [];
    for (const column of phoneColumns) {
      const label = typeof column.label === 'function' ? column.label(row) : column.label;
      if (!label) continue;
      // Google puts several numbers of one type into one cell, separated by " ::: ".
      for (const number of (row[column.index] ?? '').split(':::')) {
        if (number.trim()) numbers.push({ label, number: cleanNumber(number) });
      }
    }
    const name =
      cell(row, NAME_COLUMNS) ||
      [cell(row, FIRST_COLUMNS), cell(row, MIDDLE_COLUMNS), cell(row, LAST_COLUMNS)]
        .filter(Boolean)
        .join(' ') ||
      organisation;
    const result = finish({
      name,
      organisation,
      numbers,
      email: cell(row, EMAIL_COLUMNS).split(':::')[0] ?? '',
      note: cell(row, NOTE_COLUMNS),
    });
    if ('contact' in result) entries.push({ entry: index + 1, contact: result.contact });
    else problems.push({ entry: index + 1, reason: result.reason });
  });
  return { ok: true, entries, problems };
}

// -------------------------------------------------------------------------------------------- Entry

/** Parses one file's text in the given format; nothing is stored here. */
export function parseContactFile(format: ImportFormat, text: string): ParsedImport {
  if (Buffer.byteLength(text, 'utf8') > IMPORT_MAX_BYTES) return { ok: false, reason: 'too-large' };
  if (text.replace(/^\ufeff/, '').trim() === '') return { ok: false, reason: 'empty' };
  if (looksBinary(text)) return { ok: false, reason: 'binary' };
  const result = format === 'vcard' ? parseVcards(text.replace(/^\ufeff/, '')) : parseCsvContacts(text);
  if (result.ok && result.entries.length === 0 && result.problems.length === 0)
    return { ok: false, reason: 'nothing-to-import' };
  return result;
}

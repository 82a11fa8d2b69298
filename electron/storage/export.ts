import { stringify } from 'csv-stringify/sync';
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Contact, NumberLabel } from '../../shared/domain/contacts.js';
import type { DataExportCounts, DataExportFailure } from '../../shared/domain/data-export.js';
import type { CallRecord } from '../../shared/domain/history.js';
import type { Settings } from '../../shared/settings/settings.js';
import type { AuditLog, AuditRecord } from '../audit/audit-log.js';
import type { ContactStore } from './contacts.js';
import type { HistoryStore } from './history.js';
import { nextStep } from './task-progress.js';

/**
 * "Export my data" (the DSGVO rights of access and portability): the user's call history, contacts,
 * settings and the audit log kept on this device, as JSON (for programs) and CSV (for spreadsheets), in
 * a new folder inside the one the user chose. Credentials, keys and tokens are never part of it.
 *
 * CSV files are UTF-8 with a byte order mark (so that Excel reads umlauts), use the list separator a
 * spreadsheet expects in the system's locale (";" where the decimal separator is a comma, as in Germany),
 * and escape cells that a spreadsheet would run as a formula. All times are ISO 8601 in UTC.
 */

export const EXPORT_FOLDER_PREFIX = 'secure-softphone-export-';

export const exportFileNames = [
  'history.json',
  'history.csv',
  'contacts.json',
  'contacts.csv',
  'settings.json',
  'audit-log.json',
  'audit-log.csv',
  'manifest.json',
  'README.txt',
] as const;
export type ExportFileName = (typeof exportFileNames)[number];

/** Calls read per query; between pages main answers other requests. */
const HISTORY_PAGE = 500;
const CONTACT_PAGE = 500;

export type CsvDelimiter = ',' | ';';

/**
 * The CSV list separator a spreadsheet expects for this locale: Excel uses ";" wherever the decimal
 * separator is a comma (de-DE, de-AT, fr-FR, ...), else ",".
 */
export function csvDelimiterFor(locale: string): CsvDelimiter {
  try {
    const decimal = new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal');
    return decimal?.value === ',' ? ';' : ',';
  } catch {
    return ',';
  }
}

/** `secure-softphone-export-2026-01-02T03-04-05Z`: UTC, without the colons Windows forbids in names. */
export function exportFolderName(at: number): string {
  return `${EXPORT_FOLDER_PREFIX}${new Date(at)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-')}`;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

type Cell = string | number | null;

/** One kind of record as JSON and as a CSV row. */
interface Table<T> {
  columns: readonly string[];
  json(item: T): unknown;
  row(item: T): Cell[];
}

const callTable: Table<CallRecord> = {
  columns: [
    'id',
    'direction',
    'account',
    'remote_uri',
    'remote_name',
    'started_at',
    'answered_at',
    'ended_at',
    'duration_seconds',
    'disposition',
    'cause',
    'dtls_state',
    'srtp_cipher',
    'encryption_scope',
    'sas_matched',
  ],
  json: (call) => ({
    ...call,
    startedAt: iso(call.startedAt),
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
  }),
  row: (call) => [
    call.id,
    call.direction,
    call.account,
    call.remoteUri,
    call.remoteName,
    iso(call.startedAt),
    iso(call.answeredAt),
    iso(call.endedAt),
    call.durationMs === null ? null : Math.round(call.durationMs / 1000),
    call.disposition,
    call.cause,
    call.dtlsState,
    call.srtpCipher,
    call.encryptionScope,
    call.sasMatched === null ? null : String(call.sasMatched),
  ],
};

const phoneColumns: ReadonlyArray<[NumberLabel, string]> = [
  ['mobile', 'mobile_phone'],
  ['work', 'work_phone'],
  ['home', 'home_phone'],
  ['other', 'other_phone'],
];

const contactTable: Table<Contact> = {
  // Column names that address books (and this app's own CSV import) recognise; several numbers with the
  // same label share a cell, separated by " ::: " as in Google Contacts' CSV.
  columns: [
    'id',
    'name',
    'organisation',
    'email',
    'note',
    'favourite',
    'updated_at',
    ...phoneColumns.map(([, column]) => column),
  ],
  json: (contact) => ({ ...contact, updatedAt: iso(contact.updatedAt) }),
  row: (contact) => [
    contact.id,
    contact.name,
    contact.organisation,
    contact.email,
    contact.note,
    String(contact.favourite),
    iso(contact.updatedAt),
    ...phoneColumns.map(
      ([label]) =>
        contact.numbers
          .filter((number) => number.label === label)
          .map((number) => number.number)
          .join(' ::: ') || null,
    ),
  ],
};

const auditTable: Table<AuditRecord> = {
  columns: ['sequence', 'id', 'at', 'type', 'details'],
  json: (event) => ({
    sequence: event.sequence,
    id: event.id,
    at: iso(event.at),
    type: event.type,
    details: event.details,
  }),
  row: (event) => [event.sequence, event.id, iso(event.at), event.type, JSON.stringify(event.details)],
};

/** A JSON array and a CSV file of one kind of record, written page by page. */
class DatasetWriter<T> {
  count = 0;
  private closed = false;
  private constructor(
    private readonly table: Table<T>,
    private readonly delimiter: CsvDelimiter,
    private readonly json: FileHandle,
    private readonly csv: FileHandle,
  ) {}

  static async open<T>(folder: string, base: string, table: Table<T>, delimiter: CsvDelimiter) {
    const json = await createFile(join(folder, `${base}.json`));
    const csv = await createFile(join(folder, `${base}.csv`)).catch(async (error: unknown) => {
      await json.close();
      throw error;
    });
    const writer = new DatasetWriter(table, delimiter, json, csv);
    try {
      await writer.csvChunk([], true);
    } catch (error) {
      await writer.abandon();
      throw error;
    }
    return writer;
  }

  async write(items: readonly T[]): Promise<void> {
    if (items.length === 0) return;
    const lines = items.map((item) => `  ${JSON.stringify(this.table.json(item))}`);
    await this.json.appendFile(`${this.count === 0 ? '[\n' : ',\n'}${lines.join(',\n')}`);
    await this.csvChunk(items, false);
    this.count += items.length;
  }

  /** Ends the JSON array and closes both files; a failure to flush them fails the export. */
  async finish(): Promise<void> {
    await this.json.appendFile(this.count === 0 ? '[]\n' : '\n]\n');
    this.closed = true;
    await Promise.all([this.json.close(), this.csv.close()]);
  }

  /** Closes both files after a failure. */
  async abandon(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([this.json.close(), this.csv.close()]);
  }

  private async csvChunk(items: readonly T[], first: boolean): Promise<void> {
    const text = stringify(
      items.map((item) => this.table.row(item)),
      {
        // The header row and the byte order mark go first, once.
        header: first,
        bom: first,
        columns: [...this.table.columns],
        delimiter: this.delimiter,
        record_delimiter: 'windows',
        // Line breaks inside a cell (notes) are quoted, whichever of \n, \r or \r\n they are.
        quote_record_delimiter: true,
        // Cells starting with = + - @ (or tab, CR) get a leading ': spreadsheets show them as text.
        escape_formulas: true,
      },
    );
    if (text !== '') await this.csv.appendFile(text);
  }
}

/**
 * A new file only the user can read; never an existing one. Text goes in with `appendFile`, which writes
 * all of it (a plain write may write part of a chunk).
 */
function createFile(path: string): Promise<FileHandle> {
  return open(path, 'wx', 0o600);
}

async function writeText(folder: string, name: ExportFileName, text: string): Promise<void> {
  const file = await createFile(join(folder, name));
  try {
    await file.appendFile(text);
  } finally {
    await file.close();
  }
}

/** A new, empty folder inside `parent`, readable by the user only; a suffix when the name is taken. */
async function createExportFolder(parent: string, at: number): Promise<string> {
  const name = exportFolderName(at);
  for (let attempt = 1; ; attempt += 1) {
    const folder = join(parent, attempt === 1 ? name : `${name}-${attempt}`);
    try {
      await mkdir(folder, { mode: 0o700 });
      return folder;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100) throw error;
    }
  }
}

function* historyPages(history: Pick<HistoryStore, 'list'>): Generator<CallRecord[]> {
  let before: { startedAt: number; id: string } | undefined;
  for (;;) {
    const page = history.list({ before, limit: HISTORY_PAGE });
    if (page.length > 0) yield page;
    const last = page.at(-1);
    if (!last || page.length < HISTORY_PAGE) return;
    before = { startedAt: last.startedAt, id: last.id };
  }
}

/** Every contact, read at once (no other request runs in between, so the list is consistent). */
function allContacts(contacts: Pick<ContactStore, 'list'>): Contact[] {
  const all: Contact[] = [];
  for (let offset = 0; ; offset += CONTACT_PAGE) {
    const page = contacts.list({ offset, limit: CONTACT_PAGE });
    all.push(...page);
    if (page.length < CONTACT_PAGE) return all;
  }
}

export interface ExportSources {
  /** Call history as stored (the display name the far end sent, not caller ID from contacts). */
  history: Pick<HistoryStore, 'list' | 'count'>;
  contacts: Pick<ContactStore, 'list'>;
  /** The user's preferences as stored. */
  settings: Settings;
  /** Every audit event kept on this device. */
  auditEvents: readonly AuditRecord[];
}

export interface ExportOptions {
  /** The folder the user chose; the export goes into a new subfolder of it. */
  parent: string;
  /** Milliseconds since the epoch: names the folder and dates the manifest. */
  now: number;
  delimiter: CsvDelimiter;
  app: { name: string; version: string };
}

function manifest(options: ExportOptions, counts: DataExportCounts) {
  return {
    format: 'secure-softphone-export',
    formatVersion: 1,
    exportedAt: iso(options.now),
    app: options.app,
    csv: { encoding: 'UTF-8 with byte order mark', delimiter: options.delimiter, recordDelimiter: 'CRLF' },
    files: {
      'history.json': { holds: 'call history, newest first', records: counts.calls },
      'history.csv': { holds: 'call history, newest first', records: counts.calls },
      'contacts.json': { holds: 'contacts', records: counts.contacts },
      'contacts.csv': { holds: 'contacts', records: counts.contacts },
      'settings.json': { holds: 'preferences' },
      'audit-log.json': { holds: 'audit events on this device, oldest first', records: counts.auditEvents },
      'audit-log.csv': { holds: 'audit events on this device, oldest first', records: counts.auditEvents },
      'README.txt': { holds: 'what these files are, for people' },
    },
  };
}

function readme(options: ExportOptions, counts: DataExportCounts): string {
  const separator = options.delimiter === ';' ? 'semicolons (;)' : 'commas (,)';
  const trenner = options.delimiter === ';' ? 'Semikolon (;)' : 'Komma (,)';
  const at = iso(options.now);
  return [
    `${options.app.name}: export of your data`,
    `Exported ${at} (UTC) by version ${options.app.version}.`,
    '',
    `history.json, history.csv      your call history: ${counts.calls} calls, newest first`,
    `contacts.json, contacts.csv    your contacts: ${counts.contacts}`,
    'settings.json                  your preferences in the app',
    `audit-log.json, audit-log.csv  security events kept on this device: ${counts.auditEvents}, oldest first`,
    'manifest.json                  this list, for programs',
    '',
    `Times are ISO 8601 in UTC. The CSV files are UTF-8 with a byte order mark, fields separated by ${separator}.`,
    "Cells that begin with =, +, - or @ start with an apostrophe (') so that spreadsheets do not run them as formulas.",
    'Passwords, keys and tokens are not exported.',
    'These files are not encrypted: keep them safe, and delete them when you no longer need them.',
    '',
    `${options.app.name}: Export Ihrer Daten`,
    `Exportiert am ${at} (UTC) von Version ${options.app.version}.`,
    '',
    `history.json, history.csv      Ihre Anrufliste: ${counts.calls} Anrufe, neueste zuerst`,
    `contacts.json, contacts.csv    Ihre Kontakte: ${counts.contacts}`,
    'settings.json                  Ihre Einstellungen in der App',
    `audit-log.json, audit-log.csv  Sicherheitsereignisse auf diesem Gerät: ${counts.auditEvents}, älteste zuerst`,
    'manifest.json                  diese Liste, für Programme',
    '',
    `Zeiten sind ISO 8601 in UTC. Die CSV-Dateien sind UTF-8 mit Byte Order Mark, Felder durch ${trenner} getrennt.`,
    "Zellen, die mit =, +, - oder @ beginnen, beginnen mit einem Apostroph ('), damit Tabellenprogramme sie nicht als Formel ausführen.",
    'Passwörter, Schlüssel und Tokens werden nicht exportiert.',
    'Diese Dateien sind nicht verschlüsselt: Bewahren Sie sie sicher auf und löschen Sie sie, wenn Sie sie nicht mehr brauchen.',
    '',
  ].join('\r\n');
}

/** Cancel was pressed during an export: the partial folder goes, nothing is recorded. */
export class ExportCancelled extends Error {
  constructor() {
    super('export cancelled');
    this.name = 'ExportCancelled';
  }
}

/** How far an export is (records written of all), and whether it should stop. */
export interface ExportProgress {
  report(done: number, total: number): void;
  readonly cancelled: boolean;
}

const noProgress: ExportProgress = { report: () => undefined, cancelled: false };

/**
 * Writes the export files into a new folder inside `options.parent` and returns it with the counts. On
 * any failure, and on Cancel, the partial folder is removed: there is a whole export or none.
 */
export async function writeExportFiles(
  sources: ExportSources,
  options: ExportOptions,
  progress: ExportProgress = noProgress,
): Promise<{ folder: string; counts: DataExportCounts }> {
  const folder = await createExportFolder(options.parent, options.now);
  try {
    const contacts = allContacts(sources.contacts);
    const total = sources.history.count() + contacts.length + sources.auditEvents.length;
    let done = 0;
    /** Between pages: says how far it is, and stops if the person cancelled. */
    const step = async (written: number) => {
      done += written;
      progress.report(done, total);
      await nextStep();
      if (progress.cancelled) throw new ExportCancelled();
    };
    await step(0);
    const calls = await DatasetWriter.open(folder, 'history', callTable, options.delimiter);
    try {
      for (const page of historyPages(sources.history)) {
        await calls.write(page);
        await step(page.length);
      }
      await calls.finish();
    } finally {
      await calls.abandon();
    }
    const contactFiles = await DatasetWriter.open(folder, 'contacts', contactTable, options.delimiter);
    try {
      await contactFiles.write(contacts);
      await contactFiles.finish();
    } finally {
      await contactFiles.abandon();
    }
    await step(contacts.length);
    await writeText(folder, 'settings.json', `${JSON.stringify(sources.settings, null, 2)}\n`);
    const audit = await DatasetWriter.open(folder, 'audit-log', auditTable, options.delimiter);
    try {
      await audit.write(sources.auditEvents);
      await audit.finish();
    } finally {
      await audit.abandon();
    }
    await step(sources.auditEvents.length);
    const counts = { calls: calls.count, contacts: contactFiles.count, auditEvents: audit.count };
    await writeText(folder, 'manifest.json', `${JSON.stringify(manifest(options, counts), null, 2)}\n`);
    await writeText(folder, 'README.txt', readme(options, counts));
    return { folder, counts };
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** A file-system failure the user can act on (choose another folder, free space), or null. */
export function exportFailureOf(error: unknown): DataExportFailure | null {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
    case 'ENOENT':
    case 'ENOTDIR':
      return 'not-writable';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'no-space';
    default:
      return null;
  }
}

export interface ExportDeps {
  history: Pick<HistoryStore, 'list' | 'count'>;
  contacts: Pick<ContactStore, 'list'>;
  settings: Settings;
  audit: AuditLog;
}

export type ExportOutcome =
  | { status: 'exported'; folder: string; counts: DataExportCounts }
  | { status: 'failed'; reason: DataExportFailure }
  | { status: 'cancelled' };

/**
 * The whole export: the files, then the audit event `data.exported` with the counts (never contents or
 * the folder's path). Without the audit event there is no export: if recording it fails, the files are
 * removed again and the error is passed on.
 */
export async function exportUserData(
  deps: ExportDeps,
  options: ExportOptions,
  progress?: ExportProgress,
): Promise<ExportOutcome> {
  const auditEvents = await deps.audit.list();
  let written: { folder: string; counts: DataExportCounts };
  try {
    written = await writeExportFiles(
      { history: deps.history, contacts: deps.contacts, settings: deps.settings, auditEvents },
      options,
      progress,
    );
  } catch (error) {
    if (error instanceof ExportCancelled) return { status: 'cancelled' };
    const reason = exportFailureOf(error);
    if (reason === null) throw error;
    return { status: 'failed', reason };
  }
  try {
    await deps.audit.record({
      type: 'data.exported',
      details: { ...written.counts, files: exportFileNames.length },
    });
  } catch (error) {
    await rm(written.folder, { recursive: true, force: true });
    throw error;
  }
  return { status: 'exported', ...written };
}

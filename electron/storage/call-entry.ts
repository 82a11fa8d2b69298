import { endReasons } from '../../shared/domain/calls.js';
import type { CallRecord } from '../../shared/domain/history.js';

/** A history row as the call table holds it. */
export interface CallRow {
  id: string;
  direction: 'incoming' | 'outgoing';
  account: string;
  remote_uri: string;
  remote_name: string | null;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  duration_ms: number | null;
  disposition: CallRecord['disposition'];
  cause: string | null;
  dtls_state: string | null;
  srtp_cipher: string | null;
  encryption_scope: string | null;
  sas_matched: number | null;
}

// The number search reads its rows from an index (migration 5) whose entries hold a row in compact form:
// on SQLCipher every page read from disk is decrypted and its HMAC checked, and a prefix's calls fill
// half the pages they did with the columns as they are (bench/storage.ts). The usual values are numbers
// (their position in these lists); any other value is kept as it is, so every row reads back exactly.
// SQLite takes an expression from the index only when a query writes it the same way: each set of lists is
// frozen with the migration that built its index, and a change is a new migration.
const DISPOSITIONS = ['answered', 'missed', 'declined', 'busy', 'failed', 'cancelled'] as const;
/** JsSIP's causes, which the engine reported until migration 6. */
const JSSIP_CAUSES = [
  'Terminated',
  'Canceled',
  'Busy',
  'Rejected',
  'No Answer',
  'Unavailable',
  'Not Found',
  'Request Timeout',
  'Connection Error',
  'SIP Failure Code',
  'Do Not Disturb',
] as const;
const DTLS_STATES = ['new', 'connecting', 'connected', 'closed', 'failed'] as const;
const SRTP_CIPHERS = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
] as const;

/** The values an index entry codes as their positions. */
export interface EntryCodes {
  causes: readonly string[];
  scopes: readonly string[];
}

/** Migration 5's index (frozen). */
export const ENTRY_CODES_V5: EntryCodes = {
  causes: JSSIP_CAUSES,
  scopes: ['end-to-end', 'to-provider', 'unknown'],
};

/**
 * Migration 6's index: causes are the engine's end reasons (with JsSIP's old ones after them), and the
 * DTLS-by-the-far-end scope is called `peer` (it was `end-to-end`, which claimed more than it proved);
 * migration 6 renames the stored value, so old calls read the same in the list and from the index.
 */
const ENTRY_CODES: EntryCodes = {
  causes: [...endReasons, ...JSSIP_CAUSES],
  scopes: ['peer', 'to-provider', 'unknown'],
};

/** The column as the position of its value in `values`, or as the value when it is not one of them. */
const coded = (column: string, values: readonly string[]): string =>
  `CASE ${column} ${values.map((value, code) => `WHEN '${value}' THEN ${code}`).join(' ')} ELSE ${column} END`;

/** From the account's '@' on: the domain that the URI of a call through it usually has too. */
const ACCOUNT_DOMAIN = "substr(account, instr(account, '@'))";

/** The remote URI as 0 for "sip:+<digits>@<the account's domain>", 1 for the same without "+". */
const REMOTE_URI = `CASE WHEN instr(account, '@') = 0 THEN remote_uri
  WHEN remote_uri = 'sip:+' || remote_digits || ${ACCOUNT_DOMAIN} THEN 0
  WHEN remote_uri = 'sip:' || remote_digits || ${ACCOUNT_DOMAIN} THEN 1 ELSE remote_uri END`;

/** The entry after (remote_digits, started_at): each name with its expression. */
const entry = (codes: EntryCodes) => ({
  id: 'id',
  account: 'account',
  remote_name: 'remote_name',
  duration_ms: 'duration_ms',
  sas_matched: 'sas_matched',
  incoming: "direction = 'incoming'",
  disposition: coded('disposition', DISPOSITIONS),
  remote_uri: REMOTE_URI,
  answered_after: 'answered_at - started_at',
  ended_after: 'ended_at - started_at',
  cause: coded('cause', codes.causes),
  dtls_state: coded('dtls_state', DTLS_STATES),
  srtp_cipher: coded('srtp_cipher', SRTP_CIPHERS),
  encryption_scope: coded('encryption_scope', codes.scopes),
});

const expressions = (codes: EntryCodes) => Object.entries(entry(codes));

/** The number search's index with these codes: by number and start, then the entry. */
export function callEntryIndex(codes: EntryCodes): string {
  return `CREATE INDEX call_number_rows ON call (remote_digits, started_at,
  ${expressions(codes)
    .map(([name, sql]) => (sql === name ? sql : `(${sql})`))
    .join(',\n  ')})`;
}

/** The current index (migration 6). */
export const CALL_ENTRY_INDEX = callEntryIndex(ENTRY_CODES);

/** The select list that reads a call's entry from the current index alone. */
export const CALL_ENTRY_COLUMNS = `remote_digits, started_at,
  ${expressions(ENTRY_CODES)
    .map(([name, sql]) => (sql === name ? sql : `${sql} AS ${name}`))
    .join(',\n  ')}`;

/** A row of CALL_ENTRY_COLUMNS. */
export interface CallEntry {
  remote_digits: string;
  started_at: number;
  id: string;
  account: string;
  remote_name: string | null;
  duration_ms: number | null;
  sas_matched: number | null;
  incoming: number;
  disposition: number | string | null;
  remote_uri: number | string;
  answered_after: number | null;
  ended_after: number | null;
  cause: number | string | null;
  dtls_state: number | string | null;
  srtp_cipher: number | string | null;
  encryption_scope: number | string | null;
}

function decoded<T extends string>(value: number | string | null, values: readonly T[]): T | string | null {
  return typeof value === 'number' ? values[value]! : value;
}

/** The call table's row, back from its entry. */
export function fromCallEntry(entry: CallEntry): CallRow {
  const domain = entry.account.slice(entry.account.indexOf('@'));
  const uri = entry.remote_uri;
  return {
    id: entry.id,
    direction: entry.incoming ? 'incoming' : 'outgoing',
    account: entry.account,
    remote_uri:
      uri === 0
        ? `sip:+${entry.remote_digits}${domain}`
        : uri === 1
          ? `sip:${entry.remote_digits}${domain}`
          : `${uri}`,
    remote_name: entry.remote_name,
    started_at: entry.started_at,
    answered_at: entry.answered_after === null ? null : entry.started_at + entry.answered_after,
    ended_at: entry.ended_after === null ? null : entry.started_at + entry.ended_after,
    duration_ms: entry.duration_ms,
    disposition: decoded(entry.disposition, DISPOSITIONS) as CallRow['disposition'],
    cause: decoded(entry.cause, ENTRY_CODES.causes),
    dtls_state: decoded(entry.dtls_state, DTLS_STATES),
    srtp_cipher: decoded(entry.srtp_cipher, SRTP_CIPHERS),
    encryption_scope: decoded(entry.encryption_scope, ENTRY_CODES.scopes),
    sas_matched: entry.sas_matched,
  };
}

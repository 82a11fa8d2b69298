/**
 * The main process's logger. Logs never contain secrets; personal data (SIP addresses, phone numbers,
 * names, e-mail addresses) appears only at debug level, which a developer turns on for one run
 * (SOFTPHONE_LOG_LEVEL=debug). Lines go to stderr and nowhere else: nothing is written to a file, so
 * nothing of a log stays on disk.
 *
 * Redaction works on two levels: values under known keys of structured details (password, ha1, token,
 * displayName, remoteUri, ...) are replaced before they are turned into text, and the text of every line
 * (messages, error messages, stacks) is scanned for known shapes (Authorization headers, digest
 * responses, bearer tokens, JWTs, PEM blocks, long hex keys and HA1 digests, key=value secrets, SIP and
 * tel URIs, e-mail addresses, phone numbers, quoted display names).
 */

export const logLevels = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];

export const SECRET = '[secret]';
export const PERSONAL = '[personal]';

export interface Logger {
  readonly level: LogLevel;
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

export interface LoggerOptions {
  /** The lowest level written; 'info' unless a developer asks for more. */
  level?: LogLevel;
  /** Where finished (redacted) lines go; stderr by default. */
  write?(line: string, level: LogLevel): void;
  now?(): number;
}

/** The level from an environment variable such as SOFTPHONE_LOG_LEVEL; anything else is 'info'. */
export function parseLogLevel(value: string | undefined): LogLevel {
  const level = value?.trim().toLowerCase();
  return (logLevels as readonly string[]).includes(level ?? '') ? (level as LogLevel) : 'info';
}

// ------------------------------------------------------------------------------------------- keys

/** Keys are compared lower-case without separators: "access_token", "accessToken" -> "accesstoken". */
function normalKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const SECRET_KEY_ENDINGS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'ha1',
  'key',
  'authorization',
  'credential',
  'credentials',
  'cookie',
  'verifier',
  'otp',
  'totp',
  'pin',
  'signature',
];
const PERSONAL_KEY_ENDINGS = [
  'name',
  'uri',
  'number',
  'numbers',
  'phone',
  'email',
  'account',
  'user',
  'address',
  'target',
  'note',
  'organisation',
  'organization',
  'title',
  'body',
  'text',
  'search',
  'query',
];

function isSecretKey(key: string): boolean {
  const normal = normalKey(key);
  return SECRET_KEY_ENDINGS.some((ending) => normal.endsWith(ending));
}

function isPersonalKey(key: string): boolean {
  const normal = normalKey(key);
  return PERSONAL_KEY_ENDINGS.some((ending) => normal.endsWith(ending));
}

// ------------------------------------------------------------------------------------------- text

const SECRET_WORDS =
  'password|passwd|passphrase|secret|token|ha1|api[_-]?key|private[_-]?key|key|credentials?|cookie|code[_-]?verifier|otp';

type Replacement = string | ((match: string, ...groups: string[]) => string);

/** A quoted value stays quoted, so that redacted JSON is still JSON. */
function quotedLike(value: string, replacement: string): string {
  const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
  return `${quote}${replacement}${quote}`;
}

/** Shapes of secrets in free text, each with its replacement; applied in this order at every level. */
const secretPatterns: Array<[RegExp, Replacement]> = [
  // PEM blocks: private keys (and certificates with them).
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(?:-----END [A-Z0-9 ]+-----|$)/g, SECRET],
  // HTTP and SIP credentials headers, to the end of the line.
  [
    /\b((?:proxy-)?authorization|(?:www|proxy)-authenticate|set-cookie|cookie)(\s*[:=]\s*)[^\r\n]*/gi,
    `$1$2${SECRET}`,
  ],
  // Bearer and Basic credentials wherever they appear.
  [/\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${SECRET}`],
  // SIP digest parameters that prove or derive the password.
  [
    /\b(response|cnonce)(\s*=\s*)("[^"]*"|[^\s,;]+)/gi,
    (_match, name = '', separator = '', value = '') => `${name}${separator}${quotedLike(value, SECRET)}`,
  ],
  // key=value, key: value and "key": "value" for keys that end in a secret's name (access_token=...,
  // "password":"...", database-key=...).
  [
    new RegExp(
      `(["']?)\\b([\\w-]*?(?:${SECRET_WORDS}))\\1(\\s*[:=]\\s*)("(?:[^"\\\\]|\\\\.)*"|'[^']*'|[^\\s,;&}\\]]+)`,
      'gi',
    ),
    (_match, quote = '', key = '', separator = '', value = '') =>
      `${quote}${key}${quote}${separator}${quotedLike(value, SECRET)}`,
  ],
  // JSON Web Tokens (ID, access and refresh tokens of OIDC providers).
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, SECRET],
  // Hex of 32 digits and more: HA1 digests, the raw database key, hashes of secrets.
  [/\b[0-9a-f]{32,}\b/gi, SECRET],
  // Long opaque tokens: 40+ letters and digits (with - and _), at least one of each.
  [/\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{40,}\b/g, SECRET],
];

/** Shapes of personal data in free text; applied below debug level only. */
const personalPatterns: Array<[RegExp, Replacement]> = [
  // SIP headers that name the parties, to the end of the line.
  [
    /^((?:from|to|contact|p-asserted-identity|p-preferred-identity|remote-party-id|referred-by|refer-to|diversion)\s*:).*$/gim,
    `$1 ${PERSONAL}`,
  ],
  // A quoted display name in front of an address: "Erika Mustermann" <sip:...>.
  [/"[^"\r\n]*"(\s*<)/g, `"${PERSONAL}"$1`],
  // SIP and tel URIs.
  [/\b(sips?|tel):[^\s"'<>,]+/gi, `$1:${PERSONAL}`],
  // E-mail addresses.
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, PERSONAL],
  // Phone numbers: digits with the separators people write, at least six digits.
  [
    /(?<![\w.:/+-])\+?\(?\d[\d \t()/-]{4,}\d(?![\w:/-]|\.\w)/g,
    (match) => (match.replace(/\D/g, '').length >= 6 ? PERSONAL : match),
  ],
];

/** Removes secrets from a text, and personal data too unless `keepPersonal` (debug level). */
export function redactText(text: string, keepPersonal = false): string {
  const patterns = keepPersonal ? secretPatterns : [...secretPatterns, ...personalPatterns];
  let result = text;
  for (const [pattern, replacement] of patterns)
    result =
      typeof replacement === 'string'
        ? result.replace(pattern, replacement)
        : result.replace(pattern, replacement);
  return result;
}

// ------------------------------------------------------------------------------------------ values

const MAX_DEPTH = 5;

/** A value made safe to print: secret keys always replaced, personal keys below debug. */
function redactValue(value: unknown, keepPersonal: boolean, seen: WeakSet<object>, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, keepPersonal, seen, depth + 1));
  if (value instanceof Error) return describeError(value, keepPersonal, seen, depth);
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (isSecretKey(key)) result[key] = item === null || item === undefined ? item : SECRET;
    // Under a personal key, a value is replaced; an object or list is looked into (an "account" holds
    // personal and secret fields and harmless ones).
    else if (!keepPersonal && isPersonalKey(key) && (item === null || typeof item !== 'object'))
      result[key] = item === null || item === undefined || item === '' ? item : PERSONAL;
    else result[key] = redactValue(item, keepPersonal, seen, depth + 1);
  }
  return result;
}

function describeError(error: Error, keepPersonal: boolean, seen: WeakSet<object>, depth: number): string {
  // The stack starts with "Name: message"; without one, say so ourselves.
  let text = error.stack?.includes(error.message) ? error.stack : `${error.name}: ${error.message}`;
  // Own fields of an error (a code, a reason, problems of a policy), redacted by key like any detail.
  const extra: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(error)) if (key !== 'cause') extra[key] = item;
  if (Object.keys(extra).length > 0)
    text += ` ${JSON.stringify(redactValue(extra, keepPersonal, seen, depth + 1))}`;
  if (error.cause !== undefined && depth < MAX_DEPTH)
    text += `\n  caused by: ${describe(error.cause, keepPersonal, seen, depth + 1)}`;
  return text;
}

function describe(detail: unknown, keepPersonal: boolean, seen: WeakSet<object>, depth: number): string {
  if (detail instanceof Error) return describeError(detail, keepPersonal, seen, depth);
  if (typeof detail === 'string') return detail;
  if (detail === undefined) return '';
  if (typeof detail !== 'object' || detail === null) return String(detail);
  try {
    return JSON.stringify(redactValue(detail, keepPersonal, seen, depth));
  } catch {
    return '[unprintable]';
  }
}

/** One finished log line's text (without time and level): the message and its detail, redacted. */
export function formatLogText(level: LogLevel, message: string, detail?: unknown): string {
  const keepPersonal = level === 'debug';
  const described = describe(detail, keepPersonal, new WeakSet(), 0);
  return redactText(described ? `${message} ${described}` : message, keepPersonal);
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const threshold = logLevels.indexOf(level);
  const write = options.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const now = options.now ?? Date.now;
  const log = (lineLevel: LogLevel) => (message: string, detail?: unknown) => {
    if (logLevels.indexOf(lineLevel) < threshold) return;
    const text = formatLogText(lineLevel, message, detail);
    write(`${new Date(now()).toISOString()} ${lineLevel.toUpperCase()} ${text}`, lineLevel);
  };
  return { level, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

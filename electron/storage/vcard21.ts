/**
 * vCard 2.1 (Outlook desktop, many phones and SIM exports) rewritten as vCard 3.0, which ical.js reads:
 * quoted-printable values with their soft line breaks, CHARSET, bare type parameters ("TEL;CELL;VOICE:"),
 * and binary properties (PHOTO, LOGO, SOUND, KEY), which are dropped. The 2.1 specification (versit
 * Consortium, 1996) is the reference: section 2.1.3 for parameters, 2.1.4/2.1.5 for encodings and charsets.
 */

const BINARY_PROPERTIES = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY', 'AGENT']);

/** Joins the lines of a card: RFC 822 folding (a line that starts with space or tab continues the one
 * before) and quoted-printable soft breaks (a QP value whose line ends in "=" continues on the next). */
function unfold(card: string): string[] {
  const lines: string[] = [];
  for (const line of card.split(/\r\n|\r|\n/)) {
    const previous = lines.at(-1);
    if (previous !== undefined && /^[ \t]/.test(line)) lines[lines.length - 1] = previous + line.slice(1);
    else if (previous !== undefined && isQuotedPrintable(previous) && previous.endsWith('='))
      lines[lines.length - 1] = previous.slice(0, -1) + line;
    else lines.push(line);
  }
  return lines;
}

function isQuotedPrintable(line: string): boolean {
  const head = line.slice(0, line.indexOf(':'));
  return /;\s*(ENCODING=)?QUOTED-PRINTABLE\s*(;|$)/i.test(head);
}

/** The bytes of a quoted-printable value ("M=C3=BCller" -> M, 0xC3, 0xBC, l, l, e, r). */
function decodeQuotedPrintable(value: string): Uint8Array {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const hex = value[i] === '=' ? value.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      // Not an escape: the text itself, as UTF-8 (what the file was read as).
      bytes.push(...new TextEncoder().encode(value[i]!));
    }
  }
  return Uint8Array.from(bytes);
}

/** Text in the charset the property names; without one, UTF-8 where the bytes are UTF-8, else Windows-1252. */
function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  if (charset) {
    try {
      return new TextDecoder(charset).decode(bytes);
    } catch {
      // An unknown charset name: guess as below.
    }
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * A 2.1 value written for vCard 3.0: line breaks and commas escaped (a comma separates values in 3.0, not
 * in 2.1); semicolons (component separators in both) and existing escapes stay as they were.
 */
function escapeFor30(value: string): string {
  return value.replace(/\r\n|\r|\n/g, '\\n').replace(/(?<!\\),/g, '\\,');
}

/** One 2.1 property line as a 3.0 line, or null for binary content. */
function convertLine(line: string): string | null {
  const colon = line.indexOf(':');
  if (colon < 0) return line;
  const [name = '', ...parameters] = line.slice(0, colon).split(';');
  let value = line.slice(colon + 1);
  const property = name.replace(/^.*\./, '').toUpperCase();
  if (property === 'VERSION') return 'VERSION:3.0';
  const types: string[] = [];
  const kept: string[] = [];
  let encoding = '';
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [key = '', ...rest] = parameter.split('=');
    const paramValue = rest.join('=').trim();
    if (rest.length === 0 && /^(QUOTED-PRINTABLE|BASE64|8BIT|7BIT)$/i.test(key.trim()))
      encoding = key.trim().toUpperCase();
    else if (rest.length === 0) types.push(key.trim());
    else if (/^ENCODING$/i.test(key.trim())) encoding = paramValue.toUpperCase();
    else if (/^CHARSET$/i.test(key.trim())) charset = paramValue;
    else if (/^TYPE$/i.test(key.trim())) types.push(...paramValue.split(','));
    else kept.push(`${key.trim()}=${paramValue}`);
  }
  if (encoding === 'BASE64' || encoding === 'B' || BINARY_PROPERTIES.has(property)) return null;
  if (encoding === 'QUOTED-PRINTABLE') value = decodeCharset(decodeQuotedPrintable(value), charset);
  value = escapeFor30(value);
  if (types.length > 0) kept.unshift(`TYPE=${types.filter(Boolean).join(',')}`);
  return `${[name, ...kept].join(';')}:${value}`;
}

/** A vCard 2.1 card (BEGIN to END) as vCard 3.0 text. */
export function vcard21To30(card: string): string {
  return unfold(card)
    .map(convertLine)
    .filter((line): line is string => line !== null && line.trim() !== '')
    .join('\r\n');
}

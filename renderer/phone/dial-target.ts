import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { hasHiddenCharacters } from '../../shared/domain/hidden-characters';

export type DialTarget =
  | { kind: 'number'; e164: string; display: string }
  | { kind: 'extension'; digits: string }
  | { kind: 'sip'; uri: string };

export type DialError =
  'empty' | 'hiddenCharacters' | 'invalidCharacters' | 'invalidNumber' | 'invalidSipUri';

const SIP_URI = /^sips?:([^@\s:;<>"]+)@([a-z0-9.-]+|\[[0-9a-f:]+\])(:\d{1,5})?(;[^\s<>"]*)?$/i;
/** What people type or paste around numbers: spaces, dashes, dots, slashes, parentheses. */
const SEPARATORS = /[\s\-./()\u00a0\u2010-\u2015]/g;

/**
 * Reads what a person typed or pasted into the number field: national or international numbers (with
 * the default country), short extensions and service codes, or SIP URIs. Garbage is refused with a reason.
 */
export function parseDialInput(
  input: string,
  defaultCountry: string,
): { ok: true; target: DialTarget } | { ok: false; error: DialError } {
  // Before anything else: what is shown must be what is dialled (shared/domain/hidden-characters.ts).
  if (hasHiddenCharacters(input)) return { ok: false, error: 'hiddenCharacters' };
  const text = input.trim().replace(/^(tel|callto):/i, '');
  if (text === '') return { ok: false, error: 'empty' };
  if (/^sips?:/i.test(text)) {
    return SIP_URI.test(text)
      ? { ok: true, target: { kind: 'sip', uri: text } }
      : { ok: false, error: 'invalidSipUri' };
  }
  const compact = text.replace(SEPARATORS, '').replace(/^00/, '+');
  if (!/^\+?[0-9*#]+$/.test(compact)) return { ok: false, error: 'invalidCharacters' };
  // Short digit strings and service codes (*97, #31#) go to the PBX as they are.
  if (/[*#]/.test(compact) || (!compact.startsWith('+') && compact.length <= 6)) {
    return compact.startsWith('+')
      ? { ok: false, error: 'invalidNumber' }
      : { ok: true, target: { kind: 'extension', digits: compact } };
  }
  const parsed = parsePhoneNumberFromString(compact, defaultCountry as CountryCode);
  if (!parsed?.isValid()) return { ok: false, error: 'invalidNumber' };
  return { ok: true, target: { kind: 'number', e164: parsed.number, display: parsed.formatInternational() } };
}

/** Whether a target carries service codes (`*`, `#`): on many PBXes they change settings, e.g. forward calls. */
export function hasServiceCodes(text: string): boolean {
  return /[*#]/.test(text);
}

/** The SIP request URI for a target on the account's domain. */
export function targetUri(target: DialTarget, domain: string): string {
  switch (target.kind) {
    case 'sip':
      return target.uri;
    case 'extension':
      return `sip:${encodeURIComponent(target.digits)}@${domain}`;
    case 'number':
      return `sip:${target.e164}@${domain};user=phone`;
  }
}

export function targetLabel(target: DialTarget): string {
  return target.kind === 'number' ? target.display : target.kind === 'extension' ? target.digits : target.uri;
}

/**
 * What is wrong with a policy, as data: main words it for the log (English) and for the start-up error
 * (in the system's language), so that no validator's English reaches a German administrator.
 */
export type PolicyIssue =
  | { code: 'unknown-key' }
  | { code: 'unknown-registry-value'; inSubkey: boolean }
  | { code: 'wrong-type'; expected: string }
  | { code: 'https-url' }
  | { code: 'wss-url' }
  | { code: 'spki-hash' }
  | { code: 'country-code' }
  | { code: 'ice-url' }
  | { code: 'key-combination' }
  | { code: 'amr-value' }
  | { code: 'json-pointer' }
  | { code: 'sip-uri-template' }
  | { code: 'host-name' }
  | { code: 'scope-token' }
  | { code: 'parameter-name' }
  | { code: 'reserved-parameter' }
  | { code: 'tenant-id' }
  | { code: 'mail-domain' }
  | { code: 'longer-than'; other: string }
  | { code: 'too-small'; minimum: number; of: 'value' | 'length' | 'entries' }
  | { code: 'too-big'; maximum: number; of: 'value' | 'length' | 'entries' }
  | { code: 'not-allowed'; allowed: string[] }
  | { code: 'wrong-format' }
  | { code: 'unreadable'; detail: string }
  | { code: 'invalid-json'; position: number | null }
  | { code: 'invalid-plist'; detail: string }
  | { code: 'no-dictionary' }
  | { code: 'registry-query'; exitCode: number; detail: string }
  | { code: 'registry-type'; expected: string; found: string; value: string }
  | { code: 'registry-boolean'; value: string }
  | { code: 'registry-pem'; value: string }
  | { code: 'registry-json'; value: string; position: number | null };

/** A problem named by its key path, so IT sees each bad key; `where` names the store when there are several. */
export interface PolicyProblem {
  key: string;
  /** The issue in English, for logs. */
  message: string;
  /** The issue as data (every problem the app finds has one). */
  issue?: PolicyIssue;
  where?: string;
}

export type PolicyLanguage = 'en' | 'de';

const typeNames: Record<PolicyLanguage, Record<string, string>> = {
  en: { string: 'text', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object' },
  de: {
    string: 'Text',
    number: 'eine Zahl',
    boolean: 'true oder false',
    array: 'eine Liste',
    object: 'ein Objekt',
  },
};

const sizeWords = {
  en: { value: '', length: ' characters', entries: ' entries' },
  de: { value: '', length: ' Zeichen', entries: ' Einträge' },
} as const;

function quoted(values: string[]): string {
  return values.map((value) => `"${value}"`).join(', ');
}

function english(issue: PolicyIssue): string {
  switch (issue.code) {
    case 'unknown-key':
      return 'is not a known policy key';
    case 'unknown-registry-value':
      return issue.inSubkey ? 'is not a known policy value (in a subkey)' : 'is not a known policy value';
    case 'wrong-type':
      return `must be ${typeNames.en[issue.expected] ?? issue.expected}`;
    case 'https-url':
      return 'must be an https:// URL';
    case 'wss-url':
      return 'must be a wss:// URL';
    case 'spki-hash':
      return 'must be a base64 SHA-256 of a SubjectPublicKeyInfo';
    case 'country-code':
      return 'must be an ISO 3166-1 alpha-2 code such as DE';
    case 'ice-url':
      return 'must be a stun:, turn: or turns: URL';
    case 'key-combination':
      return 'must be a key combination such as CommandOrControl+Alt+Shift+A';
    case 'amr-value':
      return 'must be an amr value (1 to 32 letters, digits, - or _) such as mfa';
    case 'json-pointer':
      return 'must be a JSON Pointer (RFC 6901) such as /roles';
    case 'sip-uri-template':
      return 'must look like sip:${preferred_username}@pbx.example';
    case 'host-name':
      return 'must be a host name such as example.eu';
    case 'scope-token':
      return 'must be a scope without spaces or quotes, such as profile';
    case 'parameter-name':
      return 'must be a parameter name (lower-case letters, digits and _) such as domain_hint';
    case 'reserved-parameter':
      return 'is set by the app itself and cannot be changed';
    case 'tenant-id':
      return 'must be a tenant ID (a GUID) such as 9188040d-6c67-4c5b-b112-36a304b66dad';
    case 'mail-domain':
      return 'must be an e-mail domain such as example.eu';
    case 'longer-than':
      return `must be longer than ${issue.other}`;
    case 'too-small':
      if (issue.minimum === 1 && issue.of !== 'value') return 'must not be empty';
      return `must be at least ${issue.minimum}${sizeWords.en[issue.of]}`;
    case 'too-big':
      return `must be at most ${issue.maximum}${sizeWords.en[issue.of]}`;
    case 'not-allowed':
      return `must be one of ${quoted(issue.allowed)}`;
    case 'wrong-format':
      return 'has the wrong format';
    case 'unreadable':
      return `cannot be read: ${issue.detail}`;
    case 'invalid-json':
      return `is not valid JSON${issue.position === null ? '' : ` (at character ${issue.position})`}`;
    case 'invalid-plist':
      return `is not a readable property list: ${issue.detail}`;
    case 'no-dictionary':
      return 'does not hold a dictionary';
    case 'registry-query':
      return `reg query failed (exit code ${issue.exitCode}): ${issue.detail}`;
    case 'registry-type':
      return `must be ${issue.expected}, found ${issue.found} (value ${issue.value})`;
    case 'registry-boolean':
      return `must be REG_DWORD 1 (on) or 0 (off) (value ${issue.value})`;
    case 'registry-pem':
      return `holds text outside -----BEGIN/END CERTIFICATE----- blocks (value ${issue.value})`;
    case 'registry-json':
      return `is not valid JSON${issue.position === null ? '' : ` (at character ${issue.position})`} (value ${issue.value})`;
  }
}

function german(issue: PolicyIssue): string {
  switch (issue.code) {
    case 'unknown-key':
      return 'ist kein bekannter Richtlinienschlüssel';
    case 'unknown-registry-value':
      return issue.inSubkey
        ? 'ist kein bekannter Richtlinienwert (in einem Unterschlüssel)'
        : 'ist kein bekannter Richtlinienwert';
    case 'wrong-type':
      return `muss ${typeNames.de[issue.expected] ?? issue.expected} sein`;
    case 'https-url':
      return 'muss eine https://-Adresse sein';
    case 'wss-url':
      return 'muss eine wss://-Adresse sein';
    case 'spki-hash':
      return 'muss ein Base64-SHA-256 einer SubjectPublicKeyInfo sein';
    case 'country-code':
      return 'muss ein Ländercode nach ISO 3166-1 alpha-2 sein, etwa DE';
    case 'ice-url':
      return 'muss eine stun:-, turn:- oder turns:-Adresse sein';
    case 'key-combination':
      return 'muss eine Tastenkombination sein, etwa CommandOrControl+Alt+Shift+A';
    case 'amr-value':
      return 'muss ein amr-Wert sein (1 bis 32 Buchstaben, Ziffern, - oder _), etwa mfa';
    case 'json-pointer':
      return 'muss ein JSON Pointer (RFC 6901) sein, etwa /roles';
    case 'sip-uri-template':
      return 'muss die Form sip:${preferred_username}@pbx.example haben';
    case 'host-name':
      return 'muss ein Hostname sein, etwa example.eu';
    case 'scope-token':
      return 'muss ein Scope ohne Leerzeichen und Anführungszeichen sein, etwa profile';
    case 'parameter-name':
      return 'muss ein Parametername sein (Kleinbuchstaben, Ziffern und _), etwa domain_hint';
    case 'reserved-parameter':
      return 'setzt die App selbst; er kann nicht geändert werden';
    case 'tenant-id':
      return 'muss eine Mandanten-ID (GUID) sein, etwa 9188040d-6c67-4c5b-b112-36a304b66dad';
    case 'mail-domain':
      return 'muss eine E-Mail-Domain sein, etwa example.eu';
    case 'longer-than':
      return `muss länger sein als ${issue.other}`;
    case 'too-small':
      if (issue.minimum === 1 && issue.of !== 'value') return 'darf nicht leer sein';
      return `muss mindestens ${issue.minimum}${sizeWords.de[issue.of]} ${issue.of === 'value' ? 'sein' : 'haben'}`;
    case 'too-big':
      return `darf höchstens ${issue.maximum}${sizeWords.de[issue.of]} ${issue.of === 'value' ? 'sein' : 'haben'}`;
    case 'not-allowed':
      return `muss einer dieser Werte sein: ${quoted(issue.allowed)}`;
    case 'wrong-format':
      return 'hat das falsche Format';
    case 'unreadable':
      return `kann nicht gelesen werden: ${issue.detail}`;
    case 'invalid-json':
      return `ist kein gültiges JSON${issue.position === null ? '' : ` (bei Zeichen ${issue.position})`}`;
    case 'invalid-plist':
      return `ist keine lesbare Property List: ${issue.detail}`;
    case 'no-dictionary':
      return 'enthält kein Dictionary';
    case 'registry-query':
      return `reg query ist fehlgeschlagen (Exit-Code ${issue.exitCode}): ${issue.detail}`;
    case 'registry-type':
      return `muss ${issue.expected} sein, ist aber ${issue.found} (Wert ${issue.value})`;
    case 'registry-boolean':
      return `muss REG_DWORD 1 (an) oder 0 (aus) sein (Wert ${issue.value})`;
    case 'registry-pem':
      return `enthält Text außerhalb der Blöcke -----BEGIN/END CERTIFICATE----- (Wert ${issue.value})`;
    case 'registry-json':
      return `ist kein gültiges JSON${issue.position === null ? '' : ` (bei Zeichen ${issue.position})`} (Wert ${issue.value})`;
  }
}

/** The issue in words. */
export function describeIssue(issue: PolicyIssue, language: PolicyLanguage = 'en'): string {
  return language === 'de' ? german(issue) : english(issue);
}

/** The issue where it applies: in the store `where`, when there are several. */
export function inStore(text: string, where: string | undefined): string {
  return where === undefined ? text : `${text} (in ${where})`;
}

export function policyProblem(key: string, issue: PolicyIssue, where?: string): PolicyProblem {
  return { key, message: inStore(describeIssue(issue), where), issue, ...(where !== undefined && { where }) };
}

/** The character position a JSON.parse error names ("… at position 42"), if it names one. */
export function jsonErrorPosition(error: unknown): number | null {
  const match = /position (\d+)/.exec(String((error as Error | null)?.message ?? ''));
  return match ? Number(match[1]) : null;
}

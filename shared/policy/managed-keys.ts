import { jsonErrorPosition, policyProblem, type PolicyIssue } from './problems.js';
import type { GlobalShortcutsPolicy, PolicyFile, PolicyProblem, ProviderEndpoints } from './schema.js';

/**
 * Names under which the operating systems keep managed policy. They follow electron-builder.yml
 * (`appId`; `publisherName` and `productName` without spaces); build/policy-templates.test.ts keeps them
 * in step.
 */
export const POLICY_APP_ID = 'eu.securesoftphone.desktop';
export const POLICY_VENDOR = 'SecureSoftphone';
export const POLICY_APP = 'SecureSoftphone';
/** Under HKEY_LOCAL_MACHINE (Computer Configuration) and HKEY_CURRENT_USER (User Configuration). */
export const POLICY_REGISTRY_KEY = `Software\\Policies\\${POLICY_VENDOR}\\${POLICY_APP}`;
export const MACHINE_HIVE = 'HKEY_LOCAL_MACHINE';
export const USER_HIVE = 'HKEY_CURRENT_USER';

/**
 * How a policy key is stored in the registry:
 * - `boolean`: REG_DWORD 1 (true) or 0 (false);
 * - `number`: REG_DWORD;
 * - `string`: REG_SZ;
 * - `strings`: REG_MULTI_SZ, one list item per string (one per line in the Group Policy editor);
 * - `pem`: REG_MULTI_SZ holding the lines of one or more PEM certificates, pasted as they are;
 * - `json`: REG_SZ holding the JSON of the value (lists of objects).
 */
export type RegistryEncoding = 'boolean' | 'number' | 'string' | 'strings' | 'pem' | 'json';

type TopKey = Exclude<keyof PolicyFile, 'provider' | 'globalShortcuts'>;

export interface RegistryMapping {
  /** The key in PolicyFile: one name, or an object key and a field (the nested object is flattened). */
  path:
    | readonly [TopKey]
    | readonly ['provider', keyof ProviderEndpoints]
    | readonly ['globalShortcuts', keyof GlobalShortcutsPolicy];
  /** The registry value name under POLICY_REGISTRY_KEY. */
  valueName: string;
  encoding: RegistryEncoding;
}

/** The one table between PolicyFile keys and registry values: the ADMX generator and the loader use it. */
export const registryMappings: readonly RegistryMapping[] = [
  { path: ['provider', 'issuer'], valueName: 'ProviderIssuer', encoding: 'string' },
  { path: ['provider', 'clientId'], valueName: 'ProviderClientId', encoding: 'string' },
  { path: ['provider', 'wssUrl'], valueName: 'ProviderWssUrl', encoding: 'string' },
  { path: ['provider', 'apiBaseUrl'], valueName: 'ProviderApiBaseUrl', encoding: 'string' },
  { path: ['provider', 'kind'], valueName: 'ProviderKind', encoding: 'string' },
  { path: ['provider', 'clientSecret'], valueName: 'ProviderClientSecret', encoding: 'string' },
  { path: ['provider', 'scopes'], valueName: 'ProviderScopes', encoding: 'strings' },
  {
    path: ['provider', 'authorizationParameters'],
    valueName: 'ProviderAuthorizationParameters',
    encoding: 'json',
  },
  { path: ['provider', 'roleClaims'], valueName: 'ProviderRoleClaims', encoding: 'strings' },
  { path: ['provider', 'adminRoles'], valueName: 'ProviderAdminRoles', encoding: 'strings' },
  {
    path: ['provider', 'rolesFromAccessToken'],
    valueName: 'ProviderRolesFromAccessToken',
    encoding: 'boolean',
  },
  { path: ['provider', 'admins'], valueName: 'ProviderAdmins', encoding: 'strings' },
  { path: ['provider', 'tenants'], valueName: 'ProviderTenants', encoding: 'strings' },
  { path: ['provider', 'hostedDomain'], valueName: 'ProviderHostedDomain', encoding: 'string' },
  { path: ['provider', 'loopbackPorts'], valueName: 'ProviderLoopbackPorts', encoding: 'json' },
  { path: ['provider', 'sipAccount'], valueName: 'ProviderSipAccount', encoding: 'json' },
  { path: ['signInMethods'], valueName: 'SignInMethods', encoding: 'strings' },
  { path: ['companyDomains'], valueName: 'CompanyDomains', encoding: 'strings' },
  { path: ['requireMfa'], valueName: 'RequireMfa', encoding: 'boolean' },
  { path: ['mfa'], valueName: 'Mfa', encoding: 'json' },
  { path: ['idleLockMinutes'], valueName: 'IdleLockMinutes', encoding: 'number' },
  { path: ['sessionMaxAgeHours'], valueName: 'SessionMaxAgeHours', encoding: 'number' },
  { path: ['historyRetentionDays'], valueName: 'HistoryRetentionDays', encoding: 'number' },
  { path: ['auditRetentionDays'], valueName: 'AuditRetentionDays', encoding: 'number' },
  { path: ['allowManualSipAccount'], valueName: 'AllowManualSipAccount', encoding: 'boolean' },
  { path: ['pinnedSpkiSha256'], valueName: 'PinnedSpkiSha256', encoding: 'strings' },
  { path: ['extraCaCertificates'], valueName: 'ExtraCaCertificates', encoding: 'pem' },
  { path: ['defaultCountry'], valueName: 'DefaultCountry', encoding: 'string' },
  { path: ['language'], valueName: 'Language', encoding: 'string' },
  { path: ['updateChannel'], valueName: 'UpdateChannel', encoding: 'string' },
  { path: ['updateUrl'], valueName: 'UpdateUrl', encoding: 'string' },
  { path: ['updatesDisabled'], valueName: 'UpdatesDisabled', encoding: 'boolean' },
  { path: ['allowExport'], valueName: 'AllowExport', encoding: 'boolean' },
  { path: ['allowDelete'], valueName: 'AllowDelete', encoding: 'boolean' },
  { path: ['iceServers'], valueName: 'IceServers', encoding: 'json' },
  { path: ['runInBackground'], valueName: 'RunInBackground', encoding: 'boolean' },
  { path: ['startAtLogin'], valueName: 'StartAtLogin', encoding: 'boolean' },
  { path: ['globalShortcuts', 'enabled'], valueName: 'GlobalShortcutsEnabled', encoding: 'boolean' },
  { path: ['globalShortcuts', 'answer'], valueName: 'GlobalShortcutAnswer', encoding: 'string' },
  { path: ['globalShortcuts', 'hangup'], valueName: 'GlobalShortcutHangUp', encoding: 'string' },
  { path: ['globalShortcuts', 'mute'], valueName: 'GlobalShortcutMute', encoding: 'string' },
  { path: ['allowDevTools'], valueName: 'AllowDevTools', encoding: 'boolean' },
  { path: ['allowTransferByFarEnd'], valueName: 'AllowTransferByFarEnd', encoding: 'boolean' },
  { path: ['mediaTimeoutSeconds'], valueName: 'MediaTimeoutSeconds', encoding: 'number' },
  { path: ['mediaHangupSeconds'], valueName: 'MediaHangupSeconds', encoding: 'number' },
  { path: ['openExternalAllowList'], valueName: 'OpenExternalAllowList', encoding: 'strings' },
];

/** A registry value as `reg query` shows it, with its data decoded by type. */
export type RegistryValue =
  | { type: 'REG_DWORD'; data: number }
  | { type: 'REG_SZ'; data: string }
  | { type: 'REG_MULTI_SZ'; data: string[] }
  | { type: 'other'; regType: string; data: string };

const expectedType: Record<RegistryEncoding, RegistryValue['type']> = {
  boolean: 'REG_DWORD',
  number: 'REG_DWORD',
  string: 'REG_SZ',
  strings: 'REG_MULTI_SZ',
  pem: 'REG_MULTI_SZ',
  json: 'REG_SZ',
};

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function typeName(value: RegistryValue): string {
  return value.type === 'other' ? value.regType : value.type;
}

function decode(
  mapping: RegistryMapping,
  value: RegistryValue,
): { value: unknown } | { problem: PolicyIssue } {
  const wanted = expectedType[mapping.encoding];
  const name = mapping.valueName;
  if (value.type !== wanted)
    return { problem: { code: 'registry-type', expected: wanted, found: typeName(value), value: name } };
  switch (mapping.encoding) {
    case 'boolean':
      if (value.data === 0 || value.data === 1) return { value: value.data === 1 };
      return { problem: { code: 'registry-boolean', value: name } };
    case 'number':
    case 'string':
    case 'strings':
      return { value: value.data };
    case 'pem': {
      const text = (value.data as string[]).join('\n');
      const certificates = (text.match(PEM_BLOCK) ?? []).map((block) => `${block}\n`);
      if (text.replace(PEM_BLOCK, '').trim() !== '') {
        return { problem: { code: 'registry-pem', value: name } };
      }
      return { value: certificates };
    }
    case 'json':
      try {
        return { value: JSON.parse(value.data as string) };
      } catch (error) {
        return { problem: { code: 'registry-json', value: name, position: jsonErrorPosition(error) } };
      }
  }
}

export interface RegistryDecodeResult {
  /** The values as an (unvalidated) PolicyFile object: parsePolicy checks it. */
  raw: Record<string, unknown>;
  /** Values of the wrong type or unknown names, each named by its policy key. */
  problems: PolicyProblem[];
}

/** Registry values (by value name, case-insensitive as in the registry) to a PolicyFile object. */
export function policyFromRegistryValues(values: ReadonlyMap<string, RegistryValue>): RegistryDecodeResult {
  const raw: Record<string, unknown> = {};
  const problems: PolicyProblem[] = [];
  for (const [name, value] of values) {
    const mapping = registryMappings.find((m) => m.valueName.toLowerCase() === name.toLowerCase());
    if (!mapping) {
      problems.push(policyProblem(name, { code: 'unknown-registry-value', inSubkey: false }));
      continue;
    }
    const decoded = decode(mapping, value);
    if ('problem' in decoded) {
      problems.push(policyProblem(mapping.path.join('.'), decoded.problem));
      continue;
    }
    const [top, field] = mapping.path;
    if (field === undefined) raw[top] = decoded.value;
    else raw[top] = { ...(raw[top] as Record<string, unknown> | undefined), [field]: decoded.value };
  }
  return { raw, problems };
}

/** The inverse: a policy as the registry values an administrator (or Group Policy) would set. */
export function registryValuesFromPolicy(policy: PolicyFile): Map<string, RegistryValue> {
  const values = new Map<string, RegistryValue>();
  for (const mapping of registryMappings) {
    const [top, field] = mapping.path;
    const container: unknown = policy[top];
    const value: unknown =
      field === undefined ? container : (container as Record<string, unknown> | undefined)?.[field];
    // null (keep history) is the default, and the registry has no null: leave the value out.
    if (value === undefined || value === null) continue;
    values.set(mapping.valueName, encode(mapping.encoding, value));
  }
  return values;
}

function encode(encoding: RegistryEncoding, value: unknown): RegistryValue {
  switch (encoding) {
    case 'boolean':
      return { type: 'REG_DWORD', data: value ? 1 : 0 };
    case 'number':
      return { type: 'REG_DWORD', data: value as number };
    case 'string':
      return { type: 'REG_SZ', data: value as string };
    case 'strings':
      return { type: 'REG_MULTI_SZ', data: [...(value as string[])] };
    case 'pem':
      return {
        type: 'REG_MULTI_SZ',
        data: (value as string[]).flatMap((pem) => pem.split(/\r?\n/).filter((line) => line !== '')),
      };
    case 'json':
      return { type: 'REG_SZ', data: JSON.stringify(value) };
  }
}

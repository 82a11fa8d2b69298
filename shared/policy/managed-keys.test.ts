import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  policyFromRegistryValues,
  registryMappings,
  registryValuesFromPolicy,
  type RegistryValue,
} from './managed-keys.js';
import {
  GlobalShortcutsPolicy,
  parsePolicy,
  PolicyFile,
  ProviderEndpoints,
  type PolicyFile as PolicyFileType,
} from './schema.js';

const PEM = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBnTCCAUOgAwIBAgIUe5rH5yNYHVcjjVD/kRrRaRQPl7UwCgYIKoZIzj0EAwIw',
  'hkjOPQQDAgNIADBFAiEAqe3c+zR8Kp3ag90qknXkH2jbFYb74scVq8aEtNMG/cwC',
  '-----END CERTIFICATE-----',
  '',
].join('\n');

const everyKey: PolicyFileType = {
  provider: {
    issuer: 'https://login.provider.example',
    clientId: 'secure-softphone',
    wssUrl: 'wss://sip.provider.example:7443',
    apiBaseUrl: 'https://api.provider.example',
    kind: 'entra',
    clientSecret: 'not-a-secret',
    scopes: ['api://softphone/calls'],
    authorizationParameters: { domain_hint: 'example.eu' },
    roleClaims: ['/roles', '/groups'],
    adminRoles: ['Softphone.Admin'],
    rolesFromAccessToken: false,
    admins: ['it@example.eu'],
    tenants: ['9188040d-6c67-4c5b-b112-36a304b66dad'],
    hostedDomain: 'example.eu',
    loopbackPorts: [47613, 47614],
    sipAccount: { uri: 'sip:${preferred_username:localpart}@pbx.example.eu' },
  },
  signInMethods: ['company', 'provider'],
  companyDomains: ['example.eu'],
  requireMfa: true,
  mfa: { amr: ['mfa', 'otp'], acr: ['c1'], enforcedByIdp: true },
  idleLockMinutes: 10,
  sessionMaxAgeHours: 8,
  historyRetentionDays: 90,
  auditRetentionDays: 365,
  allowManualSipAccount: false,
  pinnedSpkiSha256: ['47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='],
  extraCaCertificates: [PEM, PEM.replace('MIIB', 'MIIC')],
  defaultCountry: 'DE',
  language: 'de',
  updateChannel: 'beta',
  updateUrl: 'https://updates.provider.example/softphone',
  updatesDisabled: false,
  allowExport: true,
  allowDelete: false,
  iceServers: [{ urls: ['turns:turn.provider.example:443'], username: 'u', credential: 'p' }],
  runInBackground: false,
  startAtLogin: true,
  globalShortcuts: { enabled: true, answer: 'F13', hangup: 'CmdOrCtrl+Shift+H', mute: 'MediaPlayPause' },
  allowDevTools: true,
  allowTransferByFarEnd: false,
  mediaTimeoutSeconds: 8,
  mediaHangupSeconds: 45,
  openExternalAllowList: ['login.partner.example'],
};

describe('the registry mapping table', () => {
  it('maps every policy key exactly once, the provider and the global shortcuts flattened', () => {
    const schemaKeys = [
      ...Object.keys(PolicyFile.shape)
        .filter((key) => key !== 'provider' && key !== 'globalShortcuts')
        .map((key) => key),
      ...Object.keys(ProviderEndpoints.shape).map((key) => `provider.${key}`),
      ...Object.keys(GlobalShortcutsPolicy.shape).map((key) => `globalShortcuts.${key}`),
    ].sort();
    expect(registryMappings.map((m) => m.path.join('.')).sort()).toEqual(schemaKeys);
    expect(parsePolicy(everyKey).ok).toBe(true);
    expect(Object.keys(everyKey).sort()).toEqual(Object.keys(PolicyFile.shape).sort());
  });

  it('uses unique PascalCase value names', () => {
    const names = registryMappings.map((m) => m.valueName);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Z][A-Za-z0-9]+$/);
  });

  it('stores each key with an encoding that fits its schema type', () => {
    const schema = z.toJSONSchema(PolicyFile) as { properties: Record<string, Record<string, unknown>> };
    for (const mapping of registryMappings) {
      const [top, field] = mapping.path;
      let property = schema.properties[top]!;
      if (field) property = (property.properties as Record<string, Record<string, unknown>>)[field]!;
      const type = property.type ?? (property.anyOf as { type: string }[])[0]!.type;
      const items = property.items as { type: string } | undefined;
      const expected = {
        boolean: ['boolean'],
        integer: ['number'],
        string: ['string'],
        // Lists of objects or numbers as JSON: registry strings would not read back as numbers.
        array: items?.type === 'string' ? ['strings', 'pem'] : ['json'],
        object: ['json'],
      }[type as string];
      expect(expected, mapping.path.join('.')).toContain(mapping.encoding);
    }
  });

  it('turns a policy into registry values and back unchanged', () => {
    const values = registryValuesFromPolicy(everyKey);
    expect(values.get('RequireMfa')).toEqual({ type: 'REG_DWORD', data: 1 });
    expect(values.get('UpdatesDisabled')).toEqual({ type: 'REG_DWORD', data: 0 });
    expect(values.get('IdleLockMinutes')).toEqual({ type: 'REG_DWORD', data: 10 });
    expect(values.get('ProviderIssuer')).toEqual({ type: 'REG_SZ', data: 'https://login.provider.example' });
    expect(values.get('SignInMethods')).toEqual({ type: 'REG_MULTI_SZ', data: ['company', 'provider'] });
    expect(values.get('IceServers')?.type).toBe('REG_SZ');
    // Two certificates as the lines an administrator pastes into the multi-line box.
    expect(values.get('ExtraCaCertificates')).toEqual({
      type: 'REG_MULTI_SZ',
      data: [...PEM.split('\n').filter(Boolean), ...PEM.replace('MIIB', 'MIIC').split('\n').filter(Boolean)],
    });
    expect(policyFromRegistryValues(values)).toEqual({ raw: everyKey, problems: [] });
  });

  it('leaves null out (the registry has none) and reads value names case-insensitively', () => {
    expect(registryValuesFromPolicy({ historyRetentionDays: null }).size).toBe(0);
    const values = new Map<string, RegistryValue>([['requiremfa', { type: 'REG_DWORD', data: 0 }]]);
    expect(policyFromRegistryValues(values)).toEqual({ raw: { requireMfa: false }, problems: [] });
  });

  it('names the policy key of a value with the wrong type or unreadable content', () => {
    const values = new Map<string, RegistryValue>([
      ['IdleLockMinutes', { type: 'other', regType: 'REG_QWORD', data: '0x5' }],
      ['IceServers', { type: 'REG_SZ', data: '[{' }],
      ['ExtraCaCertificates', { type: 'REG_MULTI_SZ', data: ['MIIBnTCC'] }],
      ['RequireMfa', { type: 'REG_DWORD', data: 7 }],
      ['Colour', { type: 'REG_SZ', data: 'red' }],
    ]);
    const { raw, problems } = policyFromRegistryValues(values);
    expect(raw).toEqual({});
    expect(problems).toMatchObject([
      { key: 'idleLockMinutes', message: 'must be REG_DWORD, found REG_QWORD (value IdleLockMinutes)' },
      {
        key: 'iceServers',
        message: expect.stringMatching(/^is not valid JSON \(at character \d+\) \(value IceServers\)$/),
      },
      {
        key: 'extraCaCertificates',
        message: 'holds text outside -----BEGIN/END CERTIFICATE----- blocks (value ExtraCaCertificates)',
      },
      { key: 'requireMfa', message: 'must be REG_DWORD 1 (on) or 0 (off) (value RequireMfa)' },
      { key: 'Colour', message: 'is not a known policy value' },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { describeIssue } from './problems.js';
import { parsePolicy, resolvePolicy } from './schema.js';

describe('policy schema', () => {
  it('accepts a complete provider policy and fills defaults', () => {
    const parsed = parsePolicy({
      provider: {
        issuer: 'https://login.example.eu',
        clientId: 'softphone',
        wssUrl: 'wss://sip.example.eu:7443',
        apiBaseUrl: 'https://api.example.eu',
      },
      defaultCountry: 'AT',
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const policy = resolvePolicy(parsed.policy);
    expect(policy.requireMfa).toBe(true);
    expect(policy.idleLockMinutes).toBe(15);
    expect(policy.historyRetentionDays).toBeNull();
    expect(policy.defaultCountry).toBe('AT');
  });

  it('names each bad key', () => {
    const parsed = parsePolicy({
      provider: {
        issuer: 'http://login.example.eu',
        clientId: '',
        wssUrl: 'ws://sip.example.eu',
        apiBaseUrl: 'https://a.example',
      },
      idleLockMinutes: 0,
      colour: 'red',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.key).sort()).toEqual(
      ['colour', 'idleLockMinutes', 'provider.clientId', 'provider.issuer', 'provider.wssUrl'].sort(),
    );
  });

  it('refuses anything but wss:// for SIP signalling', () => {
    for (const wssUrl of ['ws://sip.example.eu', 'sip:sip.example.eu', 'https://sip.example.eu', 'wss//x']) {
      const parsed = parsePolicy({
        provider: { issuer: 'https://l.example', clientId: 'c', wssUrl, apiBaseUrl: 'https://a.example' },
      });
      expect(parsed.ok, wssUrl).toBe(false);
    }
  });

  it('rejects a non-object policy', () => {
    for (const raw of [null, 'x', 3, []]) expect(parsePolicy(raw).ok).toBe(false);
  });

  it('says what is wrong with each sign-in setting in its own words, in English and German', () => {
    const parsed = parsePolicy({
      provider: {
        issuer: 'https://login.example.eu',
        clientId: 'softphone',
        wssUrl: 'wss://sip.example.eu',
        kind: 'entra',
        scopes: ['two words'],
        authorizationParameters: { 'Domain-Hint': 'x', code_challenge: 'x' },
        roleClaims: ['roles'],
        tenants: ['contoso'],
        hostedDomain: 'not a host',
        sipAccount: { uri: 'alice@pbx.example' },
      },
      companyDomains: ['example'],
      mfa: { amr: ['two factors'] },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const byKey = new Map(parsed.problems.map((problem) => [problem.key, problem]));
    const expected: Record<string, string> = {
      'provider.scopes.0': 'scope-token',
      'provider.authorizationParameters.Domain-Hint': 'parameter-name',
      'provider.authorizationParameters.code_challenge': 'reserved-parameter',
      'provider.roleClaims.0': 'json-pointer',
      'provider.tenants.0': 'tenant-id',
      'provider.hostedDomain': 'host-name',
      'provider.sipAccount.uri': 'sip-uri-template',
      'companyDomains.0': 'mail-domain',
      'mfa.amr.0': 'amr-value',
    };
    for (const [key, code] of Object.entries(expected)) {
      const problem = byKey.get(key);
      expect(problem?.issue, key).toEqual({ code });
      expect(problem?.message, key).toBe(describeIssue(problem!.issue!));
      const german = describeIssue(problem!.issue!, 'de');
      expect(german, key).not.toBe(describeIssue({ code: 'wrong-format' }, 'de'));
      expect(german, key).not.toBe(problem!.message);
    }
  });
});

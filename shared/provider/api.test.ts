import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SipCredentials } from './api.js';

const openapi = parse(readFileSync(new URL('./provider-api.openapi.yaml', import.meta.url), 'utf8'));

describe('provider API', () => {
  it('documents every path the app calls', () => {
    expect(Object.keys(openapi.paths).sort()).toEqual([
      '/v1/audit-events',
      '/v1/sip-credentials',
      '/v1/status',
    ]);
    expect(openapi.components.schemas.SipCredentials.required).toEqual([
      'wssUrl',
      'sipUri',
      'authorizationUser',
      'realm',
      'expiresAt',
    ]);
  });

  it('accepts HA1 credentials and refuses ws://, both or neither secret', () => {
    const base = {
      wssUrl: 'wss://sip.example.eu:7443',
      sipUri: 'sip:alice@example.eu',
      authorizationUser: 'alice',
      realm: 'example.eu',
      expiresAt: '2026-11-24T20:00:00Z',
    };
    expect(SipCredentials.safeParse({ ...base, ha1: 'a'.repeat(32) }).success).toBe(true);
    expect(
      SipCredentials.safeParse({ ...base, wssUrl: 'ws://sip.example.eu', ha1: 'a'.repeat(32) }).success,
    ).toBe(false);
    expect(SipCredentials.safeParse({ ...base, ha1: 'a'.repeat(32), password: 'x' }).success).toBe(false);
    expect(SipCredentials.safeParse(base).success).toBe(false);
  });
});

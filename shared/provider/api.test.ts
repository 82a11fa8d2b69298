import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ServiceStatus, SipCredentials } from './api.js';

/** A JSON Schema without what only one side writes down (prose, defaults, the regex zod gives dates). */
function structure(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(structure);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !['description', 'default', 'pattern', '$schema'].includes(key))
      .map(([key, value]) => [key, structure(value)]),
  );
}

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

  it('describes the status summary exactly as the app validates it', () => {
    expect(structure(openapi.components.schemas.ServiceStatus)).toEqual(
      structure(z.toJSONSchema(ServiceStatus, { io: 'input' })),
    );
    expect(openapi.paths['/v1/status'].get.security).toEqual([]);
  });

  it('takes a status with maintenance and a status page, and refuses nonsense', () => {
    const status = {
      status: 'degraded',
      incidents: [
        {
          id: 'i1',
          title: 'Calls to mobile networks fail',
          status: 'identified',
          startedAt: '2026-12-06T09:00:00Z',
        },
      ],
      maintenance: [
        { id: 'm1', title: 'Edge update', startsAt: '2026-12-07T01:00:00Z', endsAt: '2026-12-07T02:00:00Z' },
      ],
      pageUrl: 'https://status.provider.example/',
    };
    expect(ServiceStatus.parse(status)).toEqual(status);
    expect(ServiceStatus.parse({ status: 'operational', incidents: [] }).maintenance).toEqual([]);
    for (const nonsense of [
      { ...status, status: 'fine' },
      { ...status, pageUrl: 'http://status.provider.example/' },
      { ...status, pageUrl: 'javascript:alert(1)' },
      { ...status, incidents: [{ ...status.incidents[0], title: 'x'.repeat(301) }] },
      { ...status, incidents: Array.from({ length: 51 }, () => status.incidents[0]) },
      { ...status, maintenance: [{ ...status.maintenance[0], endsAt: '2026-12-07T00:00:00Z' }] },
      { status: 'operational' },
      [],
      'operational',
    ])
      expect(ServiceStatus.safeParse(nonsense).success).toBe(false);
  });
});

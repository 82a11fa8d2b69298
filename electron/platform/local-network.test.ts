import { lookup } from 'node:dns/promises';
import { describe, expect, it } from 'vitest';
import {
  addressSpaceOf,
  addressSpacesOf,
  createLocalNetworkGate,
  decideLocalNetworkPermission,
  type LookupAll,
} from './local-network.js';
import { APP_ENTRY_URL, APP_ORIGIN } from './origin.js';

/** A resolver with fixed answers, as a company DNS would give them. */
const companyDns: LookupAll = async (host) => {
  const answers: Record<string, string[]> = {
    'sip.corp.example': ['10.20.0.5'],
    'api.provider.example': ['203.0.113.10'],
    'sip.provider.example': ['198.51.100.7', '2001:db8::7'],
  };
  const found = answers[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address }));
};

describe('address spaces', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.5.6.7', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'local'],
    ['172.16.0.1', 'local'],
    ['172.31.255.254', 'local'],
    ['192.168.178.20', 'local'],
    ['169.254.10.1', 'local'],
    ['100.64.0.1', 'local'],
    ['fd12:3456::1', 'local'],
    ['fe80::1', 'local'],
    ['::ffff:192.168.1.1', 'local'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['2001:db8::1', 'public'],
  ] as const)('%s is %s', (ip, space) => expect(addressSpaceOf(ip)).toBe(space));

  it('resolves host names; literal addresses and localhost need no lookup; unknown hosts count as nothing', async () => {
    expect(
      await addressSpacesOf(['wss://sip.corp.example:7443', 'https://api.provider.example'], companyDns),
    ).toEqual(new Set(['local', 'public']));
    expect(await addressSpacesOf(['wss://127.0.0.1:7443', 'wss://[::1]:8443'], companyDns)).toEqual(
      new Set(['loopback']),
    );
    expect(await addressSpacesOf(['wss://localhost:7443'], companyDns)).toEqual(new Set(['loopback']));
    expect(await addressSpacesOf(['wss://nowhere.invalid', 'not a url'], companyDns)).toEqual(new Set());
  });

  it('classifies what the system resolver answers for localhost as loopback', async () => {
    const addresses = await lookup('localhost', { all: true });
    expect(addresses.length).toBeGreaterThan(0);
    for (const { address } of addresses) expect(addressSpaceOf(address), address).toBe('loopback');
  });
});

describe('Local Network Access decisions', () => {
  const local = new Set(['local'] as const);
  const loopback = new Set(['loopback'] as const);
  const publicOnly = new Set(['public'] as const);

  it('grants the local-network permissions to the app for an on-premises SIP edge', () => {
    expect(decideLocalNetworkPermission('local-network', APP_ENTRY_URL, local)).toBe(true);
    expect(decideLocalNetworkPermission('local-network-access', APP_ORIGIN, local)).toBe(true);
    // Only the space the endpoints are in.
    expect(decideLocalNetworkPermission('loopback-network', APP_ENTRY_URL, local)).toBe(false);
    expect(decideLocalNetworkPermission('loopback-network', APP_ENTRY_URL, loopback)).toBe(true);
  });

  it('grants nothing when every endpoint is public', () => {
    for (const permission of ['local-network-access', 'local-network', 'loopback-network'] as const)
      expect(decideLocalNetworkPermission(permission, APP_ENTRY_URL, publicOnly)).toBe(false);
  });

  it('grants nothing to any other origin', () => {
    for (const origin of ['https://evil.example', 'app://other/index.html', 'file:///index.html'])
      expect(decideLocalNetworkPermission('local-network', origin, local)).toBe(false);
  });

  it('the gate resolves the current endpoints on a request, and checks use the last answer', async () => {
    let endpoints = ['wss://sip.provider.example:7443'];
    const gate = createLocalNetworkGate(async () => endpoints, companyDns);
    expect(await gate.request('local-network', APP_ENTRY_URL)).toBe(false);
    expect(gate.check('local-network', APP_ORIGIN)).toBe(false);
    // IT moves the SIP edge on premises (or the person saves a manual account there).
    endpoints = ['wss://sip.corp.example:7443'];
    expect(gate.check('local-network', APP_ORIGIN)).toBe(false);
    expect(await gate.request('local-network', APP_ENTRY_URL)).toBe(true);
    expect(gate.check('local-network', APP_ORIGIN)).toBe(true);
  });
});

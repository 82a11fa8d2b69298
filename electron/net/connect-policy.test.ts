import { describe, expect, it } from 'vitest';
import type { SipAccountState } from '../../shared/domain/sip-account.js';
import { createConnectPolicy } from './connect-policy.js';

const provider = {
  issuer: 'https://login.provider.example',
  clientId: 'softphone',
  wssUrl: 'wss://sip.provider.example:7443/ws',
  apiBaseUrl: 'https://api.provider.example',
};

function account(wssUrl: string, source: 'manual' | 'provisioned' = 'manual'): SipAccountState {
  return {
    account: { displayName: 'A', sipUri: 'sip:a@example.eu', authorizationUser: 'a', wssUrl },
    source,
    manualAllowed: true,
  };
}

describe('connect-src of the app pages', () => {
  it('names the provider’s edge and the account’s, nothing else', () => {
    let policy: { provider: typeof provider | null } = { provider };
    const connect = createConnectPolicy({ policy: () => policy });
    expect(connect.origins()).toEqual(['wss://sip.provider.example:7443']);
    connect.accountChanged(account('wss://edge.provider.example/ws', 'provisioned'));
    expect(connect.origins()).toEqual(['wss://sip.provider.example:7443', 'wss://edge.provider.example']);
    expect(connect.contentSecurityPolicy()).toContain(
      "connect-src 'self' wss://sip.provider.example:7443 wss://edge.provider.example;",
    );

    // Manual accounts only: the saved account's server, and with none saved, no server at all.
    policy = { provider: null };
    connect.accountChanged(account('wss://pbx.example.eu:8089/ws'));
    expect(connect.origins()).toEqual(['wss://pbx.example.eu:8089']);
    connect.accountChanged({ account: null, source: null, manualAllowed: true });
    expect(connect.origins()).toEqual([]);
    expect(connect.contentSecurityPolicy()).toContain("connect-src 'self';");
  });
});

import { describe, expect, it } from 'vitest';
import type { ProviderEndpoints } from '../../shared/policy/schema.js';
import { DEFAULT_FIXED_LOOPBACK_PORTS, type IdpKind } from '../../shared/provider/idp-kinds.js';
import { idpSettingsOf, requestedScopes } from './idp-settings.js';

const provider = (kind: IdpKind, extra: Partial<ProviderEndpoints> = {}): ProviderEndpoints => ({
  issuer: 'https://idp.example',
  clientId: 'app',
  wssUrl: 'wss://sip.example',
  kind,
  ...extra,
});

describe('IdP kinds', () => {
  it("asks each kind's documented scopes, where the issuer lists them", () => {
    const scopes = (kind: IdpKind, supported?: string[]) =>
      requestedScopes(idpSettingsOf(provider(kind)), supported);
    expect(scopes('broker')).toEqual(['openid', 'email', 'profile', 'offline_access']);
    expect(scopes('google')).toEqual(['openid', 'email', 'profile']);
    expect(scopes('keycloak')).toEqual(['openid', 'email', 'profile']);
    expect(scopes('okta')).toEqual(['openid', 'email', 'profile', 'offline_access', 'groups']);
    expect(scopes('entra')).toEqual(['openid', 'profile', 'email', 'offline_access']);
    // An issuer without offline_access or groups: not asked for (they would fail the sign-in).
    expect(scopes('okta', ['openid', 'email', 'profile'])).toEqual(['openid', 'email', 'profile']);
    expect(scopes('generic', [])).toEqual(['openid']);
  });

  it("always asks the policy's extra scopes", () => {
    const settings = idpSettingsOf(provider('auth0', { scopes: ['read:calls', 'openid'] }));
    expect(requestedScopes(settings, ['openid'])).toEqual(['openid', 'read:calls']);
  });

  it('Google: offline access by parameter, its hd hint, and a client secret', () => {
    const settings = idpSettingsOf(
      provider('google', { hostedDomain: 'example.eu', clientSecret: 'GOCSPX-x' }),
    );
    expect(settings.authorizationParameters).toEqual({
      access_type: 'offline',
      prompt: 'consent',
      hd: 'example.eu',
    });
    expect(settings.clientSecret).toBe('GOCSPX-x');
    expect(settings.roleClaims).toEqual([]);
    expect(settings.neverEmitsMfaEvidence).toBe(true);
  });

  it('the policy adds authorization parameters and replaces claim paths and ports', () => {
    const settings = idpSettingsOf(
      provider('okta', {
        authorizationParameters: { prompt: 'login', audience: 'api://x' },
        roleClaims: ['/roles'],
        loopbackPorts: [50001],
      }),
    );
    expect(settings.authorizationParameters).toEqual({ prompt: 'login', audience: 'api://x' });
    expect(settings.roleClaims).toEqual(['/roles']);
    expect(settings.loopbackPorts).toEqual([50001]);
    expect(idpSettingsOf(provider('okta')).loopbackPorts).toEqual(DEFAULT_FIXED_LOOPBACK_PORTS);
    expect(idpSettingsOf(provider('keycloak')).loopbackPorts).toEqual([]);
  });

  it('Keycloak reads roles from the access token by default; others only when policy says so', () => {
    expect(idpSettingsOf(provider('keycloak')).rolesFromAccessToken).toBe(true);
    expect(idpSettingsOf(provider('keycloak', { rolesFromAccessToken: false })).rolesFromAccessToken).toBe(
      false,
    );
    expect(idpSettingsOf(provider('generic')).rolesFromAccessToken).toBe(false);
    expect(idpSettingsOf(provider('broker')).sendsIdpHint).toBe(true);
    expect(idpSettingsOf(provider('generic')).sendsIdpHint).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { idpSettingsOf } from './idp-settings.js';
import { alternativeIssuer, isAllowedAuthorizationUrl, organisationAllowed } from './issuer-rules.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER = '9188040d-6c67-4c5b-b112-36a304b66dad';
const TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const base = { clientId: 'app', wssUrl: 'wss://sip.example' };
const entra = (tenants?: string[]) =>
  idpSettingsOf({
    ...base,
    issuer: 'https://login.microsoftonline.com/organizations/v2.0',
    kind: 'entra',
    tenants,
  });
const google = (hostedDomain?: string) =>
  idpSettingsOf({ ...base, issuer: 'https://accounts.google.com', kind: 'google', hostedDomain });

describe('issuer rules per kind', () => {
  it("Entra multi-tenant: the template with the token's own tenant", () => {
    const iss = `https://login.microsoftonline.com/${TENANT}/v2.0`;
    expect(alternativeIssuer(entra([TENANT]), TEMPLATE, { iss, tid: TENANT })).toBe(iss);
    // Another tenant's issuer than the token's tid, a tid that is no tenant ID, no template: no.
    expect(alternativeIssuer(entra([TENANT]), TEMPLATE, { iss, tid: OTHER })).toBeNull();
    expect(
      alternativeIssuer(entra([TENANT]), TEMPLATE, {
        iss: 'https://login.microsoftonline.com/x/v2.0',
        tid: 'x',
      }),
    ).toBeNull();
    expect(
      alternativeIssuer(entra([TENANT]), `https://login.microsoftonline.com/${OTHER}/v2.0`, {
        iss,
        tid: TENANT,
      }),
    ).toBeNull();
    // Only for Entra.
    expect(alternativeIssuer(google(), TEMPLATE, { iss, tid: TENANT })).toBeNull();
  });

  it('Google: accounts.google.com with or without https://, nothing else', () => {
    expect(alternativeIssuer(google(), 'https://accounts.google.com', { iss: 'accounts.google.com' })).toBe(
      'accounts.google.com',
    );
    expect(
      alternativeIssuer(google(), 'https://accounts.google.com', { iss: 'https://evil.example' }),
    ).toBeNull();
    expect(
      alternativeIssuer(entra(), 'https://accounts.google.com', { iss: 'accounts.google.com' }),
    ).toBeNull();
  });

  it('Entra: the tenant must be on the list; a multi-tenant issuer without a list allows nobody', () => {
    expect(organisationAllowed(entra([TENANT.toUpperCase()]), TEMPLATE, { tid: TENANT })).toBe(true);
    expect(organisationAllowed(entra([TENANT]), TEMPLATE, { tid: OTHER })).toBe(false);
    expect(organisationAllowed(entra(), TEMPLATE, { tid: TENANT })).toBe(false);
    expect(
      organisationAllowed(entra(), `https://login.microsoftonline.com/${TENANT}/v2.0`, { tid: TENANT }),
    ).toBe(true);
  });

  it("Google Workspace: the ID token's hd must be the policy's domain", () => {
    expect(
      organisationAllowed(google('example.eu'), 'https://accounts.google.com', { hd: 'Example.eu' }),
    ).toBe(true);
    expect(organisationAllowed(google('example.eu'), 'https://accounts.google.com', { hd: 'evil.eu' })).toBe(
      false,
    );
    // A consumer account has no hd.
    expect(organisationAllowed(google('example.eu'), 'https://accounts.google.com', {})).toBe(false);
    expect(organisationAllowed(google(), 'https://accounts.google.com', {})).toBe(true);
  });

  it("opens only https sign-in pages on the issuer's host or the policy's allow list", () => {
    const issuer = 'https://login.example.eu/realms/staff';
    const allowed = (url: string, list: string[] = []) =>
      isAllowedAuthorizationUrl(new URL(url), issuer, list);
    expect(allowed('https://login.example.eu/realms/staff/protocol/openid-connect/auth?x=1')).toBe(true);
    expect(allowed('https://LOGIN.example.eu:8443/auth')).toBe(true);
    expect(allowed('http://login.example.eu/auth')).toBe(false);
    expect(allowed('https://login.example.eu.evil.example/auth')).toBe(false);
    expect(allowed('https://user:pw@login.example.eu/auth')).toBe(false);
    expect(allowed('javascript:alert(1)')).toBe(false);
    expect(allowed('https://sso.partner.example/auth')).toBe(false);
    expect(allowed('https://sso.partner.example/auth', ['sso.partner.example'])).toBe(true);
  });
});

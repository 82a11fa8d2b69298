import type { ServerMetadata } from 'openid-client';
import { describe, expect, it } from 'vitest';
import { resolvePolicy, type PolicyFile, type ProviderEndpoints } from '../../shared/policy/schema.js';
import { policyWarningsFor } from './discovery-warnings.js';

const ISSUER = 'https://idp.example/realms/staff';
const provider = (extra: Partial<ProviderEndpoints> = {}): ProviderEndpoints => ({
  issuer: ISSUER,
  clientId: 'app',
  wssUrl: 'wss://sip.example',
  apiBaseUrl: 'https://api.example',
  kind: 'generic',
  ...extra,
});
const metadata = (extra: Partial<ServerMetadata> = {}): ServerMetadata => ({
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/auth`,
  token_endpoint: `${ISSUER}/token`,
  userinfo_endpoint: `${ISSUER}/userinfo`,
  revocation_endpoint: `${ISSUER}/revoke`,
  claims_supported: ['sub', 'amr', 'acr'],
  scopes_supported: ['openid', 'email', 'profile', 'offline_access'],
  code_challenge_methods_supported: ['S256'],
  ...extra,
});
const codes = (file: PolicyFile, meta: ServerMetadata = metadata()) =>
  policyWarningsFor(resolvePolicy(file), { metadata: meta }).map((w) =>
    w.detail ? `${w.code}: ${w.detail}` : w.code,
  );

describe('warnings for the admin from the discovery document', () => {
  it('none for a generic issuer that meets the policy', () => {
    expect(codes({ provider: provider() })).toEqual([]);
  });

  it('an IdP that never emits amr or acr, when MFA is required: choose an acr or attest the IdP', () => {
    expect(codes({ provider: provider({ kind: 'google', roleClaims: ['/roles'] }) })).toContain(
      'mfa-evidence-never-emitted',
    );
    expect(codes({ provider: provider({ kind: 'entra' }) })).toContain('mfa-evidence-never-emitted');
    expect(codes({ provider: provider({ kind: 'entra' }), requireMfa: false })).not.toContain(
      'mfa-evidence-never-emitted',
    );
    const attested = codes({ provider: provider({ kind: 'entra' }), mfa: { enforcedByIdp: true } });
    expect(attested).toContain('mfa-enforced-by-idp');
    expect(attested).not.toContain('mfa-evidence-never-emitted');
    expect(codes({ provider: provider() }, metadata({ claims_supported: ['sub', 'email'] }))).toEqual([
      'mfa-evidence-not-advertised',
    ]);
  });

  it('acr values the issuer does not support, offline_access and scopes it does not list', () => {
    expect(
      codes(
        { provider: provider({ scopes: ['calls'] }), mfa: { acr: ['gold'] } },
        metadata({ acr_values_supported: ['0', '1'], scopes_supported: ['openid', 'email'] }),
      ),
    ).toEqual(['mfa-acr-unsupported: gold', 'offline-access-unsupported', 'scope-unsupported: calls']);
  });

  it('PKCE, client secret and userinfo the issuer does not offer', () => {
    expect(
      codes(
        { provider: provider({ clientSecret: 's' }) },
        metadata({
          code_challenge_methods_supported: ['plain'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
          userinfo_endpoint: undefined,
        }),
      ),
    ).toEqual(['pkce-unsupported', 'client-secret-unsupported: private_key_jwt', 'userinfo-missing']);
  });

  it('no revocation for this client: sign-out ends the session on the device only', () => {
    expect(codes({ provider: provider() }, metadata({ revocation_endpoint: undefined }))).toEqual([
      'revocation-unsupported',
    ]);
    // Glewlwyd takes only client_secret_basic there; a public client sends none.
    const basicOnly = metadata({ revocation_endpoint_auth_methods_supported: ['client_secret_basic'] });
    expect(codes({ provider: provider() }, basicOnly)).toEqual(['revocation-unsupported']);
    expect(
      codes({ provider: provider() }, metadata({ revocation_endpoint_auth_methods_supported: ['none'] })),
    ).toEqual([]);
  });

  it('another issuer in the document; an Entra multi-tenant template without tenants', () => {
    expect(codes({ provider: provider() }, metadata({ issuer: 'https://other.example' }))).toEqual([
      'issuer-mismatch: https://other.example',
    ]);
    const template = metadata({ issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' });
    const entra = { kind: 'entra' as const, issuer: 'https://login.microsoftonline.com/organizations/v2.0' };
    expect(codes({ provider: provider(entra), requireMfa: false }, template)).toEqual(['tenants-missing']);
    expect(
      codes(
        {
          provider: provider({ ...entra, tenants: ['9188040d-6c67-4c5b-b112-36a304b66dad'] }),
          requireMfa: false,
        },
        template,
      ),
    ).toEqual([]);
  });

  it('roles nobody can have, and a deployment without provider API', () => {
    expect(codes({ provider: provider({ kind: 'auth0' }) })).toEqual([
      'role-claims-missing',
      'no-administrators',
    ]);
    expect(codes({ provider: provider({ kind: 'google' }), requireMfa: false })).toEqual([
      'no-administrators',
    ]);
    expect(
      codes({ provider: provider({ kind: 'google', admins: ['it@example.eu'] }), requireMfa: false }),
    ).toEqual([]);
    expect(codes({ provider: provider({ apiBaseUrl: undefined }) })).toEqual([
      'sip-account-manual',
      'audit-not-delivered',
    ]);
    expect(
      codes({
        provider: provider({
          apiBaseUrl: undefined,
          sipAccount: { uri: 'sip:${preferred_username}@pbx.example' },
        }),
      }),
    ).toEqual(['audit-not-delivered']);
  });

  it('a document that cannot be read says why', () => {
    expect(
      policyWarningsFor(resolvePolicy({ provider: provider() }), { error: 'network: ECONNREFUSED' }),
    ).toEqual([{ code: 'discovery-failed', detail: 'network: ECONNREFUSED' }]);
    expect(policyWarningsFor(resolvePolicy({}), { error: 'x' })).toEqual([]);
  });
});

import { Secret } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAccount } from '../../e2e/provider/login-broker.js';
import type { PolicyFile } from '../../shared/policy/schema.js';
import {
  SIP,
  startSignInBench,
  type Harness,
  type IssuerShape,
  type SignInBench,
} from '../../testing/sign-in-service.js';

const GOOGLE = 'https://accounts.google.com';
const ENTRA = 'https://login.microsoftonline.com';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

/**
 * The broker dressed as another issuer: its discovery names that issuer, and its ID tokens carry the claims
 * the real one puts in (re-signed with a key its key set then lists). The browser's redirect carries no
 * `iss` (Google and Entra send none).
 */
function dressedAs(
  bench: SignInBench,
  issuer: string,
  shape: { discoveryIssuer: string; claims: Record<string, unknown> },
): IssuerShape {
  return {
    route: (url) => (url.startsWith(issuer) ? `${bench.broker.issuer}${url.slice(issuer.length)}` : url),
    answer(path, body) {
      if (path.endsWith('/.well-known/openid-configuration')) {
        const { authorization_response_iss_parameter_supported: _dropped, ...rest } = body;
        return { ...rest, issuer: shape.discoveryIssuer };
      }
      if (path === '/jwks') return { keys: [...(body.keys as object[]), bench.attackerJwk] };
      if (path === '/token' && typeof body.id_token === 'string')
        return { ...body, id_token: bench.resign(body.id_token, shape.claims) };
      return body;
    },
  };
}

describe('issuers with their own rules: Google and Entra multi-tenant', () => {
  let bench: SignInBench;
  let gina: TestAccount;

  beforeAll(async () => {
    bench = await startSignInBench();
    gina = bench.broker.addUser({
      username: 'gina',
      password: 'gina-password',
      upstream: 'google',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['user'],
      email: 'gina@example.eu',
      name: 'Gina',
    });
  });
  afterAll(() => bench?.close());

  const providerAt = (issuer: string, extra: object): PolicyFile => ({
    provider: { ...bench.broker.providerFor(SIP.wssUrl), issuer, ...extra },
    // The broker's pages stand in for the IdP's, on the broker's own host.
    openExternalAllowList: ['127.0.0.1'],
  });

  async function signInWithoutIss(h: Harness) {
    await h.service.start({ method: 'google' });
    const url = await h.opened();
    const callback = await bench.browse(url, gina);
    callback.searchParams.delete('iss');
    await bench.deliver(callback);
    return url;
  }

  it('Google: an ID token naming accounts.google.com without https:// is accepted, the Workspace domain checked', async () => {
    const h = bench.harness({
      policy: providerAt(GOOGLE, { kind: 'google', hostedDomain: 'example.eu', admins: [gina.sub] }),
      shape: dressedAs(bench, GOOGLE, {
        discoveryIssuer: GOOGLE,
        claims: { iss: 'accounts.google.com', hd: 'example.eu' },
      }),
    });
    const url = await signInWithoutIss(h);
    // Google's defaults: offline access by parameter (never the offline_access scope), the hd hint, no IdP hint.
    expect(url.searchParams.get('scope')).toBe('openid email profile');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('hd')).toBe('example.eu');
    expect(url.searchParams.has('idp_hint')).toBe(false);
    // No roles at Google: the admin list by subject makes Gina an administrator.
    expect(await h.waitFor('signed-in')).toMatchObject({
      user: { roles: ['admin'], email: 'gina@example.eu' },
    });
    await h.service.signOut();
  });

  it('Google: another Workspace domain, or another issuer, is refused', async () => {
    const policy = providerAt(GOOGLE, { kind: 'google', hostedDomain: 'example.eu' });
    const otherDomain = bench.harness({
      policy,
      shape: dressedAs(bench, GOOGLE, {
        discoveryIssuer: GOOGLE,
        claims: { iss: GOOGLE, hd: 'gmail.example' },
      }),
    });
    await signInWithoutIss(otherDomain);
    expect(await otherDomain.waitFor('error')).toMatchObject({ reason: 'organisation-not-allowed' });
    await bench.expectSignedOut(otherDomain);

    const otherIssuer = bench.harness({
      policy,
      shape: dressedAs(bench, GOOGLE, {
        discoveryIssuer: GOOGLE,
        claims: { iss: 'https://accounts.evil.example', hd: 'example.eu' },
      }),
    });
    await signInWithoutIss(otherIssuer);
    expect(await otherIssuer.waitFor('error')).toMatchObject({ reason: 'wrong-issuer' });
  });

  const entraIssuer = `${ENTRA}/organizations/v2.0`;
  const entraShape = (tid: string) =>
    dressedAs(bench, entraIssuer, {
      discoveryIssuer: `${ENTRA}/{tenantid}/v2.0`,
      claims: { iss: `${ENTRA}/${tid}/v2.0`, tid, roles: ['Softphone.Admin'] },
    });

  it("Entra multi-tenant: the template issuer with the token's tenant, which must be on the policy's list", async () => {
    const h = bench.harness({
      policy: {
        ...providerAt(entraIssuer, { kind: 'entra', tenants: [TENANT], adminRoles: ['Softphone.Admin'] }),
        requireMfa: false,
      },
      shape: entraShape(TENANT),
    });
    const url = await signInWithoutIss(h);
    expect(url.searchParams.get('scope')).toBe('openid profile email offline_access');
    expect(url.searchParams.has('prompt')).toBe(false);
    expect(await h.waitFor('signed-in')).toMatchObject({ user: { roles: ['admin'] } });
    // The session keeps the tenant's own issuer for what follows (refresh, revocation).
    expect(JSON.parse((await h.secrets.get('identity-session'))!)).toMatchObject({
      issuer: entraIssuer,
      tokenIssuer: `${ENTRA}/${TENANT}/v2.0`,
    });
    await h.service.signOut();
  });

  it('Entra multi-tenant: a tenant not on the list, or no list at all, is refused', async () => {
    for (const tenants of [[OTHER_TENANT], undefined]) {
      const h = bench.harness({
        policy: {
          ...providerAt(entraIssuer, { kind: 'entra', ...(tenants && { tenants }) }),
          requireMfa: false,
        },
        shape: entraShape(TENANT),
      });
      await signInWithoutIss(h);
      expect(await h.waitFor('error'), String(tenants)).toMatchObject({ reason: 'organisation-not-allowed' });
      expect(h.audit).toEqual([
        { type: 'auth.signInFailed', details: { method: 'google', reason: 'invalid-token' } },
      ]);
    }
  });
});

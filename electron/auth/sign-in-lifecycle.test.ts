import * as client from 'openid-client';
import { Secret } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestAccount } from '../../e2e/provider/login-broker.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { asCustomFetch } from './sign-in-service.js';
import { createTrustedFetch } from '../net/http-client.js';
import { SIP, startSignInBench, type SignInBench } from '../../testing/sign-in-service.js';

/** A keychain whose next write fails (a locked keyring, a full disk). */
function flakyKeychain(): SecretStore & { failNextWrite(): void } {
  const store = createMemorySecretStore();
  let fail = false;
  return Object.assign(Object.create(store) as SecretStore, {
    ...store,
    async set(key: string, value: string) {
      if (fail) {
        fail = false;
        throw new Error('the keyring is locked');
      }
      return store.set(key, value);
    },
    failNextWrite() {
      fail = true;
    },
  }) satisfies SecretStore;
}

const stored = async (secrets: SecretStore) =>
  JSON.parse((await secrets.get('identity-session'))!) as {
    refreshToken: string | null;
    access?: { token: string; expiresAt: number };
  };

describe('the session over its life: refresh tokens, their absence, their end', () => {
  let bench: SignInBench;
  let paula: TestAccount;
  let ron: TestAccount;

  beforeAll(async () => {
    bench = await startSignInBench();
    const user = (username: string, refreshTokens: boolean) =>
      bench.broker.addUser({
        username,
        password: `${username}-password`,
        upstream: 'provider',
        secondFactor: 'otp',
        totpSecret: new Secret({ size: 20 }).base32,
        roles: ['user'],
        email: `${username}@example.test`,
        name: `Test ${username}`,
        refreshTokens,
      });
    paula = user('paula', true);
    ron = user('ron', false);
  });
  afterAll(() => bench?.close());

  it('an IdP that gives no refresh token: the session lasts as long as the access token, then "sign in again"', async () => {
    const h = bench.harness();
    await bench.signIn(h, ron);
    await h.waitFor('signed-in');
    const session = await stored(h.secrets);
    expect(session.refreshToken).toBeNull();
    expect(session.access?.token).toBe(await h.service.accessToken());
    expect(await h.service.refreshAccessToken()).toBeNull();
    expect(h.service.provisionedRegistration()).not.toBeNull();

    // A restart within the token's life needs no browser.
    const restarted = bench.harness({ secrets: h.secrets });
    await restarted.service.restore();
    expect(restarted.service.state()).toMatchObject({ status: 'signed-in' });
    restarted.service.dispose();

    // 30 s before the access token expires (10 minutes at the broker): signed out, told why.
    h.timers.fire((ms) => ms > 9 * 60_000 && ms < 10 * 60_000);
    await expect.poll(() => h.service.state()).toEqual({ status: 'signed-out', ended: 'expired' });
    expect(h.audit.at(-1)).toEqual({ type: 'auth.signedOut', details: { reason: 'session-expired' } });
    await bench.expectSignedOut(h);
    expect(h.timers.pending.size).toBe(0);
  });

  it('a rotated refresh token replaces the old one at once, also when the keychain write fails', async () => {
    const secrets = flakyKeychain();
    const h = bench.harness({ secrets });
    await bench.signIn(h, paula);
    await h.waitFor('signed-in');
    const first = (await stored(secrets)).refreshToken!;
    expect(first).toBeTruthy();

    secrets.failNextWrite();
    h.timers.fire((ms) => ms <= 8 * 60_000);
    await expect.poll(() => h.audit.at(-1)?.type).toBe('token.refreshed');
    // The keychain still has the spent token; the retry of the write is due.
    expect((await stored(secrets)).refreshToken).toBe(first);
    expect([...h.timers.pending.values()].some(({ ms }) => ms === 30_000)).toBe(true);

    // The next refresh uses the rotated token: the broker treats a reuse of a spent one as theft and would
    // revoke the whole grant.
    expect(await h.service.refreshAccessToken()).toBeTruthy();
    const latest = (await stored(secrets)).refreshToken!;
    expect(latest).not.toBe(first);
    const trusted = createTrustedFetch(() => ({
      extraCaCertificates: [bench.pki.caCertPem],
      pinnedSpkiSha256: [],
    }));
    const config = await client.discovery(
      new URL(bench.broker.issuer),
      bench.broker.clientId,
      undefined,
      client.None(),
      {
        [client.customFetch]: asCustomFetch(trusted),
      },
    );
    await expect(client.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    await trusted.close();
    await h.service.signOut();
  });

  it('invalid_grant at a refresh (revoked, signed out elsewhere) ends the session cleanly: "sign in again"', async () => {
    const h = bench.harness();
    await bench.signIn(h, paula);
    await h.waitFor('signed-in');
    await bench.broker.revokeAllFor(paula.sub);
    h.timers.fire((ms) => ms <= 8 * 60_000);
    await expect.poll(() => h.service.state()).toEqual({ status: 'signed-out', ended: 'revoked' });
    expect(h.audit.slice(-2)).toEqual([
      { type: 'token.refreshFailed', details: { reason: 'invalid-grant' } },
      { type: 'auth.signedOut', details: { reason: 'refresh-failed' } },
    ]);
    await bench.expectSignedOut(h);
    expect(h.timers.pending.size).toBe(0);
    // A new sign-in works as the first one did.
    await bench.signIn(h, paula);
    await h.waitFor('signed-in');
    await h.service.signOut();
  });

  it("opens only sign-in pages on the issuer's host, whatever discovery says, or on a host policy allows", async () => {
    const elsewhere = {
      answer: (path: string, body: Record<string, unknown>) =>
        path === '/.well-known/openid-configuration'
          ? {
              ...body,
              authorization_endpoint: String(body.authorization_endpoint).replace('127.0.0.1', 'localhost'),
            }
          : body,
    };
    const h = bench.harness({ shape: elsewhere });
    await h.service.start({ method: 'provider' });
    expect(await h.waitFor('error')).toMatchObject({ reason: 'unexpected-sign-in-page' });
    expect(h.audit).toEqual([
      { type: 'auth.signInFailed', details: { method: 'provider', reason: 'idp-error' } },
    ]);

    const allowed = bench.harness({ shape: elsewhere, policy: { openExternalAllowList: ['localhost'] } });
    await allowed.service.start({ method: 'provider' });
    expect((await allowed.opened()).hostname).toBe('localhost');
    allowed.service.cancel();
    expect(await allowed.waitFor('error')).toMatchObject({ reason: 'cancelled' });
  });

  it('asks for the policy acr as an essential claim where the issuer takes the claims parameter', async () => {
    const h = bench.harness({
      policy: { mfa: { acr: ['gold', 'urn:example:mfa'] } },
      shape: {
        answer: (path, body) =>
          path === '/.well-known/openid-configuration' ? { ...body, claims_parameter_supported: true } : body,
      },
    });
    await h.service.start({ method: 'provider' });
    const url = await h.opened();
    expect(url.searchParams.get('acr_values')).toBe('gold urn:example:mfa');
    expect(JSON.parse(url.searchParams.get('claims')!)).toEqual({
      id_token: { acr: { essential: true, values: ['gold', 'urn:example:mfa'] } },
    });
    h.service.cancel();
    await h.waitFor('error');
  });

  it('unlocking after policy lost its provider fails as not-configured (not as a network error)', async () => {
    const h = bench.harness();
    await bench.signIn(h, paula);
    await h.waitFor('signed-in');
    h.setPolicy({});
    await expect(h.service.reauthenticate()).rejects.toMatchObject({ reason: 'not-configured' });
    h.setPolicy({ provider: bench.broker.providerFor(SIP.wssUrl) });
    await h.service.signOut();
  });
});

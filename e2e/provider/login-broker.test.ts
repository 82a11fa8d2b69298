import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { Secret } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipCredentials } from '../../shared/provider/api.js';
import { createTestPki, type TestPki } from './certs.js';
import {
  ACR,
  APP_SCOPES,
  startLoginBroker,
  type LoginBroker,
  type SipProvisioner,
  type TestAccount,
  type TestUserInput,
} from './login-broker.js';
import { keycloakShape } from './login-broker-shapes.js';
import {
  asCallback,
  asPage,
  discoverBroker,
  redeem,
  signIn as signInWith,
  startAuthorization,
  TestBrowser,
  totpNow,
  trustingFetch,
} from './oidc-test-client.js';

const SIP = { wssUrl: 'wss://127.0.0.1:7443', domain: 'softphone.test' };

/** Records what the broker provisions at the SIP edge, and lets a test await a removal. */
class ProvisioningRecorder implements SipProvisioner {
  readonly passwords = new Map<string, string>();
  readonly removed: string[] = [];
  readonly #waiting: Array<{ username: string; resolve: () => void }> = [];

  async add(username: string, password: string): Promise<void> {
    this.passwords.set(username, password);
  }

  async remove(username: string): Promise<void> {
    this.passwords.delete(username);
    this.removed.push(username);
    for (const waiter of this.#waiting.filter((w) => w.username === username)) {
      this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  /** Resolves at the next removal of `username`. */
  nextRemoval(username: string): Promise<void> {
    return new Promise((resolve) => this.#waiting.push({ username, resolve }));
  }
}

describe('login broker', () => {
  let dir: string;
  let pki: TestPki;
  let trusting: ReturnType<typeof trustingFetch>;
  const recorder = new ProvisioningRecorder();
  let broker: LoginBroker;
  let config: client.Configuration;
  const users: Record<string, TestAccount> = {};

  const newUser = (
    input: Partial<TestUserInput> & Pick<TestUserInput, 'username' | 'upstream'>,
  ): TestAccount => {
    const user = broker.addUser({
      password: `${input.username}-password`,
      secondFactor: 'none',
      roles: ['user'],
      email: `${input.username}@example.test`,
      name: `Test ${input.username}`,
      ...input,
    });
    users[input.username] = user;
    return user;
  };

  /** Signs in from a fresh browser with password and, where the user has one, the second factor. */
  const signIn = (user: TestAccount, params: Record<string, string> = {}) =>
    signInWith(config, trusting.fetch, user, params);

  async function getSipCredentials(accessToken?: string, issuer = broker) {
    return trusting.fetch(`${issuer.apiBaseUrl}/v1/sip-credentials`, {
      method: 'GET',
      headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
      body: undefined,
      redirect: 'manual',
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'login-broker-test-'));
    pki = await createTestPki(dir);
    trusting = trustingFetch(pki.caCertPem);
    broker = await startLoginBroker({
      pki,
      sip: SIP,
      provisioner: recorder,
    });
    config = await discoverBroker(broker.issuer, broker.clientId, trusting.fetch);

    newUser({
      username: 'paula',
      upstream: 'provider',
      secondFactor: 'otp',
      totpSecret: new Secret({ size: 20 }).base32,
      roles: ['admin'],
    });
    newUser({ username: 'gina', upstream: 'google', secondFactor: 'otp', totpSecret: new Secret().base32 });
    newUser({ username: 'nico', upstream: 'google' });
    newUser({ username: 'arthur', upstream: 'apple', secondFactor: 'hwk' });
    newUser({ username: 'carla', upstream: 'company', secondFactor: 'otp', totpSecret: new Secret().base32 });
  });

  afterAll(async () => {
    await broker?.stop();
    await trusting?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('publishes discovery over HTTPS that only the test CA vouches for', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(broker.issuer);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.acr_values_supported).toEqual([ACR.singleFactor, ACR.multiFactor]);
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(APP_SCOPES.split(' ')));
    // Without the test CA the certificate is refused: verification stays on.
    await expect(client.discovery(new URL(broker.issuer), broker.clientId)).rejects.toThrow();
  });

  it('signs in with the provider account, password then TOTP: amr has otp and mfa, roles admin', async () => {
    const user = users.paula!;
    const browser = new TestBrowser(trusting.fetch);
    const auth = await startAuthorization(config, { idp_hint: 'provider' });
    const login = asPage(await browser.open(auth.url));
    expect(login.title).toBe('Provider account');

    const wrong = asPage(await browser.submit(login, 'Sign in', { 'User name': 'paula', Password: 'nope' }));
    expect(wrong.status).toBe(401);
    expect(wrong.document.querySelector('[role=alert]')?.textContent).toBe('Wrong user name or password.');

    const otp = asPage(
      await browser.submit(wrong, 'Sign in', { 'User name': 'paula', Password: user.password }),
    );
    expect(otp.title).toBe('Two-step verification');
    const badCode = asPage(await browser.submit(otp, 'Verify', { 'Authentication code': '000000' }));
    const right = totpNow(user.totpSecret!);
    // The chance that 000000 is the current code is one in a million; skip the check then.
    if (right !== '000000') expect(badCode.status).toBe(401);

    const callback = asCallback(await browser.submit(badCode, 'Verify', { 'Authentication code': right }));
    const tokens = await redeem(config, auth, callback);
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: broker.issuer,
      aud: broker.clientId,
      sub: user.sub,
      email: 'paula@example.test',
      name: 'Test paula',
      roles: ['admin'],
      acr: ACR.multiFactor,
    });
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
  });

  it('signs in through each upstream stand-in, with or without a second factor as configured', async () => {
    const expected: Record<string, { amr: string[]; acr: string; title: string }> = {
      gina: { amr: ['pwd', 'otp', 'mfa'], acr: ACR.multiFactor, title: 'Google (test stand-in)' },
      nico: { amr: ['pwd'], acr: ACR.singleFactor, title: 'Google (test stand-in)' },
      arthur: { amr: ['pwd', 'hwk', 'mfa'], acr: ACR.multiFactor, title: 'Apple (test stand-in)' },
      carla: { amr: ['pwd', 'otp', 'mfa'], acr: ACR.multiFactor, title: 'Company IdP (test stand-in)' },
    };
    for (const [name, { amr, acr, title }] of Object.entries(expected)) {
      const user = users[name]!;
      const page = asPage(
        await new TestBrowser(trusting.fetch).open(
          (await startAuthorization(config, { idp_hint: user.upstream })).url,
        ),
      );
      expect(page.title).toBe(title);
      const { tokens } = await signIn(user);
      const claims = tokens.claims()!;
      expect(claims.sub).toBe(user.sub);
      expect(claims.amr).toEqual(amr);
      expect(claims.acr).toBe(acr);
      expect(claims.roles).toEqual(['user']);
    }
  });

  it('offers the four choices when the app sends no IdP hint, and refuses an unknown hint', async () => {
    const browser = new TestBrowser(trusting.fetch);
    const auth = await startAuthorization(config, {});
    const choice = asPage(await browser.open(auth.url));
    const labels = [...choice.document.querySelectorAll('button')].map((b) => b.textContent?.trim());
    expect(labels).toEqual([
      'Continue with Google',
      'Continue with Apple',
      'Company SSO',
      'Provider account',
      'Cancel',
    ]);
    const company = asPage(await browser.submit(choice, 'Company SSO'));
    expect(company.title).toBe('Company IdP (test stand-in)');
    // A Google account does not sign in at the company IdP.
    const refused = asPage(
      await browser.submit(company, 'Sign in', { 'User name': 'nico', Password: users.nico!.password }),
    );
    expect(refused.status).toBe(401);

    const unknown = await startAuthorization(config, { idp_hint: 'facebook' });
    const error = asCallback(await new TestBrowser(trusting.fetch).open(unknown.url));
    expect(error.searchParams.get('error')).toBe('invalid_request');
    expect(error.searchParams.get('state')).toBe(unknown.state);
  });

  it('reports a cancelled sign-in to the app as access_denied', async () => {
    const browser = new TestBrowser(trusting.fetch);
    const auth = await startAuthorization(config, { idp_hint: 'google' });
    const callback = asCallback(await browser.submit(asPage(await browser.open(auth.url)), 'Cancel'));
    await expect(redeem(config, auth, callback)).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('refuses a replayed code with invalid_grant, and openid-client detects a wrong state', async () => {
    const { auth, callback } = await signIn(users.nico!);
    await expect(redeem(config, auth, callback)).rejects.toMatchObject({
      name: 'ResponseBodyError',
      error: 'invalid_grant',
    });

    const second = await signIn(users.gina!);
    await expect(
      client.authorizationCodeGrant(config, second.callback, {
        pkceCodeVerifier: second.auth.verifier,
        expectedState: client.randomState(),
        expectedNonce: second.auth.nonce,
      }),
    ).rejects.toMatchObject({
      code: 'OAUTH_INVALID_RESPONSE',
      cause: { message: 'unexpected "state" response parameter value' },
    });
  });

  it('refuses a code redeemed without the PKCE verifier', async () => {
    const browser = new TestBrowser(trusting.fetch);
    const auth = await startAuthorization(config, { idp_hint: 'google' });
    const login = asPage(await browser.open(auth.url));
    const nico = users.nico!;
    const callback = asCallback(
      await browser.submit(login, 'Sign in', { 'User name': nico.username, Password: nico.password }),
    );
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: auth.state,
        expectedNonce: auth.nonce,
      }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('refreshes: a new access token and an ID token with the same subject and roles', async () => {
    const { tokens } = await signIn(users.paula!);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.claims()).toMatchObject({
      sub: users.paula!.sub,
      roles: ['admin'],
      acr: ACR.multiFactor,
    });
    // Refresh tokens of a public client rotate: the old one is spent.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('re-authenticates for prompt=login, max_age, another IdP hint or an unmet acr_values; otherwise asks to continue', async () => {
    const nico = users.nico!;
    const { browser } = await signIn(nico);

    const again = await startAuthorization(config, { idp_hint: 'google' });
    const confirm = asPage(await browser.open(again.url));
    expect(confirm.title).toBe('Continue to Secure Softphone?');
    const tokens = await redeem(config, again, asCallback(await browser.submit(confirm, 'Continue')));
    expect(tokens.claims()!.sub).toBe(nico.sub);

    const reauthentications: Array<Record<string, string>> = [
      { idp_hint: 'google', prompt: 'login consent' },
      { idp_hint: 'google', max_age: '0' },
      { idp_hint: 'google', acr_values: ACR.multiFactor },
    ];
    for (const params of reauthentications) {
      const page = asPage(await browser.open((await startAuthorization(config, params)).url));
      expect(page.title, JSON.stringify(params)).toBe('Google (test stand-in)');
    }
    const other = asPage(await browser.open((await startAuthorization(config, { idp_hint: 'apple' })).url));
    expect(other.title).toBe('Apple (test stand-in)');

    // Without a second factor at the upstream, asking for MFA still yields a single-factor token: the app decides.
    const mfa = await startAuthorization(config, { idp_hint: 'google', acr_values: ACR.multiFactor });
    const login = asPage(await browser.open(mfa.url));
    const callback = asCallback(
      await browser.submit(login, 'Sign in', { 'User name': nico.username, Password: nico.password }),
    );
    const single = await redeem(config, mfa, callback);
    expect(single.claims()).toMatchObject({ acr: ACR.singleFactor, amr: ['pwd'] });
  });

  it('GET /v1/sip-credentials: HA1 and expiry for a valid access token, provisioned at the edge; 401 without', async () => {
    const user = users.carla!;
    const { tokens } = await signIn(user);
    const before = Date.now();
    const response = await getSipCredentials(tokens.access_token);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const credentials = SipCredentials.parse(await response.json());
    expect(credentials).toMatchObject({
      wssUrl: SIP.wssUrl,
      sipUri: `sip:${user.sipUsername}@${SIP.domain}`,
      authorizationUser: user.sipUsername,
      realm: SIP.domain,
    });
    expect(credentials.password).toBeUndefined();
    const password = recorder.passwords.get(user.sipUsername)!;
    expect(password).toBeTruthy();
    expect(credentials.ha1).toBe(
      createHash('md5').update(`${user.sipUsername}:${SIP.domain}:${password}`).digest('hex'),
    );
    const expiresAt = Date.parse(credentials.expiresAt);
    expect(expiresAt).toBeGreaterThan(before + 14 * 60_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 15 * 60_000);

    // Asking again rotates the password: only the newest HA1 works at the edge.
    const rotated = SipCredentials.parse(await (await getSipCredentials(tokens.access_token)).json());
    expect(rotated.ha1).not.toBe(credentials.ha1);
    expect(recorder.passwords.get(user.sipUsername)).not.toBe(password);

    const anonymous = await getSipCredentials();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="provider-api"');
    const forged = await getSipCredentials('not-a-token');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    // An ID token is no access token.
    expect((await getSipCredentials(tokens.id_token)).status).toBe(401);
  });

  it('revokeAllFor removes the SIP credentials at the edge and invalidates every token', async () => {
    const user = users.gina!;
    const { tokens, browser } = await signIn(user);
    expect((await getSipCredentials(tokens.access_token)).status).toBe(200);
    const removed = recorder.nextRemoval(user.sipUsername);
    await broker.revokeAllFor(user.sub);
    await removed;
    // The browser's session went too: the next sign-in asks for the password again.
    const again = asPage(await browser.open((await startAuthorization(config, { idp_hint: 'google' })).url));
    expect(again.title).toBe('Google (test stand-in)');
    expect(recorder.passwords.has(user.sipUsername)).toBe(false);
    expect((await getSipCredentials(tokens.access_token)).status).toBe(401);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('sign-out by revoking the refresh token removes the SIP credentials of that sign-in', async () => {
    const user = users.arthur!;
    const { tokens } = await signIn(user);
    expect((await getSipCredentials(tokens.access_token)).status).toBe(200);
    const removed = recorder.nextRemoval(user.sipUsername);
    await client.tokenRevocation(config, tokens.refresh_token!);
    await removed;
    expect((await getSipCredentials(tokens.access_token)).status).toBe(401);
  });

  it('removes SIP credentials from the edge when they expire', async () => {
    const shortLived = new ProvisioningRecorder();
    const other = await startLoginBroker({
      pki,
      sip: SIP,
      provisioner: shortLived,
      sipCredentialLifetimeMs: 300,
    });
    try {
      const user = other.addUser({
        username: 'eve',
        password: 'eve-password',
        upstream: 'company',
        secondFactor: 'none',
        roles: ['user'],
        email: 'eve@example.test',
        name: 'Eve',
      });
      const otherConfig = await discoverBroker(other.issuer, other.clientId, trusting.fetch);
      const browser = new TestBrowser(trusting.fetch);
      const auth = await startAuthorization(otherConfig, { idp_hint: 'company' });
      const login = asPage(await browser.open(auth.url));
      const callback = asCallback(
        await browser.submit(login, 'Sign in', { 'User name': 'eve', Password: 'eve-password' }),
      );
      const tokens = await redeem(otherConfig, auth, callback);

      const removed = shortLived.nextRemoval(user.sipUsername);
      const response = await getSipCredentials(tokens.access_token, other);
      const credentials = SipCredentials.parse(await response.json());
      expect(shortLived.passwords.has(user.sipUsername)).toBe(true);
      await removed;
      // Timers may fire a millisecond early against the wall clock.
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(credentials.expiresAt) - 5);
      expect(shortLived.passwords.has(user.sipUsername)).toBe(false);
      expect(shortLived.removed).toEqual([user.sipUsername]);
    } finally {
      await other.stop();
    }
  });

  it("Keycloak shape: userinfo takes the realm's own JWT access tokens (aud account), until the grant is revoked", async () => {
    const keycloak = await startLoginBroker({
      pki,
      sip: SIP,
      provisioner: recorder,
      shape: { issuer: keycloakShape('staff'), clients: [{ clientId: broker.clientId }] },
    });
    try {
      const kc = await discoverBroker(keycloak.issuer, broker.clientId, trusting.fetch);
      const kai = keycloak.addUser({
        username: 'kai',
        password: 'kai-password',
        upstream: 'company',
        secondFactor: 'none',
        roles: ['user'],
        email: 'kai@example.test',
        name: 'Kai',
      });
      const { tokens } = await signInWith(kc, trusting.fetch, kai, { scope: 'openid profile email' });
      // A JWT for the realm's account audience, as Keycloak issues.
      const [, payload] = tokens.access_token.split('.');
      expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ aud: 'account' });
      const sub = tokens.claims()!.sub;
      await expect(client.fetchUserInfo(kc, tokens.access_token, sub)).resolves.toMatchObject({
        sub,
        email: 'kai@example.test',
        preferred_username: 'kai',
      });
      // openid-client reports the WWW-Authenticate challenge (error="invalid_token") as the error's cause.
      const refused = {
        cause: [expect.objectContaining({ parameters: expect.objectContaining({ error: 'invalid_token' }) })],
      };
      const [head, body] = tokens.access_token.split('.');
      await expect(client.fetchUserInfo(kc, `${head}.${body}.forged`, sub)).rejects.toMatchObject(refused);
      await client.tokenRevocation(kc, tokens.refresh_token!);
      await expect(client.fetchUserInfo(kc, tokens.access_token, sub)).rejects.toMatchObject(refused);
    } finally {
      await keycloak.stop();
    }
  });

  it('validates test users', () => {
    expect(() =>
      broker.addUser({
        username: 'otto',
        password: 'x',
        upstream: 'provider',
        secondFactor: 'otp',
        roles: ['user'],
        email: 'otto@example.test',
        name: 'Otto',
      }),
    ).toThrow(/totpSecret/);
    expect(() => newUser({ username: 'paula', upstream: 'provider' })).toThrow(/exists already/);
  });
});

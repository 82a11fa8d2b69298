import { createHash } from 'node:crypto';
import { Secret } from 'otpauth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACR, type TestAccount } from '../../e2e/provider/login-broker.js';
import { asCallback, asPage } from '../../e2e/provider/oidc-test-client.js';
import { MULTI_FACTOR_AMR } from '../../shared/provider/idp-kinds.js';
import { AUTH_TIME_PRECISION_MS } from './session-lock.js';
import { SESSION_SECRET_KEYS } from './sign-in-service.js';
import {
  SIP,
  startSignInBench,
  type Harness,
  type HarnessOptions,
  type SignInBench,
} from '../../testing/sign-in-service.js';

describe('sign-in service against the login broker', () => {
  let bench: SignInBench;
  let gina: TestAccount;
  let nico: TestAccount;
  let arthur: TestAccount;
  let carla: TestAccount;

  beforeAll(async () => {
    bench = await startSignInBench();
    const user = (username: string, upstream: TestAccount['upstream'], factor: TestAccount['secondFactor']) =>
      bench.broker.addUser({
        username,
        password: `${username}-password`,
        upstream,
        secondFactor: factor,
        ...(factor === 'otp' && { totpSecret: new Secret({ size: 20 }).base32 }),
        roles: username === 'carla@company.example' ? ['admin'] : ['user'],
        email: username.includes('@') ? username : `${username}@example.test`,
        name: `Test ${username}`,
      });
    gina = user('gina', 'google', 'otp');
    nico = user('nico', 'google', 'none');
    arthur = user('arthur', 'apple', 'hwk');
    carla = user('carla@company.example', 'company', 'otp');
  });

  afterAll(() => bench?.close());

  const harness = (options: HarnessOptions = {}) => bench.harness(options);
  const signIn = (h: Harness, user: TestAccount, method = user.upstream, email?: string) =>
    bench.signIn(h, user, method, email);
  const browse = (url: URL, user: TestAccount) => bench.browse(url, user);
  const deliver = (callback: URL) => bench.deliver(callback);
  const expectSignedOut = (h: Harness) => bench.expectSignedOut(h);

  beforeEach(() => {
    bench.recorder.removed.length = 0;
  });

  it('signs in with PKCE, state, nonce and IdP hint, provisions HA1 only, and signs out with revocation', async () => {
    const h = harness();
    const { url, page } = await signIn(h, gina);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('idp_hint')).toBe('google');
    expect(url.searchParams.get('acr_values')).toBe(ACR.multiFactor);
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.get('scope')).toBe('openid email profile offline_access');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(page.status).toBe(200);
    expect(page.text).toContain('You can close this tab');

    expect(await h.waitFor('signed-in')).toEqual({
      status: 'signed-in',
      user: { name: 'Test gina', email: 'gina@example.test', roles: ['user'], method: 'google' },
    });
    const registration = h.service.provisionedRegistration()!;
    const password = bench.recorder.passwords.get(gina.sipUsername)!;
    expect(registration).toMatchObject({
      sipUri: `sip:${gina.sipUsername}@${SIP.domain}`,
      realm: SIP.domain,
    });
    expect(registration.ha1).toBe(
      createHash('md5').update(`${gina.sipUsername}:${SIP.domain}:${password}`).digest('hex'),
    );
    expect(JSON.stringify(registration)).not.toContain(password);
    expect((await h.secrets.list()).sort()).toEqual(['identity-session', 'provisioned-sip-credentials']);
    expect(h.registrationChanges).toBe(1);
    expect(h.audit.map((e) => e.type)).toEqual(['auth.signInSucceeded', 'sip.credentialsProvisioned']);
    expect(h.audit[0]).toEqual({
      type: 'auth.signInSucceeded',
      details: { method: 'google', mfa: true, mfaProof: 'amr' },
    });
    // The audit log names the user by the ID token's subject, from the sign-in event on.
    expect(h.service.subject()).toBe(gina.sub);
    expect(h.auditSubjects).toEqual([gina.sub, gina.sub]);
    // The access token, in memory only, for the provider API (the audit sync uses it too).
    const accessToken = await h.service.accessToken();
    expect(accessToken).toBeTruthy();
    for (const key of SESSION_SECRET_KEYS)
      expect((await h.secrets.get(key)) ?? '').not.toContain(accessToken);
    // The listener closed itself after the redirect.
    await expect(fetch(new URL(url.searchParams.get('redirect_uri')!).href)).rejects.toThrow();

    // Rotation before expiry: new credentials, the old ones stop working at the edge, the phone re-registers.
    h.timers.fire((ms) => ms > 10 * 60_000);
    await expect.poll(() => h.registrationChanges).toBe(2);
    expect(h.service.provisionedRegistration()!.ha1).not.toBe(registration.ha1);
    expect(bench.recorder.passwords.get(gina.sipUsername)).not.toBe(password);
    expect(h.audit.at(-1)?.type).toBe('sip.credentialsRotated');
    // Refresh before the access token expires: the refresh token rotates in the keychain.
    const before = await h.secrets.get('identity-session');
    h.timers.fire((ms) => ms <= 10 * 60_000);
    await expect.poll(() => h.audit.at(-1)?.type).toBe('token.refreshed');
    expect(await h.secrets.get('identity-session')).not.toBe(before);

    await h.service.signOut();
    expect(h.service.state()).toEqual({ status: 'signed-out' });
    await expectSignedOut(h);
    expect(await h.service.accessToken()).toBeNull();
    await expect.poll(() => bench.recorder.removed).toContain(gina.sipUsername);
    expect(bench.recorder.passwords.has(gina.sipUsername)).toBe(false);
    expect(h.audit.at(-1)).toEqual({ type: 'auth.signedOut', details: { reason: 'user' } });
    // Recorded as the user whose session ended; nobody is signed in afterwards.
    expect(h.auditSubjects.at(-1)).toBe(gina.sub);
    expect(h.service.subject()).toBeNull();
    expect(h.timers.pending.size).toBe(0);
  });

  it('re-authenticates the signed-in person for the session lock (prompt=login), staying signed in', async () => {
    const h = harness({ policy: { requireMfa: false } });
    await signIn(h, gina);
    await h.waitFor('signed-in');
    const statesBefore = h.states.length;
    const started = Date.now();
    const reauth = h.service.reauthenticate();
    const url = await h.opened();
    expect(url.searchParams.get('prompt')).toBe('login');
    expect(url.searchParams.get('max_age')).toBe('0');
    expect(url.searchParams.get('login_hint')).toBe('gina@example.test');
    await deliver(await browse(url, gina));
    const authTime = await reauth;
    expect(authTime).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
    // No state change on the way: the app stays signed in (and locked) while the browser is open.
    expect(h.states.slice(statesBefore)).toEqual([]);
    expect(JSON.parse((await h.secrets.get('identity-session'))!)).toMatchObject({ authTime });

    // Another account cannot unlock this session; the person stays signed in.
    const other = h.service.reauthenticate();
    await deliver(await browse(await h.opened(), nico));
    await expect(other).rejects.toThrow('another account');
    expect(h.service.state().status).toBe('signed-in');
    await h.service.signOut();
  });

  it('refuses a token without a second factor when policy requires MFA, and accepts it when not', async () => {
    const strict = harness();
    await signIn(strict, nico);
    // The refusal names the evidence (amr pwd, the broker's single-factor acr) and what policy accepts.
    expect(await strict.waitFor('error')).toEqual({
      status: 'error',
      reason: 'mfa-missing',
      method: 'google',
      mfa: {
        amr: ['pwd'],
        acr: ACR.singleFactor,
        acceptedAmr: [...MULTI_FACTOR_AMR],
        acceptedAcr: [ACR.multiFactor],
      },
    });
    expect(strict.audit).toEqual([
      { type: 'auth.signInRefusedNoMfa', details: { method: 'google', amr: 'pwd', acr: ACR.singleFactor } },
    ]);
    await expectSignedOut(strict);

    const relaxed = harness({ policy: { requireMfa: false } });
    const { url } = await signIn(relaxed, nico);
    expect(url.searchParams.has('acr_values')).toBe(false);
    await relaxed.waitFor('signed-in');
    expect(relaxed.audit[0]).toEqual({
      type: 'auth.signInSucceeded',
      details: { method: 'google', mfa: false },
    });
    await relaxed.service.signOut();
  });

  it('a wrong state fails as state-mismatch and stays signed out', async () => {
    const h = harness();
    await h.service.start({ method: 'apple' });
    const callback = await browse(await h.opened(), arthur);
    callback.searchParams.set('state', 'forged-state');
    await deliver(callback);
    expect(await h.waitFor('error')).toMatchObject({ reason: 'state-mismatch' });
    expect(h.audit).toEqual([
      { type: 'auth.signInFailed', details: { method: 'apple', reason: 'state-mismatch' } },
    ]);
    await expectSignedOut(h);
  });

  it('a replayed code fails as code-replayed and stays signed out', async () => {
    const first = harness({ policy: { requireMfa: false } });
    const { callback: used } = await signIn(first, nico);
    await first.waitFor('signed-in');
    await first.service.signOut();

    const h = harness({ policy: { requireMfa: false } });
    await h.service.start({ method: 'google' });
    const url = await h.opened();
    // The old redirect, replayed against the new sign-in (with its state, so that only the code is wrong).
    const replay = new URL(used);
    replay.search = '';
    replay.port = new URL(url.searchParams.get('redirect_uri')!).port;
    replay.searchParams.set('code', used.searchParams.get('code')!);
    replay.searchParams.set('state', url.searchParams.get('state')!);
    replay.searchParams.set('iss', used.searchParams.get('iss') ?? bench.broker.issuer);
    await deliver(replay);
    expect(await h.waitFor('error')).toMatchObject({ reason: 'code-replayed' });
    await expectSignedOut(h);
  });

  it('an ID token from another issuer fails as wrong-issuer', async () => {
    const h = harness({ tamper: 'wrong-issuer' });
    await signIn(h, gina);
    expect(await h.waitFor('error')).toMatchObject({ reason: 'wrong-issuer' });
    expect(h.audit).toEqual([
      { type: 'auth.signInFailed', details: { method: 'google', reason: 'invalid-token' } },
    ]);
    await expectSignedOut(h);
  });

  it('an ID token with a bad signature fails as bad-signature', async () => {
    const h = harness({ tamper: 'bad-signature' });
    await signIn(h, gina);
    expect(await h.waitFor('error')).toMatchObject({ reason: 'bad-signature' });
    await expectSignedOut(h);
  });

  it('an expired ID token (the app clock two hours on) fails as expired-token', async () => {
    const h = harness({ clockAheadMs: 2 * 60 * 60_000 });
    await signIn(h, arthur);
    expect(await h.waitFor('error')).toMatchObject({ reason: 'expired-token' });
    await expectSignedOut(h);
  });

  it('cancel in the app, Cancel on the broker page and the timeout each end the sign-in', async () => {
    const h = harness();
    await h.service.start({ method: 'google' });
    const url = await h.opened();
    h.service.cancel();
    expect(await h.waitFor('error')).toMatchObject({ reason: 'cancelled' });
    // The listener is gone with the cancelled sign-in.
    await expect(fetch(new URL(url.searchParams.get('redirect_uri')!).href)).rejects.toThrow();

    await h.service.start({ method: 'google' });
    const browser = bench.browser();
    const callback = asCallback(
      await browser.submit(asPage(await browser.open((await h.opened()).href)), 'Cancel'),
    );
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const page = await deliver(callback);
    expect(page.text).toContain('Sign-in not completed');
    expect(await h.waitFor('error')).toMatchObject({ reason: 'cancelled' });

    await h.service.start({ method: 'google' });
    await h.opened();
    h.timers.fire((ms) => ms === 5 * 60_000);
    expect(await h.waitFor('error')).toMatchObject({ reason: 'timeout' });
    expect(h.audit.map((e) => (e.type === 'auth.signInFailed' ? e.details.reason : e.type))).toEqual([
      'cancelled',
      'cancelled',
      'timeout',
    ]);
    await expectSignedOut(h);
  });

  it('company SSO passes the work e-mail as login hint and refuses a domain the policy does not list', async () => {
    const h = harness({ policy: { companyDomains: ['company.example'] } });
    const { url } = await signIn(h, carla, 'company', 'carla@company.example');
    expect(url.searchParams.get('login_hint')).toBe('carla@company.example');
    expect(url.searchParams.get('idp_hint')).toBe('company');
    expect(await h.waitFor('signed-in')).toMatchObject({ user: { roles: ['admin'], method: 'company' } });
    await h.service.signOut();

    await h.service.start({ method: 'company', email: 'carla@elsewhere.example' });
    expect(h.service.state()).toEqual({ status: 'error', reason: 'unknown-company', method: 'company' });
  });

  it('an issuer whose certificate the policy does not trust fails as network', async () => {
    const h = harness({ policy: { extraCaCertificates: [] } });
    await h.service.start({ method: 'google' });
    expect(await h.waitFor('error')).toMatchObject({ reason: 'network' });
  });

  it("measures this clock against the provider's Date header", async () => {
    const inTime = harness();
    await signIn(inTime, arthur);
    await inTime.waitFor('signed-in');
    expect(Math.abs(inTime.service.clockSkew()!)).toBeLessThanOrEqual(2);
    await inTime.service.signOut();

    // 90 s ahead: within what the token checks tolerate with the skew applied, but worth a warning.
    const ahead = harness({ clockAheadMs: 90_000 });
    await signIn(ahead, arthur);
    await ahead.waitFor('signed-in');
    expect(ahead.skews.length).toBeGreaterThan(0);
    expect(ahead.service.clockSkew()).toBeGreaterThanOrEqual(89);
    expect(ahead.service.clockSkew()).toBeLessThanOrEqual(92);
    await ahead.service.signOut();
  });

  it("takes the provider's times to this clock: auth_time for the session lock, the credentials' expiry", async () => {
    // An hour ahead (beyond the 30 s the token checks tolerate, so these get the offset too): what a test
    // clock moved by the session's age looks like to the service.
    const aheadMs = 60 * 60_000;
    const h = harness({ clockAheadMs: aheadMs, policy: { requireMfa: false } });
    const local = () => Date.now() + aheadMs;
    let started = local();
    await signIn(h, gina);
    await h.waitFor('signed-in');
    // The session's age counts on this computer's clock (within auth_time's whole seconds).
    expect(h.service.authTime()).toBeGreaterThanOrEqual(started - AUTH_TIME_PRECISION_MS);
    expect(h.service.authTime()).toBeLessThanOrEqual(local() + AUTH_TIME_PRECISION_MS);
    // Rotation at 80 % of the credentials' 15 minutes, not at once because they seem an hour past expiry.
    const rotation = [...h.timers.pending.values()].map(({ ms }) => ms).sort((a, b) => b - a)[0]!;
    expect(rotation).toBeGreaterThan(11 * 60_000);
    // (The offset has whole seconds: up to a second more.)
    expect(rotation).toBeLessThanOrEqual(12 * 60_000 + 1000);

    // A fresh authentication for the lock is fresh on this clock too (else the app never unlocks).
    started = local();
    const reauth = h.service.reauthenticate();
    await deliver(await browse(await h.opened(), gina));
    const authTime = await reauth;
    expect(authTime).toBeGreaterThanOrEqual(started - AUTH_TIME_PRECISION_MS);
    expect(authTime).toBeLessThanOrEqual(local() + AUTH_TIME_PRECISION_MS);
    await h.service.signOut();
  });

  it('a policy that takes the sign-in method away ends the session, revoked', async () => {
    const h = harness();
    await signIn(h, arthur);
    await h.waitFor('signed-in');
    const provider = bench.broker.providerFor(SIP.wssUrl);
    h.setPolicy({ provider });
    await h.service.policyChanged();
    expect(h.service.state().status).toBe('signed-in');
    h.setPolicy({ provider, signInMethods: ['company'] });
    await h.service.policyChanged();
    expect(h.service.state()).toEqual({ status: 'signed-out' });
    expect(h.audit.at(-1)).toEqual({ type: 'auth.signedOut', details: { reason: 'policy' } });
    await expectSignedOut(h);
    await expect.poll(() => bench.recorder.removed).toContain(arthur.sipUsername);
  });

  it('an issuer whose certificate does not match the policy pins fails as network', async () => {
    const h = harness({ policy: { pinnedSpkiSha256: [`${'A'.repeat(43)}=`] } });
    await h.service.start({ method: 'google' });
    expect(await h.waitFor('error')).toMatchObject({ reason: 'network' });
  });

  it('restores a session from the keychain after a restart', async () => {
    const h = harness();
    await signIn(h, arthur);
    await h.waitFor('signed-in');
    const items = Object.fromEntries(
      await Promise.all(
        (await h.secrets.list()).map(async (key): Promise<[string, string]> => [
          key,
          (await h.secrets.get(key))!,
        ]),
      ),
    );
    const next = harness();
    for (const [key, value] of Object.entries(items)) await next.secrets.set(key, value);
    await next.service.restore();
    expect(next.service.state()).toMatchObject({ status: 'signed-in', user: { name: 'Test arthur' } });
    expect(next.service.provisionedRegistration()).toEqual(h.service.provisionedRegistration());
    await expect.poll(() => next.audit.map((e) => e.type)).toContain('token.refreshed');
    await next.service.signOut();
    await expectSignedOut(next);
  });
});

import { randomUUID } from 'node:crypto';
import { Secret } from 'otpauth';
import type { Page } from 'playwright-core';
import { createKeytarSecretStore } from '../electron/secrets/secret-store.js';
import { freePort } from './provider/ports.js';
import { removeSipUser, setSipUser } from './provider/kamailio.js';
import { startLoginBroker, type LoginBroker, type TestAccount } from './provider/login-broker.js';
import {
  AUTH0_ROLES_CLAIM,
  AUTH0_SHAPE,
  entraShape,
  GOOGLE_SHAPE,
  keycloakShape,
  OKTA_SHAPE,
  type IssuerShape,
  type ShapedClient,
} from './provider/login-broker-shapes.js';
import { kamailioProvisioner } from './provider/sip-provisioner.js';
import type { Shell } from './shell/shell.js';
import { expect, test } from './support/fixtures.js';
import { expectRegistered } from './support/phone.js';
import { completeAtBroker } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';

// Each kind of IdP as the company's own issuer, with the token shapes its documentation describes
// (e2e/provider/login-broker-shapes.ts), no provider API, the SIP account from the policy's template: who is
// admin, who is refused for a missing second factor and with which words, a sign-in without a refresh
// token, and the kind's defaults in the authorization request.

const CLIENT = 'secure-softphone';
const CLIENT_WITHOUT_REFRESH = 'secure-softphone-no-refresh';
const ALL_AMR = 'mfa, mca, otp, hwk, swk, sms, tel, sc, pop, fpt, face, iris, retina, vbm';

interface Issuer {
  broker: LoginBroker;
  ports: number[];
  people: TestAccount[];
}

async function startShaped(
  shape: IssuerShape,
  clients: (ports: number[]) => ShapedClient[],
): Promise<Issuer> {
  const state = readStackState();
  const ports = [await freePort(), await freePort()];
  const broker = await startLoginBroker({
    pki: state,
    sip: { wssUrl: state.wssUrl, domain: state.sipDomain },
    provisioner: kamailioProvisioner(state.ctlSocket),
    shape: { issuer: shape, clients: clients(ports) },
  });
  return { broker, ports, people: [] };
}

async function stopShaped(issuer: Issuer | undefined) {
  if (!issuer) return;
  const { ctlSocket } = readStackState();
  for (const person of issuer.people)
    await removeSipUser(ctlSocket, person.sipUsername).catch(() => undefined);
  await issuer.broker.stop();
}

/** A person at the shaped issuer, with a SIP account of the same local name at the stack's Kamailio. */
async function person(
  issuer: Issuer,
  local: string,
  options: {
    secondFactor: boolean;
    claims?: Record<string, unknown>;
    accessTokenClaims?: Record<string, unknown>;
  },
): Promise<TestAccount> {
  const account = issuer.broker.addUser({
    username: `${local}@example.eu`,
    password: `${local}-${new Secret({ size: 10 }).base32}`,
    upstream: 'company',
    secondFactor: options.secondFactor ? 'otp' : 'none',
    ...(options.secondFactor && { totpSecret: new Secret({ size: 20 }).base32 }),
    roles: ['user'],
    email: `${local}@example.eu`,
    name: local.replace(/^\w+\./, '').replace(/^./, (c) => c.toUpperCase()),
    sipUsername: local,
    ...(options.claims && { claims: options.claims }),
    ...(options.accessTokenClaims && { accessTokenClaims: options.accessTokenClaims }),
  });
  await setSipUser(readStackState().ctlSocket, local, sipPasswordOf(account));
  issuer.people.push(account);
  return account;
}
const sipPasswordOf = (account: TestAccount) => `sip-${account.sub.slice(0, 12)}`;

function policyFor(issuer: Issuer, provider: Record<string, unknown>, extra: object = {}) {
  const state = readStackState();
  return {
    provider: {
      issuer: issuer.broker.issuer,
      clientId: CLIENT,
      wssUrl: state.wssUrl,
      sipAccount: { uri: `sip:\${preferred_username:localpart}@${state.sipDomain}` },
      ...provider,
    },
    signInMethods: ['company', 'google'],
    ...extra,
  };
}

/** Signs in at the issuer's pages; returns the authorization request the app sent. */
async function signInAt(
  shell: Shell,
  account: TestAccount,
  method: 'company' | 'google' = 'company',
): Promise<URL> {
  const requests: URL[] = [];
  const onRequest = (request: { url(): string }) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith('/auth') && url.searchParams.has('code_challenge')) requests.push(url);
  };
  shell.context.on('request', onRequest);
  const opened = shell.context.waitForEvent('page');
  if (method === 'google') await shell.page.getByRole('button', { name: 'Continue with Google' }).click();
  else {
    await shell.page.getByLabel('Work e-mail address').fill(account.email);
    await shell.page.getByRole('button', { name: 'Continue with company SSO' }).click();
  }
  const page: Page = await opened;
  await completeAtBroker(page, account);
  shell.context.off('request', onRequest);
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

async function enterSipPassword(shell: Shell, account: TestAccount) {
  await shell.page.getByLabel('Password of your phone line').fill(sipPasswordOf(account));
  await shell.page.getByRole('button', { name: 'Save password' }).click();
  await expectRegistered(shell.page);
}

async function expectRole(shell: Shell, role: 'Administrator' | 'User') {
  await shell.page.getByRole('link', { name: 'Settings' }).click();
  await expect(shell.page.getByText(`Role: ${role}`)).toBeVisible();
  await expect(shell.page.getByRole('link', { name: 'Policy' })).toHaveCount(
    role === 'Administrator' ? 1 : 0,
  );
}

async function signOut(shell: Shell) {
  await shell.page.getByRole('link', { name: 'Settings' }).click();
  await shell.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(shell.page.getByText('You are not signed in.')).toBeVisible();
}

const storedSession = async (service: string) =>
  JSON.parse((await createKeytarSecretStore({ service }).get('identity-session'))!) as {
    refreshToken: string | null;
    tokenIssuer?: string;
  };

const serviceOf = (testId: string, name: string) => `secure-softphone-e2e-${testId}-${name}`;

async function lastAudit(shell: Shell, type: 'auth.signInSucceeded' | 'auth.signInRefusedNoMfa') {
  const [event] = await shell.services.audit.search({ types: [type], limit: 1 });
  return event?.details;
}

/** The refusal's alert: the organisation's rule, then the evidence for the IT department. */
async function expectMfaRefusal(shell: Shell, evidence: string | null) {
  const alert = shell.page.getByRole('alert');
  await expect(alert).toContainText('Your organisation requires a second factor');
  if (evidence !== null) await expect(alert).toContainText(evidence);
}

async function expectSignedInWithoutRefreshToken(shell: Shell, service: string, account: TestAccount) {
  await expect(
    shell.page.getByRole('status').filter({ hasText: `Signed in as ${account.name}` }),
  ).toBeVisible();
  expect((await storedSession(service)).refreshToken).toBeNull();
  await enterSipPassword(shell, account);
}

test.describe('Microsoft Entra ID (multi-tenant, organizations)', () => {
  const TENANT = randomUUID();
  const OTHER_TENANT = randomUUID();
  const ADMINS_GROUP = randomUUID();
  let entra: Issuer;
  const organizations = () => entra.broker.issuer.replace(`/${TENANT}/v2.0`, '/organizations/v2.0');
  const entraPolicy = (provider: Record<string, unknown> = {}, extra: object = {}) =>
    policyFor(
      entra,
      {
        issuer: organizations(),
        kind: 'entra',
        tenants: [TENANT],
        adminRoles: ['Softphone.Admin'],
        ...provider,
      },
      extra,
    );
  const inTenant = (tid: string, more: Record<string, unknown> = {}) => ({ tid, oid: randomUUID(), ...more });

  test.beforeAll(async () => {
    entra = await startShaped(entraShape(TENANT), () => [
      { clientId: CLIENT },
      { clientId: CLIENT_WITHOUT_REFRESH, refreshTokens: false },
    ]);
  });
  test.afterAll(() => stopShaped(entra));

  test('an app role makes an admin; the second factor is trusted to Conditional Access; the kind asks for offline access', async ({
    openApp,
  }, testInfo) => {
    test.setTimeout(60_000);
    const ada = await person(entra, 'entra.ada', {
      secondFactor: true,
      claims: inTenant(TENANT, { roles: ['Softphone.Admin'] }),
    });
    const shell = await openApp({ name: 'ada', policy: entraPolicy({}, { mfa: { enforcedByIdp: true } }) });
    const request = await signInAt(shell, ada);
    expect(request.searchParams.get('scope')).toBe('openid profile email offline_access');
    expect(request.searchParams.has('prompt')).toBe(false);
    expect(request.searchParams.has('idp_hint')).toBe(false);
    await enterSipPassword(shell, ada);
    // No amr, no acr from Entra: proven by IT's attestation, and the audit log says so.
    expect(await lastAudit(shell, 'auth.signInSucceeded')).toEqual({
      method: 'company',
      mfa: true,
      mfaProof: 'idp-attestation',
    });
    // The template issuer of `organizations`, the tenant's own in the tokens.
    const session = await storedSession(serviceOf(testInfo.testId, 'ada'));
    expect(session.tokenIssuer).toBe(entra.broker.issuer);
    expect(session.refreshToken).toBeTruthy();
    await expectRole(shell, 'Administrator');
    await shell.page.getByRole('link', { name: 'Policy' }).click();
    await expect(shell.page.getByText(/trusted to the sign-in provider \(mfa.enforcedByIdp\)/)).toBeVisible();
    await signOut(shell);
  });

  test('without the attestation every Entra sign-in is refused: it shows neither amr nor acr', async ({
    openApp,
  }) => {
    const ben = await person(entra, 'entra.ben', { secondFactor: true, claims: inTenant(TENANT) });
    const shell = await openApp({ name: 'ben', policy: entraPolicy() });
    await signInAt(shell, ben);
    await expectMfaRefusal(
      shell,
      `For your IT department: the sign-in showed no authentication methods (amr absent) and no level (acr absent); your organisation accepts amr ${ALL_AMR}.`,
    );
    expect(await lastAudit(shell, 'auth.signInRefusedNoMfa')).toEqual({ method: 'company', amr: '' });
  });

  test('a groups overage is "roles unknown", said to the person; another tenant is refused', async ({
    openApp,
  }) => {
    test.setTimeout(60_000);
    const cleo = await person(entra, 'entra.cleo', {
      secondFactor: true,
      claims: inTenant(TENANT, {
        _claim_names: { groups: 'src1' },
        _claim_sources: {
          src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${randomUUID()}/getMemberObjects` },
        },
      }),
    });
    const policy = entraPolicy(
      { roleClaims: ['/groups'], adminRoles: [ADMINS_GROUP] },
      { mfa: { enforcedByIdp: true } },
    );
    const shell = await openApp({ name: 'cleo', policy });
    await signInAt(shell, cleo);
    await enterSipPassword(shell, cleo);
    await shell.page.getByRole('link', { name: 'Settings' }).click();
    await expect(shell.page.getByRole('alert')).toContainText(
      'Your sign-in did not say which roles you have',
    );
    await expect(shell.page.getByRole('link', { name: 'Policy' })).toHaveCount(0);
    await signOut(shell);

    const dan = await person(entra, 'entra.dan', { secondFactor: true, claims: inTenant(TENANT) });
    const other = await openApp({
      name: 'dan',
      policy: entraPolicy({ tenants: [OTHER_TENANT] }, { mfa: { enforcedByIdp: true } }),
    });
    await signInAt(other, dan);
    await expect(other.page.getByRole('alert')).toHaveText(
      'This account belongs to an organisation that may not use this app. Sign in with your work account.',
    );
  });

  test('an app registration without refresh tokens: signed in all the same', async ({
    openApp,
  }, testInfo) => {
    const eve = await person(entra, 'entra.eve', { secondFactor: true, claims: inTenant(TENANT) });
    const shell = await openApp({
      name: 'eve',
      policy: entraPolicy({ clientId: CLIENT_WITHOUT_REFRESH }, { mfa: { enforcedByIdp: true } }),
    });
    await signInAt(shell, eve);
    await expectSignedInWithoutRefreshToken(shell, serviceOf(testInfo.testId, 'eve'), eve);
    await expectRole(shell, 'User');
    await signOut(shell);
  });
});

test.describe('Google (Workspace)', () => {
  const SECRET = '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nfidential';
  let google: Issuer;
  // Google's ID tokens have no preferred_username: the SIP user is the e-mail address's local part.
  const googlePolicy = (provider: Record<string, unknown> = {}, extra: object = {}) =>
    policyFor(
      google,
      {
        kind: 'google',
        clientSecret: SECRET,
        hostedDomain: 'example.eu',
        admins: ['google.gwen@example.eu'],
        sipAccount: { uri: `sip:\${email:localpart}@${readStackState().sipDomain}` },
        ...provider,
      },
      { signInMethods: ['google'], mfa: { enforcedByIdp: true }, ...extra },
    );

  test.beforeAll(async () => {
    google = await startShaped(GOOGLE_SHAPE, () => [{ clientId: CLIENT, clientSecret: SECRET }]);
  });
  test.afterAll(() => stopShaped(google));

  test('the admin list makes an admin; offline access by access_type with the client secret; hd checked', async ({
    openApp,
  }, testInfo) => {
    test.setTimeout(60_000);
    const gwen = await person(google, 'google.gwen', { secondFactor: true, claims: { hd: 'example.eu' } });
    const shell = await openApp({ name: 'gwen', policy: googlePolicy() });
    const request = await signInAt(shell, gwen, 'google');
    expect(request.searchParams.get('scope')).toBe('openid email profile');
    expect(request.searchParams.get('access_type')).toBe('offline');
    expect(request.searchParams.get('prompt')).toBe('consent');
    expect(request.searchParams.get('hd')).toBe('example.eu');
    await enterSipPassword(shell, gwen);
    // The code exchange needed the desktop client's secret; the refresh token came with access_type=offline.
    expect((await storedSession(serviceOf(testInfo.testId, 'gwen'))).refreshToken).toBeTruthy();
    expect(await lastAudit(shell, 'auth.signInSucceeded')).toMatchObject({ mfaProof: 'idp-attestation' });
    await expectRole(shell, 'Administrator');
    await signOut(shell);
  });

  test('without the attestation a Google sign-in is refused; another Workspace domain is refused', async ({
    openApp,
  }) => {
    test.setTimeout(60_000);
    const gus = await person(google, 'google.gus', { secondFactor: true, claims: { hd: 'example.eu' } });
    const strict = await openApp({ name: 'gus', policy: googlePolicy({}, { mfa: {} }) });
    await signInAt(strict, gus, 'google');
    await expectMfaRefusal(
      strict,
      'the sign-in showed no authentication methods (amr absent) and no level (acr absent)',
    );

    const greta = await person(google, 'google.greta', {
      secondFactor: true,
      claims: { hd: 'gmail.example' },
    });
    const shell = await openApp({ name: 'greta', policy: googlePolicy() });
    await signInAt(shell, greta, 'google');
    await expect(shell.page.getByRole('alert')).toContainText('organisation that may not use this app');
  });

  test('access_type=online: no refresh token, signed in all the same', async ({ openApp }, testInfo) => {
    const gil = await person(google, 'google.gil', { secondFactor: true, claims: { hd: 'example.eu' } });
    const shell = await openApp({
      name: 'gil',
      policy: googlePolicy({ authorizationParameters: { access_type: 'online' } }),
    });
    await signInAt(shell, gil, 'google');
    await expectSignedInWithoutRefreshToken(shell, serviceOf(testInfo.testId, 'gil'), gil);
    await expectRole(shell, 'User');
    await signOut(shell);
  });
});

test.describe('Okta (custom authorization server, exact redirect ports)', () => {
  let okta: Issuer;
  const oktaPolicy = (provider: Record<string, unknown> = {}) =>
    policyFor(okta, {
      kind: 'okta',
      loopbackPorts: okta.ports,
      adminRoles: ['Softphone Admins'],
      ...provider,
    });

  test.beforeAll(async () => {
    okta = await startShaped(OKTA_SHAPE, (ports) => [
      { clientId: CLIENT, exactPorts: ports },
      { clientId: CLIENT_WITHOUT_REFRESH, exactPorts: ports, refreshTokens: false },
    ]);
  });
  test.afterAll(() => stopShaped(okta));

  test('the groups claim makes an admin; amr proves the second factor; a registered port; groups and offline access', async ({
    openApp,
  }, testInfo) => {
    test.setTimeout(60_000);
    const olga = await person(okta, 'okta.olga', {
      secondFactor: true,
      claims: { groups: ['Everyone', 'Softphone Admins'] },
    });
    const shell = await openApp({ name: 'olga', policy: oktaPolicy() });
    const request = await signInAt(shell, olga);
    expect(request.searchParams.get('scope')).toBe('openid email profile offline_access groups');
    expect(okta.ports).toContain(Number(new URL(request.searchParams.get('redirect_uri')!).port));
    await enterSipPassword(shell, olga);
    expect(await lastAudit(shell, 'auth.signInSucceeded')).toMatchObject({ mfaProof: 'amr' });
    expect((await storedSession(serviceOf(testInfo.testId, 'olga'))).refreshToken).toBeTruthy();
    await expectRole(shell, 'Administrator');
    await signOut(shell);
  });

  test('a password-only sign-in is refused, naming amr pwd', async ({ openApp }) => {
    const otto = await person(okta, 'okta.otto', { secondFactor: false, claims: { groups: ['Everyone'] } });
    const shell = await openApp({ name: 'otto', policy: oktaPolicy() });
    await signInAt(shell, otto);
    await expectMfaRefusal(
      shell,
      `the sign-in showed authentication methods (amr) pwd and no level (acr absent); your organisation accepts amr ${ALL_AMR}.`,
    );
    expect(await lastAudit(shell, 'auth.signInRefusedNoMfa')).toEqual({ method: 'company', amr: 'pwd' });
  });

  test('an app without the refresh token grant: signed in all the same, a user', async ({
    openApp,
  }, testInfo) => {
    const ole = await person(okta, 'okta.ole', { secondFactor: true, claims: { groups: ['Everyone'] } });
    const shell = await openApp({ name: 'ole', policy: oktaPolicy({ clientId: CLIENT_WITHOUT_REFRESH }) });
    await signInAt(shell, ole);
    await expectSignedInWithoutRefreshToken(shell, serviceOf(testInfo.testId, 'ole'), ole);
    await expectRole(shell, 'User');
    await signOut(shell);
  });
});

test.describe('Keycloak (realm with step-up: silver, gold)', () => {
  let keycloak: Issuer;
  const keycloakPolicy = (provider: Record<string, unknown> = {}) =>
    policyFor(
      keycloak,
      { kind: 'keycloak', adminRoles: ['softphone-admin'], ...provider },
      { mfa: { acr: ['gold'] } },
    );
  const realmRoles = (...roles: string[]) => ({
    realm_access: { roles: ['offline_access', ...roles] },
    resource_access: { [CLIENT]: { roles: [] } },
  });

  test.beforeAll(async () => {
    keycloak = await startShaped(keycloakShape('staff'), () => [
      { clientId: CLIENT },
      { clientId: CLIENT_WITHOUT_REFRESH, refreshTokens: false },
    ]);
  });
  test.afterAll(() => stopShaped(keycloak));

  test('realm roles in the access token make an admin; acr gold proves the second factor, asked as essential', async ({
    openApp,
  }, testInfo) => {
    test.setTimeout(60_000);
    const kai = await person(keycloak, 'kc.kai', {
      secondFactor: true,
      accessTokenClaims: realmRoles('softphone-admin'),
    });
    const shell = await openApp({ name: 'kai', policy: keycloakPolicy() });
    const request = await signInAt(shell, kai);
    expect(request.searchParams.get('scope')).toBe('openid email profile');
    expect(request.searchParams.get('acr_values')).toBe('gold');
    expect(JSON.parse(request.searchParams.get('claims')!)).toEqual({
      id_token: { acr: { essential: true, values: ['gold'] } },
    });
    await enterSipPassword(shell, kai);
    expect(await lastAudit(shell, 'auth.signInSucceeded')).toMatchObject({ mfaProof: 'acr' });
    // Keycloak gives a refresh token without offline_access.
    expect((await storedSession(serviceOf(testInfo.testId, 'kai'))).refreshToken).toBeTruthy();
    await expectRole(shell, 'Administrator');
    await signOut(shell);
  });

  test('a password-only sign-in does not reach gold: Keycloak refuses it and the app says why', async ({
    openApp,
  }) => {
    const kim = await person(keycloak, 'kc.kim', { secondFactor: false, accessTokenClaims: realmRoles() });
    const shell = await openApp({ name: 'kim', policy: keycloakPolicy() });
    await signInAt(shell, kim);
    await expectMfaRefusal(shell, null);
    // Refused by Keycloak itself (unmet_authentication_requirements): no token, so no amr or acr to name.
    expect(await lastAudit(shell, 'auth.signInRefusedNoMfa')).toEqual({ method: 'company', amr: '' });
  });

  test('a client with refresh tokens off: signed in all the same, a user', async ({ openApp }, testInfo) => {
    const kurt = await person(keycloak, 'kc.kurt', { secondFactor: true, accessTokenClaims: realmRoles() });
    const shell = await openApp({
      name: 'kurt',
      policy: keycloakPolicy({ clientId: CLIENT_WITHOUT_REFRESH }),
    });
    await signInAt(shell, kurt);
    await expectSignedInWithoutRefreshToken(shell, serviceOf(testInfo.testId, 'kurt'), kurt);
    await expectRole(shell, 'User');
    await signOut(shell);
  });
});

test.describe('Auth0 (roles from an Action, exact redirect ports)', () => {
  let auth0: Issuer;
  const auth0Policy = (provider: Record<string, unknown> = {}) =>
    policyFor(auth0, {
      kind: 'auth0',
      loopbackPorts: auth0.ports,
      roleClaims: ['/https:~1~1softphone.example~1roles'],
      // Auth0's ID tokens have no preferred_username: the SIP user is the e-mail address's local part.
      sipAccount: { uri: `sip:\${email:localpart}@${readStackState().sipDomain}` },
      ...provider,
    });

  test.beforeAll(async () => {
    auth0 = await startShaped(AUTH0_SHAPE, (ports) => [
      { clientId: CLIENT, exactPorts: ports },
      { clientId: CLIENT_WITHOUT_REFRESH, exactPorts: ports, refreshTokens: false },
    ]);
  });
  test.afterAll(() => stopShaped(auth0));

  test("the Action's namespaced roles claim makes an admin; amr mfa proves the second factor", async ({
    openApp,
  }, testInfo) => {
    test.setTimeout(60_000);
    const ava = await person(auth0, 'auth0.ava', {
      secondFactor: true,
      claims: { [AUTH0_ROLES_CLAIM]: ['admin'] },
    });
    const shell = await openApp({ name: 'ava', policy: auth0Policy() });
    const request = await signInAt(shell, ava);
    expect(request.searchParams.get('scope')).toBe('openid email profile offline_access');
    expect(auth0.ports).toContain(Number(new URL(request.searchParams.get('redirect_uri')!).port));
    await enterSipPassword(shell, ava);
    expect(await lastAudit(shell, 'auth.signInSucceeded')).toMatchObject({ mfaProof: 'amr' });
    expect((await storedSession(serviceOf(testInfo.testId, 'ava'))).refreshToken).toBeTruthy();
    await expectRole(shell, 'Administrator');
    await signOut(shell);
  });

  test('a sign-in without MFA has no amr: refused, saying so', async ({ openApp }) => {
    const abe = await person(auth0, 'auth0.abe', {
      secondFactor: false,
      claims: { [AUTH0_ROLES_CLAIM]: [] },
    });
    const shell = await openApp({ name: 'abe', policy: auth0Policy() });
    await signInAt(shell, abe);
    await expectMfaRefusal(shell, 'the sign-in showed no authentication methods (amr absent)');
  });

  test('an API without offline access: signed in all the same, a user', async ({ openApp }, testInfo) => {
    const amy = await person(auth0, 'auth0.amy', {
      secondFactor: true,
      claims: { [AUTH0_ROLES_CLAIM]: ['agent'] },
    });
    const shell = await openApp({ name: 'amy', policy: auth0Policy({ clientId: CLIENT_WITHOUT_REFRESH }) });
    await signInAt(shell, amy);
    await expectSignedInWithoutRefreshToken(shell, serviceOf(testInfo.testId, 'amy'), amy);
    await expectRole(shell, 'User');
    await signOut(shell);
  });
});

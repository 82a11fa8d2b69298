import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret } from 'otpauth';
import type { Page } from 'playwright-core';
import { createKeytarSecretStore } from '../electron/secrets/secret-store.js';
import {
  GLEWLWYD_CLIENT_ID,
  MFA_SCOPE,
  startGlewlwyd,
  type Glewlwyd,
  type GlewlwydUser,
} from './idp/glewlwyd.js';
import { removeSipUser, setSipUser } from './provider/kamailio.js';
import { totpNow } from './provider/oidc-test-client.js';
import type { Shell } from './shell/shell.js';
import { expect, test } from './support/fixtures.js';
import { expectRegistered } from './support/phone.js';
import { readStackState } from './support/stack-state.js';

// A company's own IdP as the issuer, without a provider API: Glewlwyd from Debian, with TOTP as the second
// factor, its groups as roles, and the SIP account from the policy's template on the stack's Kamailio.
test.describe.configure({ mode: 'serial' });

const ACCESS_TOKEN_SECONDS = 20;
let dir: string;
let glewlwyd: Glewlwyd;

type Person = GlewlwydUser & { sipUser: string; sipPassword: string };
const person = (local: string, name: string, groups: string[], secondFactor: boolean): Person => ({
  username: `${local}@example.eu`,
  password: `${local}-${new Secret({ size: 10 }).base32}`,
  name,
  email: `${local}@example.eu`,
  groups,
  ...(secondFactor && { totpSecret: new Secret({ size: 20 }).base32 }),
  sipUser: local,
  sipPassword: `sip-${new Secret({ size: 10 }).base32}`,
});
const alice = person('glw.alice', 'Alice Admin', ['staff', 'softphone-admins'], true);
const bob = person('glw.bob', 'Bob User', ['staff'], true);
const nick = person('glw.nick', 'Nick Nofactor', ['staff'], false);

test.beforeAll(async () => {
  const state = readStackState();
  dir = await mkdtemp(join(tmpdir(), 'softphone-glewlwyd-'));
  glewlwyd = await startGlewlwyd({ dir, pki: state, accessTokenSeconds: ACCESS_TOKEN_SECONDS });
  for (const user of [alice, bob, nick]) {
    await glewlwyd.addUser(user);
    await setSipUser(state.ctlSocket, user.sipUser, user.sipPassword);
  }
});
test.afterAll(async () => {
  const state = readStackState();
  for (const user of [alice, bob, nick])
    await removeSipUser(state.ctlSocket, user.sipUser).catch(() => undefined);
  await glewlwyd?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The policy IT writes for Glewlwyd: generic OpenID issuer, its fixed redirect ports, roles from `groups`. */
function glewlwydPolicy(issuer = glewlwyd.issuer) {
  const state = readStackState();
  return {
    provider: {
      issuer,
      clientId: GLEWLWYD_CLIENT_ID,
      wssUrl: state.wssUrl,
      kind: 'generic',
      scopes: [MFA_SCOPE],
      roleClaims: ['/groups'],
      adminRoles: ['softphone-admins'],
      loopbackPorts: glewlwyd.loopbackPorts,
      sipAccount: { uri: `sip:\${preferred_username:localpart}@${state.sipDomain}` },
    },
    signInMethods: ['company'],
    companyDomains: ['example.eu'],
  };
}

/** The words of Glewlwyd's login pages in a language, from its own translations. */
function glewlwydWords(language: 'en' | 'de') {
  const texts = JSON.parse(
    readFileSync(`/usr/share/glewlwyd/webapp/locales/${language}/translations.json`, 'utf8'),
  ) as {
    login: Record<string, string>;
  };
  const { login, password, 'btn-ok': ok, grant, 'otp-value-label': code, continue: next } = texts.login;
  return { login: login!, password: password!, ok: ok!, grant: grant!, code: code!, continue: next! };
}

/** Glewlwyd's own pages, as a person goes through them: login and password, the grant, the TOTP code. */
async function completeAtGlewlwyd(page: Page, user: GlewlwydUser, language: 'en' | 'de'): Promise<void> {
  const words = glewlwydWords(language);
  await page.getByLabel(words.login, { exact: true }).fill(user.username);
  await page.getByLabel(words.password, { exact: true }).fill(user.password);
  await page.getByRole('button', { name: words.ok }).click();
  const grant = page.getByRole('button', { name: words.grant });
  const code = page.getByRole('textbox', { name: words.code });
  const next = page.getByRole('button', { name: words.continue });
  await grant.or(code).or(next).first().waitFor();
  if (await grant.isVisible()) {
    // The scopes the app asked for, where this user may have them (Glewlwyd leaves the others out).
    const softphone = page.getByLabel('Secure Softphone');
    if (await softphone.isVisible()) await softphone.check();
    await grant.click();
  }
  if (user.totpSecret) {
    await code.fill(totpNow(user.totpSecret));
    await page.getByRole('button', { name: words.ok }).click();
  }
  // "Connection to Secure Softphone. What do you wish for?": Continue goes back to the app's loopback page.
  await next.click();
  await expect(
    page.getByRole('heading', { name: /^(Sign-in complete|Anmeldung abgeschlossen)$/ }),
  ).toBeVisible();
}

const APP_WORDS = {
  en: { email: 'Work e-mail address', continue: 'Continue with company SSO' },
  de: { email: 'Geschäftliche E-Mail-Adresse', continue: 'Weiter mit Firmen-SSO' },
};

async function signInAtGlewlwyd(
  shell: Shell,
  user: GlewlwydUser,
  language: 'en' | 'de' = 'en',
): Promise<Page> {
  const opened = shell.context.waitForEvent('page');
  await shell.page.getByLabel(APP_WORDS[language].email).fill(user.email);
  await shell.page.getByRole('button', { name: APP_WORDS[language].continue }).click();
  const idp = await opened;
  await completeAtGlewlwyd(idp, user, language);
  return idp;
}

async function enterSipPasswordOnce(shell: Shell, user: Person) {
  const state = readStackState();
  await expect(shell.page.getByText(`Current account: sip:${user.sipUser}@${state.sipDomain}`)).toBeVisible();
  await shell.page.getByLabel('Password of your phone line').fill(user.sipPassword);
  await shell.page.getByRole('button', { name: 'Save password' }).click();
  await expectRegistered(shell.page);
}

const sessionOf = async (service: string) =>
  JSON.parse((await createKeytarSecretStore({ service }).get('identity-session'))!) as {
    refreshToken: string | null;
    amr: string[];
    mfaProof: string;
  };

test(
  'Glewlwyd: password and TOTP prove the second factor, groups make an admin, the token refreshes',
  {
    annotation: { type: 'interop', description: 'glewlwyd | sign-in, TOTP, roles, refresh, sign-out | -' },
  },
  async ({ openApp }, testInfo) => {
    test.setTimeout(120_000);
    const shell = await openApp({ name: 'alice', policy: glewlwydPolicy() });
    const service = `secure-softphone-e2e-${testInfo.testId}-alice`;
    await signInAtGlewlwyd(shell, alice);
    // No provider API: the SIP address from the template over preferred_username, the password once.
    await enterSipPasswordOnce(shell, alice);

    // Glewlwyd put amr ["password", "otp"] in the ID token: proven by amr, stored with the session.
    const [signedIn] = await shell.services.audit.search({ types: ['auth.signInSucceeded'], limit: 1 });
    expect(signedIn?.details).toEqual({ method: 'company', mfa: true, mfaProof: 'amr' });
    const first = await sessionOf(service);
    expect(first).toMatchObject({ amr: ['password', 'otp'], mfaProof: 'amr' });
    expect(first.refreshToken).toBeTruthy();

    // The groups claim names softphone-admins: the Policy screen, with what Glewlwyd's discovery cannot meet.
    await shell.page.getByRole('link', { name: 'Settings' }).click();
    await expect(shell.page.getByText('Role: Administrator')).toBeVisible();
    await expect(
      shell.page.getByText("Your phone line comes from your organisation's phone system."),
    ).toBeVisible();
    await shell.page.getByRole('link', { name: 'Policy' }).click();
    await expect(shell.page.getByText(/does not list amr or acr among its claims/)).toBeVisible();
    await expect(shell.page.getByText(/does not support offline_access/)).toBeVisible();
    await expect(shell.page.getByText('No provider API: audit events stay on each device.')).toBeVisible();

    // 80 % into the access token's 20 s: a refresh, with Glewlwyd's one-time refresh token rotated in the keychain.
    await expect
      .poll(
        async () => (await shell.services.audit.search({ types: ['token.refreshed'], limit: 1 })).length,
        {
          timeout: 40_000,
        },
      )
      .toBe(1);
    const refreshed = await sessionOf(service);
    expect(refreshed.refreshToken).toBeTruthy();
    expect(refreshed.refreshToken).not.toBe(first.refreshToken);
    await expectRegistered(shell.page);

    // Audit events stay on the device: nobody is configured to receive them.
    await shell.page.getByRole('link', { name: 'Audit log' }).click();
    await expect(shell.page.getByText(/No provider is configured to receive these events/)).toBeVisible();

    await shell.page.getByRole('link', { name: 'Settings' }).click();
    await shell.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(shell.page.getByText('You are not signed in.')).toBeVisible();
    const keychain = createKeytarSecretStore({ service });
    expect(await keychain.get('identity-session')).toBeNull();
    expect(await keychain.get('templated-sip-password')).toBeNull();
  },
);

test(
  'Glewlwyd: a password-only sign-in is refused, in German, naming the evidence',
  {
    annotation: { type: 'interop', description: 'glewlwyd | MFA refused without TOTP | -' },
  },
  async ({ openApp }) => {
    test.setTimeout(60_000);
    const shell = await openApp({
      name: 'nick',
      systemLocale: 'de-DE',
      policy: glewlwydPolicy(),
    });
    await signInAtGlewlwyd(shell, nick, 'de');
    const alert = shell.page.getByRole('alert');
    await expect(alert).toContainText('Ihre Organisation verlangt einen zweiten Faktor');
    await expect(alert).toContainText(
      'Für Ihre IT-Abteilung: Die Anmeldung zeigte die Anmeldeverfahren (amr) password und keine Stufe (acr fehlt); Ihre Organisation akzeptiert amr mfa, mca, otp, hwk, swk, sms, tel, sc, pop, fpt, face, iris, retina, vbm.',
    );
    const [refused] = await shell.services.audit.search({ types: ['auth.signInRefusedNoMfa'], limit: 1 });
    expect(refused?.details).toEqual({ method: 'company', amr: 'password' });
  },
);

test(
  'Glewlwyd with its refresh grant off: the session goes on without refresh token, also after a restart',
  {
    annotation: { type: 'interop', description: 'glewlwyd | no usable refresh token | -' },
  },
  async ({ openApp }, testInfo) => {
    test.setTimeout(90_000);
    const policy = glewlwydPolicy(glewlwyd.issuerWithoutRefresh);
    const service = `secure-softphone-e2e-${testInfo.testId}-bob`;
    const shell = await openApp({ name: 'bob', policy });
    await signInAtGlewlwyd(shell, bob);
    await enterSipPasswordOnce(shell, bob);
    await shell.page.getByRole('link', { name: 'Settings' }).click();
    await expect(shell.page.getByText('Role: User')).toBeVisible();
    await expect(shell.page.getByRole('link', { name: 'Policy' })).toHaveCount(0);

    // Glewlwyd hands out a refresh token, then refuses the refresh (403): the app drops it and stays signed in.
    await expect
      .poll(
        async () => (await shell.services.audit.search({ types: ['token.refreshFailed'], limit: 1 })).length,
        {
          timeout: 40_000,
        },
      )
      .toBe(1);
    await expect.poll(async () => (await sessionOf(service)).refreshToken).toBeNull();
    await expectRegistered(shell.page);
    expect(await shell.services.audit.search({ types: ['auth.signedOut'], limit: 1 })).toEqual([]);

    // A restart: still signed in and registered (no provider API needs a token).
    await shell.close();
    const again = await openApp({ name: 'bob', policy });
    await expectRegistered(again.page);
    await again.page.getByRole('link', { name: 'Settings' }).click();
    await expect(again.page.getByText(`Signed in as ${bob.name} (${bob.email})`)).toBeVisible();
    await again.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(again.page.getByText('You are not signed in.')).toBeVisible();
  },
);

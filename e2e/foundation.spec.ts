import type { Page } from 'playwright-core';
import { catalogs } from '../renderer/i18n/catalogs.js';
import { expect, test } from './support/fixtures.js';
import { axeViolations } from './support/screens.js';

/** A pattern that finds `phrase` as a whole word or phrase, not inside a longer word. */
function asWords(phrase: string): RegExp {
  const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u');
}

const screens = [
  { nav: { en: 'Phone', de: 'Telefon' } },
  { nav: { en: 'History', de: 'Verlauf' } },
  { nav: { en: 'Contacts', de: 'Kontakte' } },
  { nav: { en: 'Settings', de: 'Einstellungen' } },
] as const;

const providerPolicy = {
  provider: {
    issuer: 'https://127.0.0.1:9/',
    clientId: 'softphone',
    wssUrl: 'wss://127.0.0.1:7443',
    apiBaseUrl: 'https://127.0.0.1:9/',
  },
};

/** Presses Tab until the element has focus; fails after `limit` presses. */
async function tabTo(page: Page, name: string | RegExp, role: 'link' | 'button', limit = 40): Promise<void> {
  const target = page.getByRole(role, { name, exact: typeof name === 'string' });
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((element) => element === document.activeElement).catch(() => false)) return;
  }
  throw new Error(`could not reach ${role} "${String(name)}" with Tab`);
}

async function expectNoViolations(page: Page, context: string): Promise<void> {
  expect(await axeViolations(page), context).toEqual([]);
}

test('every screen is reached by keyboard alone, and focus lands on its heading', async ({ openApp }) => {
  const { page } = await openApp({ policy: providerPolicy });
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused();
  await tabTo(page, 'Continue without signing in', 'button');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Phone' })).toBeFocused();

  for (const { nav } of screens) {
    await tabTo(page, nav.en, 'link');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name: nav.en })).toBeFocused();
    await expect(page.getByRole('link', { name: nav.en })).toHaveAttribute('aria-current', 'page');
  }
  await tabTo(page, 'Sign in', 'link');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeFocused();
});

test('the dial pad and the number field work from the keyboard', async ({ openApp }) => {
  const { page } = await openApp();
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  const field = page.getByRole('textbox', { name: 'Number or SIP address' });
  // Digits typed anywhere on the screen go into the field.
  await page.getByRole('heading', { name: 'Phone' }).focus();
  await page.keyboard.type('030');
  await expect(field).toHaveValue('030');
  await page.getByRole('button', { name: '1', exact: true }).click();
  await expect(field).toHaveValue('0301');
  await page.getByRole('button', { name: 'Delete last character' }).click();
  await expect(field).toHaveValue('030');
  await field.fill('hello');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toHaveText('Use digits, +, *, # or a SIP address (sip:name@domain).');
  await field.fill('030 1234567');
  await page.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('No SIP account is set up yet');
});

test('German by default on a German system; the language setting switches everything', async ({
  openApp,
}) => {
  const { page } = await openApp({ systemLocale: 'de-DE' });
  await expect(page.getByRole('heading', { level: 1, name: 'Anmelden' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await page.getByRole('button', { name: 'Ohne Anmeldung fortfahren' }).click();
  await page.getByRole('link', { name: 'Einstellungen' }).click();
  await page.getByLabel('Sprache').selectOption('en');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // No German string is left on any English screen, and the other way round.
  const german = new Set(
    Object.values(flatten(catalogs.de)).filter((text) => !Object.values(flatten(catalogs.en)).includes(text)),
  );
  for (const { nav } of screens) {
    await page.getByRole('link', { name: nav.en }).click();
    const text = await page.locator('body').innerText();
    // Whole words only: the German "Aus" (off) is not "Austria".
    for (const phrase of german)
      expect(text, `German text "${phrase}" on the English ${nav.en} screen`).not.toMatch(asWords(phrase));
  }
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Language').selectOption('de');
  await expect(page.getByRole('heading', { level: 1, name: 'Einstellungen' })).toBeVisible();
});

test('a policy file sets the provider, and the settings it fixes are shown as locked', async ({
  openApp,
}) => {
  const { page } = await openApp({
    systemLocale: 'en-GB',
    policy: {
      ...providerPolicy,
      signInMethods: ['google', 'provider'],
      language: 'de',
      defaultCountry: 'AT',
    },
  });
  // The provider from policy: its sign-in methods are offered, the others not, and no "no provider" notice.
  await expect(page.getByRole('button', { name: 'Weiter mit Google' })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Weiter mit Apple' })).toHaveCount(0);
  await expect(page.getByText('noch keinen Telefonanbieter eingerichtet')).toHaveCount(0);
  await page.getByRole('button', { name: 'Ohne Anmeldung fortfahren' }).click();
  await page.getByRole('link', { name: 'Einstellungen' }).click();
  await expect(page.getByLabel('Sprache')).toBeDisabled();
  await expect(page.getByLabel('Standardland für Rufnummern')).toBeDisabled();
  await expect(page.getByText('Von Ihrer Organisation festgelegt').first()).toBeVisible();
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds nothing on any screen (${colorScheme})`, async ({ openApp }) => {
    // Five full axe runs: more than the default 30 s on a loaded machine.
    test.setTimeout(90_000);
    const { page } = await openApp({ policy: providerPolicy });
    await page.emulateMedia({ colorScheme });
    await expectNoViolations(page, 'Sign in');
    await page.getByRole('button', { name: 'Continue without signing in' }).click();
    for (const { nav } of screens) {
      await page.getByRole('link', { name: nav.en }).click();
      await expect(page.getByRole('heading', { level: 1, name: nav.en })).toBeVisible();
      await expectNoViolations(page, nav.en);
    }
  });
}

function flatten(catalog: object, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(catalog).flatMap(([key, value]) =>
      typeof value === 'object' && value !== null
        ? Object.entries(flatten(value, `${prefix}${key}.`))
        : [[`${prefix}${key}`, String(value)]],
    ),
  );
}

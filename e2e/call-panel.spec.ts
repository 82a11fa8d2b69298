import type { Locator, Page } from 'playwright-core';
import { expect, test } from './support/fixtures.js';
import { registeredPhone, type RegisteredPhone } from './support/phone.js';
import { captureScreen, chooseLanguage, openScreen, type Language, type Scheme } from './support/screens.js';

// The call panel at the smallest window (720×560), in English and German (longer labels), light and dark:
// it holds every call, stays in view with the keypad open, and axe finds nothing in any of its states.

test.describe.configure({ timeout: 240_000 });

const words = {
  en: { incoming: 'Incoming call', connected: 'Connected', answer: 'Answer', callWith: 'Call with' },
  de: { incoming: 'Eingehender Anruf', connected: 'Verbunden', answer: 'Annehmen', callWith: 'Anruf mit' },
} as const;

const schemes: Scheme[] = ['light', 'dark'];
const ctrl = (key: string) => `Control+Shift+${key}`;

async function dialOnly(from: RegisteredPhone, to: RegisteredPhone): Promise<void> {
  await from.page.getByLabel('Number or SIP address').fill(to.user.uri);
  await from.page.getByRole('button', { name: 'Call', exact: true }).click();
}

/** Every part that must stay on screen: who, state and time, security claim and code, and Hang up. */
async function expectPanelInView(card: Locator, page: Page): Promise<void> {
  for (const part of [
    card.locator('.call-who'),
    card.getByRole('status').first(),
    card.locator('.call-timer'),
    card.locator('.call-security-badge'),
    card.locator('.sas-code'),
    card.locator('.call-hangup'),
  ])
    await expect(part).toBeInViewport({ ratio: 1 });
  for (const key of ['1', '5', '9', '*', '0', '#'])
    await expect(card.getByRole('button', { name: key, exact: true })).toBeInViewport({ ratio: 1 });
  // Nothing runs off the side of the window.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(720);
}

async function photograph(page: Page, testInfo: Parameters<typeof captureScreen>[1], name: string) {
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    await captureScreen(page, testInfo, `${name}-${scheme}`);
  }
}

test('the call panel at 720×560 in English and German: every state photographed, checked by axe, in view with the keypad open', async ({
  openApp,
}, testInfo) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  const { page } = alice;
  await page.setViewportSize({ width: 720, height: 560 });

  for (const language of ['en', 'de'] as Language[]) {
    const w = words[language];
    await chooseLanguage(page, language);
    await openScreen(page, 'phone');
    const card = page.getByRole('region', { name: `${w.callWith} ${bob.user.username}` }).first();

    // Ringing: the focus is on Answer.
    await dialOnly(bob, alice);
    await expect(card.getByRole('status').first()).toHaveText(w.incoming);
    await expect(card.getByRole('button', { name: w.answer })).toBeFocused();
    await photograph(page, testInfo, `call-incoming-${language}`);

    await page.keyboard.press('Enter');
    await expect(card.getByRole('status').first()).toHaveText(w.connected);
    await expect(card.locator('.sas-code')).toHaveText(/^[A-Z0-9]{4}$/);
    await photograph(page, testInfo, `call-connected-${language}`);

    // The keypad opens inside the panel; who, time, security and Hang up stay in view.
    await page.keyboard.press(ctrl('K'));
    await expect(
      card.getByRole('group', { name: language === 'en' ? 'Dial pad' : 'Wähltastatur' }),
    ).toBeVisible();
    await expectPanelInView(card, page);
    await photograph(page, testInfo, `call-keypad-${language}`);
    await page.keyboard.press(ctrl('K'));

    // The security details, on demand.
    await card.locator('.call-security-badge').click();
    await expect(card.locator('.call-details')).toBeVisible();
    await photograph(page, testInfo, `call-details-${language}`);
    await card.locator('.call-security-badge').click();

    // Transfer, inside the panel.
    await card.getByRole('button', { name: language === 'en' ? 'Transfer' : 'Übergeben' }).click();
    await expect(card.getByRole('textbox')).toBeFocused();
    await photograph(page, testInfo, `call-transfer-${language}`);

    // A second call waits above the first, its Answer focused; declined with the shortcut.
    await dialOnly(bob, alice);
    const waiting = page.locator('.call-row.call-incoming');
    await expect(waiting.getByRole('button', { name: w.answer })).toBeFocused();
    await expect(page.locator('.call-card .call-hangup')).toBeInViewport({ ratio: 1 });
    await photograph(page, testInfo, `call-waiting-${language}`);
    await page.keyboard.press(ctrl('D'));
    await expect(waiting).toHaveCount(0);

    await page.keyboard.press(ctrl('E'));
    await expect(page.getByRole('complementary')).toHaveCount(0);
    await expect(bob.page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  }
});

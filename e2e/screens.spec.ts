import type { Page } from 'playwright-core';
import { expect, test } from './support/fixtures.js';
import { answered, dialFrom, expectRegistered, registeredPhone } from './support/phone.js';
import { navScreens } from '../renderer/state/screens.js';
import { captureScreen, chooseLanguage, openScreen, type Language, type Scheme } from './support/screens.js';
import { providerPolicy, signInWithProviderAccount } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';

// Screenshots of every screen, English and German, light and dark, written to the run folder
// (.test-output/screenshots), each checked by axe (no finding of any impact). The call panel's own
// screenshots at the smallest window size are in e2e/call-panel.spec.ts.

const languages: Language[] = ['en', 'de'];
const schemes: Scheme[] = ['light', 'dark'];

/** A few contacts as an address book exports them; the peer's line is added as a favourite. */
function contactsFile(peerUri: string): string {
  const card = (lines: string[]) => ['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD'].join('\r\n');
  return [
    card([
      'FN:Erika Mustermann',
      'ORG:Beispiel GmbH;Vertrieb',
      'TEL;TYPE=CELL:0170 1234567',
      'EMAIL:erika@example.de',
    ]),
    card(['FN:Jürgen Weißenböck-Schröder', 'TEL;TYPE=WORK:+43 1 5321234', 'TEL;TYPE=HOME:+43 664 1234567']),
    card(['FN:Team Empfang', `IMPP;TYPE=work:${peerUri}`, 'NOTE:Reception desk\\, ground floor']),
    '',
  ].join('\r\n');
}

async function importContacts(page: Page, text: string): Promise<void> {
  await openScreen(page, 'contacts');
  await page.getByLabel('Import vCard or CSV').setInputFiles({
    name: 'team.vcf',
    mimeType: 'text/vcard',
    buffer: Buffer.from(text),
  });
  await expect(page.getByRole('main').getByRole('status')).toHaveText('3 contacts imported.');
  await page.getByRole('button', { name: 'Favourite: Team Empfang' }).click();
  await page.getByRole('button', { name: 'Favourite: Erika Mustermann' }).click();
}

test('every screen, in English and German, light and dark: screenshots, and axe finds nothing', async ({
  openApp,
}, testInfo) => {
  test.setTimeout(300_000);
  const state = readStackState();
  const shell = await openApp({ name: 'screens', policy: providerPolicy(state), systemLocale: 'en-GB' });
  const { page } = shell;
  await signInWithProviderAccount(shell, state.signInUsers.screens);
  await expectRegistered(page);
  const ownUri = `sip:${await page.locator('.glance-line-address').textContent()}`;

  // Something to show: contacts, an answered call, a declined one and a missed one.
  const peer = await registeredPhone(openApp, 'empfang');
  await importContacts(page, contactsFile(peer.user.uri));
  await openScreen(page, 'phone');
  const out = await answered(await dialFrom(page, peer.page, peer.user.uri));
  await out.outgoing.getByRole('button', { name: 'Hang up' }).click();
  await expect(out.outgoing).toHaveCount(0);
  const declined = await dialFrom(peer.page, page, ownUri);
  await declined.incoming.getByRole('button', { name: 'Decline' }).click();
  await expect(declined.outgoing).toHaveCount(0);
  const missed = await dialFrom(peer.page, page, ownUri);
  await missed.outgoing.getByRole('button', { name: 'Hang up' }).click();
  await expect(missed.incoming).toHaveCount(0);

  for (const language of languages) {
    await chooseLanguage(page, language);
    for (const scheme of schemes) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const screen of navScreens) {
        await openScreen(page, screen);
        await captureScreen(page, testInfo, `${screen}-${language}-${scheme}`);
      }
      await openScreen(page, 'phone');
      await page.keyboard.press('?');
      await expect(page.getByRole('dialog')).toBeVisible();
      await captureScreen(page, testInfo, `shortcuts-${language}-${scheme}`);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);

      // The tray menu's window equivalents: Do Not Disturb on the Phone screen (with its hint and the line's
      // status) and Lock now in the sidebar (below); Show is the window itself.
      const doNotDisturb = page.getByRole('checkbox', {
        name: language === 'en' ? 'Do Not Disturb' : 'Bitte nicht stören',
      });
      await doNotDisturb.check();
      await expect(page.locator('.dnd-hint')).toBeVisible();
      await captureScreen(page, testInfo, `phone-dnd-${language}-${scheme}`);
      await doNotDisturb.uncheck();
      await expect(page.locator('.dnd-hint')).toHaveCount(0);
      await page.getByRole('button', { name: language === 'en' ? 'Lock now' : 'Jetzt sperren' }).click();
      await expect(page.locator('.lock-screen')).toBeVisible();
      await captureScreen(page, testInfo, `lock-${language}-${scheme}`);
      await page.getByRole('button', { name: language === 'en' ? 'Unlock' : 'Entsperren' }).click();
      await expect(page.getByRole('navigation')).toBeVisible();
    }
  }
});

test('the sign-in screen, in English and German, light and dark', async ({ openApp }, testInfo) => {
  const state = readStackState();
  for (const language of languages) {
    const { page } = await openApp({
      name: `signin-${language}`,
      policy: providerPolicy(state),
      systemLocale: language === 'en' ? 'en-GB' : 'de-DE',
    });
    await expect(page.locator('h1')).toBeFocused();
    for (const scheme of schemes) {
      await page.emulateMedia({ colorScheme: scheme });
      await captureScreen(page, testInfo, `signin-${language}-${scheme}`);
    }
  }
});

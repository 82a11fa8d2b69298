import type { Page } from 'playwright-core';
import { expect, test } from './support/fixtures.js';
import { playingTone, registeredPhone, type RegisteredPhone } from './support/phone.js';

// Every call control in one keystroke: in-window shortcuts (Ctrl+Shift+letter), the global ones main sends as
// `call.shortcut` while another program has the focus, the focus on Answer, and the `?` overlay.

test.describe.configure({ timeout: 90_000 });

const card = (phone: RegisteredPhone, other: RegisteredPhone) =>
  phone.page.getByRole('region', { name: `Call with ${other.user.username}` });

async function ring(from: RegisteredPhone, to: RegisteredPhone) {
  await from.page.getByLabel('Number or SIP address').fill(to.user.uri);
  await from.page.getByRole('button', { name: 'Call', exact: true }).click();
  await expect(card(to, from).getByRole('status').first()).toHaveText('Incoming call');
}

/** What main sends when a global shortcut fires (electron/platform registers them). */
async function globalShortcut(page: Page, action: 'answer' | 'decline' | 'hangup' | 'mute') {
  await page.evaluate((value) => window.__softphoneEvent('call.shortcut', { action: value }), action);
}

test('a ringing call takes the focus to Answer and is announced; Ctrl+Shift+D declines, Ctrl+Shift+A answers', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  // The person is typing somewhere else when the call comes in.
  await alice.page.getByLabel('Number or SIP address').fill('0301234');

  await ring(bob, alice);
  const incoming = card(alice, bob);
  await expect(incoming.getByRole('button', { name: 'Answer' })).toBeFocused();
  await expect(alice.page.locator('[aria-live="assertive"]')).toHaveText(
    `Incoming call from ${bob.user.username}. Answer with Ctrl+Shift+A.`,
  );
  await alice.page.keyboard.press('Control+Shift+D');
  await expect(incoming).toHaveCount(0);
  await expect(card(bob, alice)).toHaveCount(0);
  await expect(alice.page.locator('[aria-live="assertive"]')).toHaveText('');

  await ring(bob, alice);
  await alice.page.getByLabel('Number or SIP address').focus();
  await alice.page.keyboard.press('Control+Shift+A');
  await expect(incoming.getByRole('status').first()).toHaveText('Connected');
  await expect(card(bob, alice).getByRole('status').first()).toHaveText('Connected');
  await expect.poll(() => playingTone(alice.page)).toBeNull();
});

test('mute, hold, keypad and hang up from the keyboard; the overlay lists them', async ({ openApp }) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  await ring(bob, alice);
  const { page } = alice;
  await page.keyboard.press('Enter');
  const call = card(alice, bob);
  const atBob = card(bob, alice);
  await expect(call.getByRole('status').first()).toHaveText('Connected');

  await page.keyboard.press('Control+Shift+M');
  await expect(call.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Control+Shift+M');
  await expect(call.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'false');

  await page.keyboard.press('Control+Shift+H');
  await expect(call.getByRole('button', { name: 'Hold' })).toHaveAttribute('aria-pressed', 'true');
  await expect(atBob.getByRole('status').first()).toHaveText('Put on hold by the other side');
  await page.keyboard.press('Control+Shift+H');
  await expect(atBob.getByRole('status').first()).toHaveText('Connected');

  await page.keyboard.press('Control+Shift+K');
  await expect(call.getByRole('group', { name: 'Dial pad' })).toBeVisible();
  await page.keyboard.type('12#');
  await expect(call.getByText('Sent: 12#')).toBeVisible();
  // Digits went to the call, not into the number field behind it.
  await expect(page.getByLabel('Number or SIP address')).toHaveValue('');
  await page.keyboard.press('Control+Shift+K');
  await expect(call.getByRole('group', { name: 'Dial pad' })).toHaveCount(0);

  await page.locator('h1').focus();
  await page.keyboard.press('?');
  const overlay = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(overlay.getByRole('row', { name: 'Hang up Ctrl+Shift+E' })).toBeVisible();
  await expect(overlay.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(overlay).toHaveCount(0);
  await expect(page.locator('h1')).toBeFocused();

  await page.keyboard.press('Control+Shift+E');
  await expect(call).toHaveCount(0);
  await expect(atBob).toHaveCount(0);
});

test('global shortcuts from main answer, mute, hang up and decline while the window is in the background', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  const call = card(alice, bob);

  await ring(bob, alice);
  await globalShortcut(alice.page, 'decline');
  await expect(card(bob, alice)).toHaveCount(0);

  await ring(bob, alice);
  await globalShortcut(alice.page, 'answer');
  await expect(call.getByRole('status').first()).toHaveText('Connected');
  await globalShortcut(alice.page, 'mute');
  await expect(call.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'true');
  await globalShortcut(alice.page, 'hangup');
  await expect(card(bob, alice)).toHaveCount(0);
  await expect(call).toHaveCount(0);
});

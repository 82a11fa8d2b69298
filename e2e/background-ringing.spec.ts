import { expect, test } from './support/fixtures.js';
import {
  playingTone,
  receivedAudioLevel,
  registeredPhone,
  toneLevel,
  type RegisteredPhone,
} from './support/phone.js';

// Two app instances register before the call; on a loaded 2-core CI machine that alone can take 20 s.
test.describe.configure({ timeout: 60_000 });

const card = (phone: RegisteredPhone, other: RegisteredPhone) =>
  phone.page.getByRole('region', { name: `Call with ${other.user.username}` });

// Closing the desktop app's window hides it and the app keeps running (issue 18, "Runs in the background").
// The shell hides the page as Chromium sees a hidden window: document.hidden, no focus, no animation frames.
test('a hidden window still rings and notifies; the notification answers, and the window shows the call', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  await bob.shell.hide();
  expect(await bob.page.evaluate(() => document.visibilityState)).toBe('hidden');

  await alice.page.getByRole('link', { name: 'Phone' }).click();
  await alice.page.getByLabel('Number or SIP address').fill(bob.user.uri);
  await alice.page.getByRole('button', { name: 'Call', exact: true }).click();

  // Heard and seen while hidden: the ringtone plays out loud and the OS notification offers Answer.
  await expect.poll(() => playingTone(bob.page)).toBe('ringtone');
  expect(await toneLevel(bob.page)).toBeGreaterThan(5);
  await expect.poll(() => bob.shell.notifications.visible().length).toBe(1);
  const [notice] = bob.shell.notifications.visible();
  expect(notice).toMatchObject({ title: `Call from ${alice.user.username}`, answerLabel: 'Answer' });

  bob.shell.notifications.press(notice!.callId, 'answer');
  await expect(card(alice, bob).getByRole('status').first()).toContainText('Connected');
  await expect.poll(() => playingTone(bob.page)).toBeNull();
  await expect.poll(() => receivedAudioLevel(alice.page), { timeout: 10_000 }).toBeGreaterThan(5);
  await expect.poll(() => receivedAudioLevel(bob.page), { timeout: 10_000 }).toBeGreaterThan(5);

  // Shown again, the window has the call in its panel with Hang up at hand.
  await bob.shell.show();
  await expect(card(bob, alice).getByRole('status').first()).toContainText('Connected');
  await card(bob, alice).getByRole('button', { name: 'Hang up' }).click();
  await expect(card(alice, bob)).toHaveCount(0);
});

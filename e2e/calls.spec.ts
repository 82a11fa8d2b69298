import { expect, test } from './support/fixtures.js';
import {
  connectedCall,
  createSipUser,
  dial,
  enterSipAccount,
  receivedAudioLevel,
  twoRegisteredPhones,
} from './support/phone.js';

test('two instances register, call each other with audio both ways, and the far end hangs up', async ({
  openApp,
}) => {
  const phones = await twoRegisteredPhones(openApp);
  const { outgoing, incoming } = await connectedCall(phones);
  await expect(outgoing.getByText('Encrypted, not verified')).toBeVisible();
  // The details are there on demand, in words.
  await incoming.getByRole('button', { name: /^Encrypted, not verified/ }).click();
  const details = incoming.getByRole('definition');
  await expect(details.filter({ hasText: /^completed$/ })).toBeVisible();
  await expect(details.filter({ hasText: /^AES/ })).toBeVisible();
  await expect(details.filter({ hasText: /^sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/ })).toHaveCount(2);

  // Audio arrives and is not silence, in both directions.
  await expect.poll(() => receivedAudioLevel(phones.a), { timeout: 10_000 }).toBeGreaterThan(5);
  await expect.poll(() => receivedAudioLevel(phones.b), { timeout: 10_000 }).toBeGreaterThan(5);

  // The same security code on both ends.
  const sasA = await outgoing.locator('.sas-code').textContent();
  const sasB = await incoming.locator('.sas-code').textContent();
  expect(sasA).toMatch(/^[A-Z0-9]{4}$/);
  expect(sasB).toBe(sasA);
  // Only the compared code makes the call end to end, on the side that compared it.
  await outgoing.getByRole('button', { name: 'Codes match' }).click();
  await expect(outgoing.getByText('Verified end to end')).toBeVisible();
  await expect(incoming.getByText('Encrypted, not verified')).toBeVisible();

  await incoming.getByRole('button', { name: 'Hang up' }).click();
  await expect(outgoing).toHaveCount(0, { timeout: 2_000 });
  await expect(incoming).toHaveCount(0);
});

test('a declined call ends on the caller side', async ({ openApp }) => {
  const phones = await twoRegisteredPhones(openApp);
  const { outgoing, incoming } = await dial(phones);
  await incoming.getByRole('button', { name: 'Decline' }).click();
  await expect(outgoing).toHaveCount(0);
});

test('a wrong password and an untrusted certificate give different, correct messages', async ({
  openApp,
}) => {
  const [carol, dave] = [await createSipUser('carol'), await createSipUser('dave')];
  const wrong = await openApp({ name: 'wrong-password' });
  await enterSipAccount(wrong.page, carol, { password: 'not-the-password' });
  await expect(wrong.page.getByRole('navigation').getByRole('status')).toHaveText(
    'Sign-in to the phone server failed: the user name or password is wrong.',
    { timeout: 10_000 },
  );
  const untrusted = await openApp({ name: 'untrusted', trustTestCa: false });
  await enterSipAccount(untrusted.page, dave);
  await expect(untrusted.page.getByRole('navigation').getByRole('status')).toHaveText(
    "The phone server's certificate is not trusted. Ask your IT department.",
    { timeout: 10_000 },
  );
});

test('hold and mute take effect on the far side', async ({ openApp }) => {
  const phones = await twoRegisteredPhones(openApp);
  const { outgoing, incoming } = await connectedCall(phones);

  // Mute: the far side hears silence; unmute: the tone is back. Audio already in the far side's jitter
  // buffer plays out first, so the level is polled until the change arrives.
  await outgoing.getByRole('button', { name: 'Mute' }).click();
  await expect(outgoing.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => receivedAudioLevel(phones.b), { timeout: 10_000 }).toBeLessThan(3);
  await outgoing.getByRole('button', { name: 'Mute' }).click();
  await expect.poll(() => receivedAudioLevel(phones.b), { timeout: 10_000 }).toBeGreaterThan(5);

  // Hold is signalled in the SDP (a=sendonly) and the far side says so.
  await outgoing.getByRole('button', { name: 'Hold' }).click();
  await expect(incoming.getByRole('status').first()).toContainText('Put on hold by the other side');
  await expect(outgoing.getByRole('status').first()).toContainText('On hold');
  await outgoing.getByRole('button', { name: 'Hold' }).click();
  await expect(incoming.getByRole('status').first()).toContainText('Connected');
  await outgoing.getByRole('button', { name: 'Hang up' }).click();
  await expect(incoming).toHaveCount(0, { timeout: 2_000 });
});

test('calls appear in History, where search, filters, call back and delete work', async ({ openApp }) => {
  const phones = await twoRegisteredPhones(openApp);
  const { a, b, alice, bob } = phones;
  const { outgoing } = await connectedCall(phones);
  await expect(outgoing.getByText('Encrypted, not verified')).toBeVisible();
  await outgoing.getByRole('button', { name: 'Hang up' }).click();
  await expect(outgoing).toHaveCount(0);

  await a.getByRole('link', { name: 'History' }).click();
  const row = a.getByRole('listitem').filter({ hasText: bob.username });
  await expect(row).toContainText('Outgoing · answered');
  await expect(row).toContainText('encrypted');
  await a.getByRole('button', { name: 'Missed' }).click();
  await expect(a.getByText('No calls yet')).toBeVisible();
  await a.getByRole('button', { name: 'Outgoing' }).click();
  await expect(row).toBeVisible();
  await a.getByRole('button', { name: 'All', exact: true }).click();
  await a.getByLabel('Search by name or number').fill('nobody-by-that-name');
  await expect(a.getByText('No calls yet')).toBeVisible();
  await a.getByLabel('Search by name or number').fill(bob.username.slice(0, 5));
  await expect(row).toBeVisible();

  // Call back from the history row rings the other side again.
  await row.getByRole('button', { name: `Call back ${bob.username}` }).click();
  await expect(b.getByRole('region', { name: `Call with ${alice.username}` })).toBeVisible();
  await b.getByRole('button', { name: 'Decline' }).click();
  await a.getByRole('link', { name: 'History' }).click();
  await a.getByLabel('Search by name or number').fill('');
  const rows = a.getByRole('main').getByRole('listitem');
  await expect(rows).toHaveCount(2);
  await rows
    .first()
    .getByRole('button', { name: /^Delete call with/ })
    .click();
  await expect(rows).toHaveCount(1);
  await a.getByRole('button', { name: 'Delete all calls' }).click();
  await a.getByRole('button', { name: 'Delete all', exact: true }).click();
  await expect(a.getByText('No calls yet')).toBeVisible();
});

test('"Delete all my data" removes history and the SIP account and starts over', async ({ openApp }) => {
  const phones = await twoRegisteredPhones(openApp);
  const { outgoing, incoming } = await dial(phones);
  await incoming.getByRole('button', { name: 'Busy' }).click();
  await expect(outgoing).toHaveCount(0);
  const { a } = phones;
  await a.getByRole('link', { name: 'History' }).click();
  await expect(a.getByRole('main').getByRole('listitem')).toHaveCount(1);

  await a.getByRole('link', { name: 'Settings' }).click();
  await a.getByRole('button', { name: 'Delete all my data on this device' }).click();
  await a.getByRole('button', { name: 'Delete everything' }).click();
  await expect(a.getByText('All your data on this device was deleted.')).toBeVisible();
  await expect(a.getByRole('navigation').getByRole('status')).toHaveText('Offline');
  await a.getByRole('link', { name: 'History' }).click();
  await expect(a.getByText('No calls yet')).toBeVisible();
});

test('a call cancelled while ringing is missed on the far side, with a badge that clears when seen', async ({
  openApp,
}) => {
  const phones = await twoRegisteredPhones(openApp);
  const { outgoing, incoming } = await dial(phones);
  await outgoing.getByRole('button', { name: 'Hang up' }).click();
  await expect(incoming).toHaveCount(0);
  const badge = phones.b.getByRole('navigation').getByLabel('1 missed call');
  await expect(badge).toHaveText('1');
  await phones.b.getByRole('link', { name: /^History/ }).click();
  await expect(phones.b.getByRole('main').getByRole('listitem')).toContainText('Incoming · missed');
  await expect(badge).toHaveCount(0);
  await expect(phones.a.getByRole('navigation').getByLabel(/missed call/)).toHaveCount(0);
});

import { expect, test } from './support/fixtures.js';
import {
  callAndAnswer,
  playingTone,
  receivedAudioLevel,
  registeredPhone,
  toneLevel,
  type RegisteredPhone,
} from './support/phone.js';

// Three app instances register before a spec starts calling; on a loaded 2-core CI machine that alone can take 20 s.
test.describe.configure({ timeout: 60_000 });

const card = (phone: RegisteredPhone, other: RegisteredPhone) =>
  phone.page.getByRole('region', { name: `Call with ${other.user.username}` });

async function dialOnly(from: RegisteredPhone, to: RegisteredPhone): Promise<void> {
  await from.page.getByRole('link', { name: 'Phone' }).click();
  await from.page.getByLabel('Number or SIP address').fill(to.user.uri);
  await from.page.getByRole('button', { name: 'Call', exact: true }).click();
}

test('ringback at the caller, ringtone and an OS notification at the callee; its Answer button answers', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  await dialOnly(alice, bob);
  await expect(card(bob, alice).getByRole('status').first()).toHaveText('Incoming call');
  await expect.poll(() => playingTone(alice.page)).toBe('ringback');
  await expect.poll(() => playingTone(bob.page)).toBe('ringtone');
  // Audible: the tone's context has no output device of its own and plays through the element.
  expect(await toneLevel(bob.page)).toBeGreaterThan(5);

  await expect.poll(() => bob.shell.notifications.visible().length).toBe(1);
  const [notice] = bob.shell.notifications.visible();
  expect(notice).toMatchObject({
    title: `Call from ${alice.user.username}`,
    answerLabel: 'Answer',
    declineLabel: 'Decline',
  });
  bob.shell.notifications.press(notice!.callId, 'answer');
  await expect(card(alice, bob).getByRole('status').first()).toContainText('Connected');
  await expect.poll(() => playingTone(alice.page)).toBeNull();
  await expect.poll(() => playingTone(bob.page)).toBeNull();
  await expect.poll(() => receivedAudioLevel(alice.page), { timeout: 10_000 }).toBeGreaterThan(5);
  // The call shows its network quality from getStats.
  await expect(card(alice, bob).getByText(/^Good connection/)).toBeVisible({ timeout: 10_000 });
  await expect(card(alice, bob).getByText(/^Microphone: /)).toBeVisible();
});

test('Do Not Disturb refuses calls with busy and lists them as missed', async ({ openApp }) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  await bob.page.getByRole('link', { name: 'Settings' }).click();
  await bob.page.getByRole('checkbox', { name: 'Do Not Disturb' }).check();
  await expect(bob.page.getByText('Saved.').first()).toBeVisible();

  await dialOnly(alice, bob);
  await alice.page.getByRole('link', { name: 'History' }).click();
  await expect(alice.page.getByRole('main').getByRole('listitem')).toContainText('Outgoing · busy');
  await expect(bob.page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  await bob.page.getByRole('link', { name: /^History/ }).click();
  await expect(bob.page.getByRole('main').getByRole('listitem')).toContainText('Incoming · missed');
});

test('a second call waits with a tone; answering it holds the first, and Hold swaps between them', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  const carol = await registeredPhone(openApp, 'carol');
  const first = await callAndAnswer(bob, alice);

  await dialOnly(carol, alice);
  const waiting = card(alice, carol);
  await expect(waiting.getByRole('status').first()).toHaveText('Incoming call');
  await expect.poll(() => playingTone(alice.page)).toBe('callWaiting');
  await waiting.getByRole('button', { name: 'Answer' }).click();
  await expect(waiting.getByRole('status').first()).toContainText('Connected');
  await expect(first.caller.getByRole('status').first()).toContainText('Put on hold by the other side');

  // Swap: resuming Bob holds Carol.
  await first.callee.getByRole('button', { name: 'Hold' }).click();
  await expect(first.caller.getByRole('status').first()).toContainText('Connected');
  await expect(card(carol, alice).getByRole('status').first()).toContainText('Put on hold by the other side');
  await expect(waiting.getByRole('button', { name: 'Hold' })).toHaveAttribute('aria-pressed', 'true');
});

test('blind transfer: the far end is sent on to the target, which rings and connects', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  const carol = await registeredPhone(openApp, 'carol');
  const { callee } = await callAndAnswer(bob, alice);

  await callee.getByRole('button', { name: 'Transfer' }).click();
  await callee.getByLabel('Transfer to (number or SIP address)').fill(carol.user.uri);
  await callee.getByRole('button', { name: 'Transfer now' }).click();

  // The target rings with a call from Bob (the transferred party); Alice keeps her call until it is
  // answered, so that a transfer nobody picks up does not lose Bob.
  const atCarol = card(carol, bob);
  await expect(atCarol.getByRole('status').first()).toHaveText('Incoming call');
  await expect(callee.getByText('Transferring…')).toBeVisible();
  await atCarol.getByRole('button', { name: 'Answer' }).click();
  await expect(alice.page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  await expect(card(bob, carol).getByRole('status').first()).toContainText('Connected');
  await expect.poll(() => receivedAudioLevel(carol.page), { timeout: 10_000 }).toBeGreaterThan(5);
  await expect.poll(() => receivedAudioLevel(bob.page), { timeout: 10_000 }).toBeGreaterThan(5);
  await alice.page.getByRole('link', { name: 'History' }).click();
  await expect(alice.page.getByRole('main').getByRole('listitem')).toContainText('Incoming · answered');
});

test('attended transfer: after consulting the target, the first party is connected to it', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  const carol = await registeredPhone(openApp, 'carol');
  const { caller: atBob, callee } = await callAndAnswer(bob, alice);

  await callee.getByRole('button', { name: 'Transfer' }).click();
  await callee.getByLabel('Transfer to (number or SIP address)').fill(carol.user.uri);
  await callee.getByRole('button', { name: 'Call first' }).click();
  await expect(atBob.getByRole('status').first()).toContainText('Put on hold by the other side');
  await card(carol, alice).getByRole('button', { name: 'Answer' }).click();
  await expect(card(alice, carol).getByRole('status').first()).toContainText('Connected');

  await callee.getByRole('button', { name: `Transfer to ${carol.user.username}` }).click();
  // Bob's new call replaces Carol's call with Alice: no ringing at Carol, and Alice has no call left.
  await expect(card(carol, bob).getByRole('status').first()).toContainText('Connected');
  await expect(card(bob, carol).getByRole('status').first()).toContainText('Connected');
  await expect(alice.page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  await expect(carol.page.getByRole('region', { name: /^Call with / })).toHaveCount(1);
  await expect(bob.page.getByRole('region', { name: /^Call with / })).toHaveCount(1);
  await expect.poll(() => receivedAudioLevel(carol.page), { timeout: 10_000 }).toBeGreaterThan(5);
  await expect.poll(() => receivedAudioLevel(bob.page), { timeout: 10_000 }).toBeGreaterThan(5);
});

test('a three-way conference mixed locally: each party hears the other even with the host muted', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  const carol = await registeredPhone(openApp, 'carol');
  const withBob = await callAndAnswer(alice, bob);
  const withCarol = await callAndAnswer(alice, carol);
  await expect(withBob.callee.getByRole('status').first()).toContainText('Put on hold by the other side');

  await withCarol.caller.getByRole('button', { name: `Conference with ${bob.user.username}` }).click();
  await expect(withBob.caller.getByRole('status').first()).toContainText('In conference');
  await expect(withCarol.caller.getByRole('status').first()).toContainText('In conference');
  await expect(withBob.callee.getByRole('status').first()).toContainText('Connected');

  // With Alice's microphone muted, what Bob and Carol hear can only come from each other via the mix.
  await withBob.caller.getByRole('button', { name: 'Mute' }).click();
  await expect(withCarol.caller.getByRole('button', { name: 'Mute' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect.poll(() => receivedAudioLevel(bob.page), { timeout: 10_000 }).toBeGreaterThan(5);
  await expect.poll(() => receivedAudioLevel(carol.page), { timeout: 10_000 }).toBeGreaterThan(5);

  // Bob leaves: Alice and Carol go on as a plain call.
  await withBob.callee.getByRole('button', { name: 'Hang up' }).click();
  await expect(withCarol.caller.getByRole('status').first()).toContainText('Connected');
  await expect(withCarol.caller.getByRole('button', { name: 'Hold' })).toBeVisible();
});

test('keypad digits sent as SIP INFO arrive at the far end', async ({ openApp }) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  await alice.page.getByRole('link', { name: 'Settings' }).click();
  await alice.page.getByLabel('Send keypad tones as').selectOption({ label: 'SIP INFO messages' });
  await expect(alice.page.getByText('Saved.').first()).toBeVisible();
  const { caller, callee } = await callAndAnswer(alice, bob);
  await caller.getByRole('button', { name: 'Keypad' }).click();
  for (const key of ['1', '2', '#']) await caller.getByRole('button', { name: key, exact: true }).click();
  await expect(callee.getByText('Tones received: 1 2 #')).toBeVisible();
});

test('a microphone chosen in Settings is used, also mid-call', async ({ openApp }) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  const { caller } = await callAndAnswer(alice, bob);
  await alice.page.getByRole('link', { name: 'Settings' }).click();
  const microphones = alice.page.getByLabel('Microphone', { exact: true });
  // The device list fills in once the browser has enumerated the devices.
  await expect.poll(() => microphones.locator('option').count()).toBeGreaterThan(1);
  const choices = await microphones.locator('option').allTextContents();
  const other = choices.find((label) => label !== 'System default' && !/Default/i.test(label));
  expect(other, `a second fake microphone among ${choices.join(', ')}`).toBeTruthy();
  await microphones.selectOption({ label: other! });
  await expect(caller.getByText(`Microphone: ${other}`)).toBeVisible();
  await expect.poll(() => receivedAudioLevel(bob.page), { timeout: 10_000 }).toBeGreaterThan(5);
});

test('without microphone permission no call is placed, and the message says how to allow it', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice', { microphone: 'denied' });
  const bob = await registeredPhone(openApp, 'bob');
  await dialOnly(alice, bob);
  await expect(alice.page.getByRole('alert')).toContainText('The app may not use the microphone');
  await expect(alice.page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
  await expect(bob.page.getByRole('region', { name: /^Call with / })).toHaveCount(0);
});

test('Call and Answer each pressed twice make one call, and every microphone it opened is released when it ends', async ({
  openApp,
}) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  // Keeps every microphone stream the app opens, to see afterwards that none is left recording.
  for (const phone of [alice, bob])
    await phone.page.evaluate(() => {
      const opened: MediaStream[] = [];
      const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await open(constraints);
        opened.push(stream);
        return stream;
      };
      Object.assign(window, { openedMicrophones: opened });
    });
  const liveMicrophones = (phone: RegisteredPhone) =>
    phone.page.evaluate(() =>
      (window as unknown as { openedMicrophones: MediaStream[] }).openedMicrophones
        .flatMap((stream) => stream.getAudioTracks())
        .map((track) => track.readyState),
    );

  await alice.page.getByLabel('Number or SIP address').fill(bob.user.uri);
  await alice.page.getByRole('button', { name: 'Call', exact: true }).dblclick();
  await expect(alice.page.getByRole('alert')).toHaveText('You are already calling this number.');
  await card(bob, alice).getByRole('button', { name: 'Answer' }).dblclick();
  await expect(card(alice, bob).getByRole('status').first()).toContainText('Connected');
  await expect(card(bob, alice).getByRole('status').first()).toContainText('Connected');
  expect(await liveMicrophones(bob)).toEqual(['live']);
  expect(await liveMicrophones(alice)).toEqual(['live']);
  await expect(alice.page.getByRole('region', { name: /^Call with / })).toHaveCount(1);

  await card(alice, bob).getByRole('button', { name: 'Hang up' }).click();
  await expect(card(bob, alice)).toHaveCount(0);
  await expect.poll(() => liveMicrophones(bob)).toEqual(['ended']);
  await expect.poll(() => liveMicrophones(alice)).toEqual(['ended']);
});

test('the ringing stops as soon as Answer is pressed, before the call is connected', async ({ openApp }) => {
  const alice = await registeredPhone(openApp, 'alice');
  const bob = await registeredPhone(openApp, 'bob');
  // Bob's microphone opens only when the spec lets it: the answer waits there, as on a slow device.
  await bob.page.evaluate(() => {
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) =>
      new Promise((resolve, reject) =>
        Object.assign(window, { openMicrophone: () => open(constraints).then(resolve, reject) }),
      );
  });
  await dialOnly(alice, bob);
  await expect.poll(() => playingTone(bob.page)).toBe('ringtone');
  await card(bob, alice).getByRole('button', { name: 'Answer' }).click();
  await expect.poll(() => playingTone(bob.page)).toBeNull();
  await expect(card(bob, alice).getByRole('status').first()).toHaveText('Incoming call');
  await expect.poll(() => playingTone(alice.page)).toBe('ringback');

  await bob.page.evaluate(() => (window as unknown as { openMicrophone(): void }).openMicrophone());
  await expect(card(alice, bob).getByRole('status').first()).toContainText('Connected');
  await expect(card(bob, alice).getByRole('status').first()).toContainText('Connected');
});

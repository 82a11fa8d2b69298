import { createKeytarSecretStore } from '../electron/secrets/secret-store.js';
import { SipCredentials } from '../shared/provider/api.js';
import { kamcmd } from './provider/kamailio.js';
import { registerWithHa1 } from './provider/sip-register.js';
import { expect, test } from './support/fixtures.js';
import { answered, dialFrom, expectRegistered, receivedAudioLevel } from './support/phone.js';
import { providerPolicy, signInWithProviderAccount, signOut } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';

test('SIP credentials rotate during a call: the call and its audio go on, the old ones are refused', async ({
  openApp,
}, testInfo) => {
  // Two sign-ins, a call, and a rotation (every 16 s for this user): within a minute.
  test.setTimeout(60_000);
  const state = readStackState();
  // Users of this spec's own; the broker gives Rita SIP credentials of 20 s only.
  const rita = state.signInUsers.rotating;
  const petra = state.signInUsers.rotationPeer;
  const a = await openApp({ name: 'rita', policy: providerPolicy(state) });
  const b = await openApp({ name: 'petra', policy: providerPolicy(state) });
  // What the app keeps in the keychain is what it registers with (fixtures.ts names the service).
  const keychain = createKeytarSecretStore({ service: `secure-softphone-e2e-${testInfo.testId}-rita` });
  const provisioned = async () =>
    SipCredentials.parse(JSON.parse((await keychain.get('provisioned-sip-credentials')) ?? 'null'));
  // Rita's registration at the edge: its Call-ID, CSeq and WebSocket (the source port Kamailio received it from).
  const registration = async () => {
    const found = await kamcmd(state.ctlSocket, 'ul.lookup', 'location', rita.sipUsername).catch(() => '');
    return {
      callId: /Call-ID: (\S+)/.exec(found)?.[1],
      cseq: Number(/CSeq: (\d+)/.exec(found)?.[1] ?? NaN),
      received: /Received: (\S+)/.exec(found)?.[1],
    };
  };

  await signInWithProviderAccount(b, petra);
  await expectRegistered(b.page);
  await signInWithProviderAccount(a, rita);
  await expectRegistered(a.page);

  const { outgoing, incoming } = await answered(
    await dialFrom(a.page, b.page, `sip:${petra.sipUsername}@${state.sipDomain}`),
  );
  const before = await provisioned();
  const registeredBefore = await registration();
  expect(registeredBefore.cseq).toBeGreaterThan(0);
  await expect.poll(() => receivedAudioLevel(a.page), { timeout: 10_000 }).toBeGreaterThan(5);
  await expect.poll(() => receivedAudioLevel(b.page), { timeout: 10_000 }).toBeGreaterThan(5);

  // The rotation, during the call: new credentials in the keychain (80 % into the old ones' 20 s)...
  await expect.poll(async () => (await provisioned()).ha1, { timeout: 25_000 }).not.toBe(before.ha1);
  const after = await provisioned();
  expect(after.sipUri).toBe(before.sipUri);
  expect(Date.parse(after.expiresAt)).toBeGreaterThan(Date.parse(before.expiresAt));
  // ...and the app registered with them: the edge refreshed the registration (a higher CSeq), which it does
  // only for a REGISTER with valid credentials, and the old ones no longer are. Same Call-ID and WebSocket:
  // the app kept its SIP agent and connection, and with them the call.
  await expect
    .poll(async () => (await registration()).cseq, { timeout: 10_000 })
    .toBeGreaterThan(registeredBefore.cseq);
  expect(await registration()).toMatchObject({
    callId: registeredBefore.callId,
    received: registeredBefore.received,
  });
  expect(await registerWithHa1(state.udpPort, before, before.ha1!)).not.toBe(200);
  await expectRegistered(a.page);

  // The call never noticed: still connected, audio still flowing both ways.
  await expect(outgoing.getByRole('status').first()).toContainText('Connected');
  await expect(incoming.getByRole('status').first()).toContainText('Connected');
  await expect.poll(() => receivedAudioLevel(a.page), { timeout: 10_000 }).toBeGreaterThan(5);
  await expect.poll(() => receivedAudioLevel(b.page), { timeout: 10_000 }).toBeGreaterThan(5);

  await outgoing.getByRole('button', { name: 'Hang up' }).click();
  await expect(incoming).toHaveCount(0);
  await signOut(a);
  await signOut(b);
});

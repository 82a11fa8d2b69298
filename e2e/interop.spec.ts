import { type Baresip, startBaresip } from './support/baresip.js';
import { expect, test } from './support/fixtures.js';
import { createSipUser, expectDtlsSrtp, receivedAudioLevel, registeredPhone } from './support/phone.js';

// A non-browser SIP phone (baresip over UDP, plain RTP with G.711) registered at the same provider edge.
// Kamailio bridges these calls through rtpengine: DTLS-SRTP with ICE on the app's side, RTP/AVP on the
// phone's (this baresip has no SRTP, DTLS or ICE module loaded: a call it completes with audio is plain
// RTP on its side). Audio is proven both ways at the ends themselves, each direction on its own: the app
// measures the phone's 440 Hz sine on its remote track, and baresip records what it decodes from the app
// (Chromium's fake microphone beeps) to a WAV file that must not be silence.

/** Peak 16-bit sample above which the phone's recording is not silence (G.711 silence decodes to 0..8). */
const NOT_SILENCE = 500;

let peer: Baresip;
test.beforeEach(async () => {
  peer = await startBaresip(test.info().outputPath('baresip'), await createSipUser('phone'));
});
test.afterEach(async () => {
  await peer.stop();
});

test('the app calls a plain SIP phone over UDP: bridged by rtpengine, audio both ways, the app hangs up', async ({
  openApp,
}) => {
  test.setTimeout(60_000);
  const app = await registeredPhone(openApp, 'alice');
  const since = peer.events.length;
  await app.page.getByLabel('Number or SIP address').fill(peer.user.uri);
  await app.page.getByRole('button', { name: 'Call', exact: true }).click();
  await peer.waitForEvent('CALL_INCOMING', { since });
  await peer.command('accept');

  const call = app.page.getByRole('region', { name: `Call with ${peer.user.username}` });
  await expect(call.getByRole('status').first()).toContainText('Connected', { timeout: 10_000 });
  await peer.waitForEvent('CALL_ESTABLISHED', { since });
  // The phone's SDP (through rtpengine) has no a=msid-semantic: not a WebRTC peer, encrypted to the edge only.
  await expect(call.getByText('Encrypted to your provider')).toBeVisible();
  // The app's leg to the edge is DTLS-SRTP all the same.
  await expectDtlsSrtp(call);

  await expect.poll(() => receivedAudioLevel(app.page), { timeout: 15_000 }).toBeGreaterThan(5);
  await expect.poll(() => peer.receivedAudioPeak(), { timeout: 15_000 }).toBeGreaterThan(NOT_SILENCE);

  await call.getByRole('button', { name: 'Hang up' }).click();
  await peer.waitForEvent('CALL_CLOSED', { since });
  await expect(call).toHaveCount(0);
});

test('a plain SIP phone calls the app, which answers: audio both ways, the phone hangs up', async ({
  openApp,
}) => {
  test.setTimeout(60_000);
  const app = await registeredPhone(openApp, 'bob');
  const since = peer.events.length;
  await peer.command('dial', app.user.uri);

  const call = app.page.getByRole('region', { name: `Call with ${peer.user.username}` });
  await call.getByRole('button', { name: 'Answer' }).click();
  await expect(call.getByRole('status').first()).toContainText('Connected', { timeout: 10_000 });
  await peer.waitForEvent('CALL_ESTABLISHED', { since });
  await expect(call.getByText('Encrypted to your provider')).toBeVisible();
  await expectDtlsSrtp(call);

  await expect.poll(() => receivedAudioLevel(app.page), { timeout: 15_000 }).toBeGreaterThan(5);
  await expect.poll(() => peer.receivedAudioPeak(), { timeout: 15_000 }).toBeGreaterThan(NOT_SILENCE);

  await peer.command('hangup');
  await peer.waitForEvent('CALL_CLOSED', { since });
  await expect(call).toHaveCount(0, { timeout: 10_000 });
});

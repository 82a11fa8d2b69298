import { startCapture } from '../support/capture.js';
import { type Janus, startJanus } from '../support/janus.js';
import { createSipUser, registeredPhone } from '../support/phone.js';
import { rtpEventDigits } from '../support/rtp-events.js';
import {
  appDials,
  appSendsDigits,
  callCard,
  expectAppHears,
  expectConnected,
  expectEndedVisibly,
} from './app-side.js';
import { CALL_FEATURES, cell, type Direction } from './cells.js';
import { expect, test } from './fixtures.js';
import { peerAcceptedHold } from './sip-trace.js';

// The interop matrix against Janus's SIP plugin (Debian's janus 1.1.2): a production WebRTC-to-SIP gateway
// that registers at the edge like a phone. Its WebRTC user (a Chromium page sending a tone) is encrypted to
// Janus, which decrypts and sends plain RTP to the edge's rtpengine: the media are decrypted on the way,
// and the app must not claim end-to-end encryption (issue 19). Each test is one call in one direction.

const PEER = 'janus (SIP plugin)';
const DIGITS = ['1', '5', '#'];

test.describe.configure({ timeout: 90_000 });
let peer: Janus;
test.beforeEach(async ({ sipTrace }) => {
  peer = await startJanus(test.info().outputPath('janus'), await createSipUser('janus'));
  sipTrace.follow(peer.user.username);
});
test.afterEach(async () => {
  await peer.stop();
});

for (const direction of ['app calls', 'peer calls'] as const satisfies Direction[]) {
  test(
    `${direction === 'app calls' ? 'the app calls Janus' : 'Janus calls the app'}: audio, DTMF, hold from each side, Janus hangs up`,
    { annotation: CALL_FEATURES.map((feature) => cell(PEER, feature, direction)) },
    async ({ openApp, sipTrace }, testInfo) => {
      const app = await registeredPhone(openApp, 'alice');
      sipTrace.follow(app.user.username);
      const card = callCard(app, peer.user.username);

      await test.step('connect', async () => {
        if (direction === 'app calls') {
          const since = peer.events.length;
          await appDials(app, peer.user.uri);
          await peer.answer(since, { announceUserFingerprint: true });
        } else {
          const calling = peer.call(app.user.uri);
          await card.getByRole('button', { name: 'Answer' }).click();
          await calling;
        }
        await expectConnected(card);
        // Janus ends its user's DTLS, and rtpengine the app's: encrypted to the provider, never end to
        // end, whatever the gateway says. Janus's SDP carries a=msid-semantic (the old test for "another
        // phone"), and when the app calls, Janus's answer announces its WebRTC user's fingerprint too.
        expect(peer.webrtcSdp()).toMatch(/^a=msid-semantic:/m);
        if (direction === 'app calls')
          expect(await sipTrace.text()).toMatch(/^X-Softphone-Dtls-Fingerprint: sha-256 [0-9A-F:]+\r?$/im);
        await expect(card.getByText('Encrypted to your provider')).toBeVisible();
        await expect(card.getByText(/Encrypted, not verified|Verified end to end/)).toHaveCount(0);
      });

      await test.step('audio both ways', async () => {
        await expectAppHears(app.page);
        await expect.poll(() => peer.receivedLevel(), { timeout: 15_000 }).toBeGreaterThan(5);
      });

      await test.step('DTMF', async () => {
        // Janus relays telephone-events to its WebRTC user, whose API does not show them: they are read on
        // the wire, where the SIP side of the gateway receives them.
        const { first, last } = peer.rtpPorts;
        const capture = await startCapture(
          testInfo.outputPath('to-janus.pcapng'),
          `udp dst portrange ${first}-${last}`,
        );
        try {
          // tshark says it captures a moment before it does: digits go once the call's audio shows.
          await expect.poll(async () => (await capture.packets()).length).toBeGreaterThan(0);
          await appSendsDigits(card, DIGITS);
          await expect
            .poll(async () => rtpEventDigits(await capture.packets()), { timeout: 10_000 })
            .toEqual(DIGITS);
        } finally {
          await capture.stop();
        }
      });

      await test.step('hold by app', async () => {
        await card.getByRole('button', { name: 'Hold' }).click();
        await expect(card.getByRole('status').first()).toContainText('On hold');
        await expect.poll(async () => peerAcceptedHold(await sipTrace.text(), peer.user.username)).toBe(true);
        await card.getByRole('button', { name: 'Hold' }).click();
        await expectConnected(card);
        await expectAppHears(app.page);
      });

      await test.step('hold by peer', async () => {
        await peer.request({ request: 'hold' }, 'holding');
        await expect(card.getByRole('status').first()).toContainText('Put on hold by the other side');
        await peer.request({ request: 'unhold' }, 'resuming');
        await expectConnected(card);
        await expectAppHears(app.page);
      });

      await test.step('far-end hang-up', async () => {
        await peer.request({ request: 'hangup' }, 'hangup');
        await expectEndedVisibly(app, card, direction === 'app calls' ? /Outgoing/ : /Incoming/);
      });
    },
  );
}

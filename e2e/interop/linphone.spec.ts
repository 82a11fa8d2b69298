import { startCapture } from '../support/capture.js';
import { g711Peak } from '../support/g711.js';
import { callState, type Linphone, receivedTone, startLinphone } from '../support/linphone.js';
import { createSipUser, registeredPhone } from '../support/phone.js';
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

// The interop matrix against linphone (liblinphone 5.1 from Debian's linphone-cli: another SIP and media
// stack than baresip's), registered over UDP and bridged to the app by the edge's rtpengine. Each test is
// one call in one direction, a matrix cell per step. linphone sends a WAV file into the call; what it
// receives is measured on the wire to its RTP ports (G.711, decoded here).

const PEER = 'linphone';
const WAV = '/usr/share/sounds/linphone/hello8000.wav';
/** Peak 16-bit sample above which G.711 audio is not silence. */
const NOT_SILENCE = 500;
const DIGITS = ['1', '5', '#'];

test.describe.configure({ timeout: 90_000 });
let peer: Linphone;
test.beforeEach(async ({ sipTrace }) => {
  peer = await startLinphone(test.info().outputPath('linphone'), await createSipUser('linphone'));
  sipTrace.follow(peer.user.username);
});
test.afterEach(async () => {
  await peer.stop();
});

for (const direction of ['app calls', 'peer calls'] as const satisfies Direction[]) {
  test(
    `${direction === 'app calls' ? 'the app calls linphone' : 'linphone calls the app'}: audio, DTMF, hold from each side, linphone hangs up`,
    { annotation: CALL_FEATURES.map((feature) => cell(PEER, feature, direction)) },
    async ({ openApp, sipTrace }, testInfo) => {
      const app = await registeredPhone(openApp, 'alice');
      sipTrace.follow(app.user.username);
      const card = callCard(app, peer.user.username);
      const since = peer.events.length;
      let id = '';

      await test.step('connect', async () => {
        if (direction === 'app calls') {
          await appDials(app, peer.user.uri);
          id = (await peer.waitForEvent(callState('IncomingReceived'), { since })).Id!;
          await peer.command(`answer ${id}`);
        } else {
          id = (await peer.command(`call ${app.user.uri}`)).Id!;
          await card.getByRole('button', { name: 'Answer' }).click();
        }
        await expectConnected(card);
        await peer.waitForEvent(callState('StreamsRunning'), { since });
        await expect(card.getByText('Encrypted to your provider')).toBeVisible();
      });

      await test.step('audio both ways', async () => {
        const { first, last } = peer.rtpPorts;
        const capture = await startCapture(
          testInfo.outputPath('to-linphone.pcapng'),
          `udp dst portrange ${first}-${last}`,
        );
        try {
          await peer.command(`incall-player-start ${WAV} ${id}`);
          await expectAppHears(app.page);
        } finally {
          const packets = await capture.stop();
          expect(g711Peak(packets), 'the app audio linphone receives').toBeGreaterThan(NOT_SILENCE);
        }
      });

      await test.step('DTMF', async () => {
        await appSendsDigits(card, DIGITS);
        const tones = () =>
          peer.events
            .slice(since)
            .filter(receivedTone)
            .map((event) => event.Tone);
        await expect.poll(tones, { timeout: 10_000 }).toEqual(DIGITS);
      });

      await test.step('hold by app', async () => {
        await card.getByRole('button', { name: 'Hold' }).click();
        await expect(card.getByRole('status').first()).toContainText('On hold');
        await expect.poll(async () => peerAcceptedHold(await sipTrace.text(), peer.user.username)).toBe(true);
        const resuming = peer.events.length;
        await card.getByRole('button', { name: 'Hold' }).click();
        await expectConnected(card);
        // The card says "Connected" as soon as the app asks to resume; the step ends once linphone has
        // the resume. Pausing from linphone before that is glare (491 both ways): the app tries its
        // resume again (RFC 3261 14.1, e2e/negotiation.spec.ts), but liblinphone gives its pause up.
        await peer.waitForEvent(callState('StreamsRunning'), { since: resuming });
      });

      await test.step('hold by peer', async () => {
        const paused = peer.events.length;
        await peer.command(`call-pause ${id}`);
        await expect(card.getByRole('status').first()).toContainText('Put on hold by the other side');
        // Resuming is refused while the pausing re-INVITE is still under way.
        await peer.waitForEvent(callState('Paused'), { since: paused });
        const resumed = peer.events.length;
        await peer.command(`call-resume ${id}`);
        await expectConnected(card);
        // The app is connected once it answered; linphone plays into the call only once it has the ACK'd
        // answer ("in-call player not usable in state LinphoneCallResuming").
        await peer.waitForEvent(callState('StreamsRunning'), { since: resumed });
        await peer.command(`incall-player-start ${WAV} ${id}`);
        await expectAppHears(app.page);
      });

      await test.step('far-end hang-up', async () => {
        await peer.command(`terminate ${id}`);
        await expectEndedVisibly(app, card, direction === 'app calls' ? /Outgoing/ : /Incoming/);
      });
    },
  );
}

test(
  'a call linphone declines ends visibly at the app',
  { annotation: cell(PEER, 'refused call', 'app calls') },
  async ({ openApp, sipTrace }) => {
    const app = await registeredPhone(openApp, 'alice');
    sipTrace.follow(app.user.username);
    const since = peer.events.length;
    await appDials(app, peer.user.uri);
    const { Id: id } = await peer.waitForEvent(callState('IncomingReceived'), { since });
    await peer.command(`terminate ${id}`);
    await expectEndedVisibly(app, callCard(app, peer.user.username), /busy|declined/);
  },
);

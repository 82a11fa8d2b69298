import { type Baresip, startBaresip } from '../support/baresip.js';
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

// The interop matrix against baresip (Debian's baresip-core), a SIP phone the provider's edge bridges to
// the app through rtpengine: over UDP with plain RTP, and over TLS with SRTP keyed by SDES. Each test is one
// call in one direction, and checks one matrix cell per step (e2e/interop/reporter.ts). Audio is measured
// at both ends: the app's AnalyserNode on what it plays, baresip's recording of what it decoded.

/** Peak 16-bit sample above which the phone's recording is not silence (G.711 silence decodes to 0..8). */
const NOT_SILENCE = 500;
const DIGITS = ['1', '5', '#'];

const VARIANTS = [
  { peer: 'baresip UDP', transport: 'udp' },
  { peer: 'baresip TLS+SDES', transport: 'tls' },
] as const;

for (const { peer: peerName, transport } of VARIANTS) {
  test.describe(peerName, () => {
    test.describe.configure({ timeout: 90_000 });
    let peer: Baresip;
    test.beforeEach(async ({ sipTrace }) => {
      peer = await startBaresip(test.info().outputPath('baresip'), await createSipUser('phone'), {
        transport,
      });
      sipTrace.follow(peer.user.username);
    });
    test.afterEach(async () => {
      await peer.stop();
    });

    for (const direction of ['app calls', 'peer calls'] as const satisfies Direction[]) {
      test(
        `${direction === 'app calls' ? 'the app calls' : 'calls'} ${peerName}${direction === 'peer calls' ? ' the app' : ''}: audio, DTMF, hold from each side, the phone hangs up`,
        { annotation: CALL_FEATURES.map((feature) => cell(peerName, feature, direction)) },
        async ({ openApp, sipTrace }) => {
          const app = await registeredPhone(openApp, 'alice');
          sipTrace.follow(app.user.username);
          const card = callCard(app, peer.user.username);
          const since = peer.events.length;

          await test.step('connect', async () => {
            if (direction === 'app calls') {
              await appDials(app, peer.user.uri);
              await peer.waitForEvent('CALL_INCOMING', { since });
              await peer.command('accept');
            } else {
              await peer.command('dial', app.user.uri);
              await card.getByRole('button', { name: 'Answer' }).click();
            }
            await expectConnected(card);
            await peer.waitForEvent('CALL_ESTABLISHED', { since });
            // Media ends at the provider's rtpengine: encrypted to the provider, not end to end.
            await expect(card.getByText('Encrypted to your provider')).toBeVisible();
            if (transport === 'tls') {
              const menc = await peer.waitForEvent('CALL_MENC', { since });
              expect(menc.param, 'SRTP with SDES keys on the phone leg').toMatch(/^0,audio,(AES|AEAD)_/);
            }
          });

          await test.step('audio both ways', async () => {
            await expectAppHears(app.page);
            await expect
              .poll(() => peer.receivedAudioPeak(), { timeout: 15_000 })
              .toBeGreaterThan(NOT_SILENCE);
          });

          await test.step('DTMF', async () => {
            await appSendsDigits(card, DIGITS);
            const received = () =>
              peer.events.slice(since).flatMap((e) => (e.type === 'CALL_DTMF_START' ? [e.param] : []));
            await expect.poll(received, { timeout: 10_000 }).toEqual(DIGITS);
          });

          await test.step('hold by app', async () => {
            await card.getByRole('button', { name: 'Hold' }).click();
            await expect(card.getByRole('status').first()).toContainText('On hold');
            await expect
              .poll(async () => peerAcceptedHold(await sipTrace.text(), peer.user.username))
              .toBe(true);
            await card.getByRole('button', { name: 'Hold' }).click();
            await expectConnected(card);
            await expectAppHears(app.page);
          });

          await test.step('hold by peer', async () => {
            await peer.command('hold');
            await expect(card.getByRole('status').first()).toContainText('Put on hold by the other side');
            await peer.command('resume');
            await expectConnected(card);
            await expectAppHears(app.page);
          });

          await test.step('far-end hang-up', async () => {
            await peer.command('hangup');
            await peer.waitForEvent('CALL_CLOSED', { since });
            await expectEndedVisibly(app, card, direction === 'app calls' ? /Outgoing/ : /Incoming/);
          });
        },
      );
    }

    test(
      `a call the ${peerName} refuses ends visibly at the app`,
      { annotation: cell(peerName, 'refused call', 'app calls') },
      async ({ openApp, sipTrace }) => {
        const app = await registeredPhone(openApp, 'alice');
        sipTrace.follow(app.user.username);
        const since = peer.events.length;
        await appDials(app, peer.user.uri);
        await peer.waitForEvent('CALL_INCOMING', { since });
        await peer.command('hangup');
        await expectEndedVisibly(app, callCard(app, peer.user.username), /busy|declined/);
      },
    );
  });
}

import type { Shell } from '../shell/shell.js';
import type { OpenAppOptions } from '../support/fixtures.js';
import { createSipUser, type RegisteredPhone, registeredPhone } from '../support/phone.js';
import { appDials, callCard, expectAppHears, expectConnected } from './app-side.js';
import { cell, unsupported } from './cells.js';
import { expect, type SipTrace, test } from './fixtures.js';
import {
  TRANSFER_PEERS,
  type TransferFeature,
  type TransferPeer,
  type TransferPeerKind,
} from './transfer-peers.js';

// Transfers in the interop matrix: the app (Alice) passes a call with a phone on to a second app instance
// (Carol), blind (REFER) and attended (REFER with Replaces), and the phone passes its call with the app on
// to Carol, where the phone can do that from its command interface. Everything goes through the stack's
// edge (Kamailio + rtpengine); each test is one transfer, one matrix cell.

/** Alice, who transfers or is transferred, and Carol, the third party: two registered app instances. */
async function aliceAndCarol(openApp: (options?: OpenAppOptions) => Promise<Shell>, sipTrace: SipTrace) {
  const alice = await registeredPhone(openApp, 'alice');
  const carol = await registeredPhone(openApp, 'carol');
  sipTrace.follow(alice.user.username, carol.user.username);
  return { alice, carol };
}

/** The app calls the phone, the phone answers; the app's call card. */
async function appCallsPeer(alice: RegisteredPhone, peer: TransferPeer) {
  const since = peer.mark();
  await appDials(alice, peer.user.uri);
  const id = await peer.answer(since);
  const card = callCard(alice, peer.user.username);
  await expectConnected(card);
  return { id, card };
}

/** The phone calls the app, the app answers; the phone's call id. */
async function peerCallsApp(peer: TransferPeer, alice: RegisteredPhone) {
  const since = peer.mark();
  const calling = peer.call(alice.user.uri, since);
  const card = callCard(alice, peer.user.username);
  await card.getByRole('button', { name: 'Answer' }).click();
  const id = await calling;
  await expectConnected(card);
  return { id, card };
}

/** The cell a transfer test checks, or why the phone cannot take part (the test then does not run). */
function transferCell(kind: TransferPeerKind, feature: TransferFeature) {
  const direction = feature.endsWith('by app') ? 'app calls' : 'peer calls';
  const why = kind.cannot[feature];
  return why ? unsupported(kind.name, feature, direction, why) : cell(kind.name, feature, direction);
}

/** A transfer test, declared skipped (its peer never started) where the phone cannot take part. */
const transferTest = (kind: TransferPeerKind, feature: TransferFeature) =>
  feature in kind.cannot ? test.skip : test;

/** Alice and Carol have no other call than the ones named. */
async function onlyCalls(phone: RegisteredPhone, count: number): Promise<void> {
  await expect(phone.page.getByRole('region', { name: /^Call with / })).toHaveCount(count, {
    timeout: 10_000,
  });
}

for (const kind of TRANSFER_PEERS) {
  test.describe(`${kind.name} transfers`, () => {
    test.describe.configure({ timeout: 90_000 });
    let peer: TransferPeer;
    test.beforeEach(async ({ sipTrace }) => {
      peer = await kind.start(test.info().outputPath('peer'), await createSipUser('phone'));
      sipTrace.follow(peer.user.username);
    });
    test.afterEach(async () => {
      await peer.stop();
    });

    transferTest(kind, 'blind transfer by app')(
      `the app passes its call with ${kind.name} on to a third party (blind transfer)`,
      { annotation: transferCell(kind, 'blind transfer by app') },
      async ({ openApp, sipTrace }) => {
        const { alice, carol } = await aliceAndCarol(openApp, sipTrace);
        const { card } = await appCallsPeer(alice, peer);

        const since = peer.mark();
        await card.getByRole('button', { name: 'Transfer' }).click();
        await card.getByLabel('Transfer to (number or SIP address)').fill(carol.user.uri);
        await card.getByRole('button', { name: 'Transfer now' }).click();

        // The phone follows the REFER: Carol rings with a call from the phone.
        const atCarol = callCard(carol, peer.user.username);
        await expect(atCarol.getByRole('status').first()).toHaveText('Incoming call', { timeout: 15_000 });
        await atCarol.getByRole('button', { name: 'Answer' }).click();
        await expectConnected(atCarol);
        await peer.sendAudio(await peer.established(since));
        await expectAppHears(carol.page);
        await onlyCalls(alice, 0);
      },
    );

    transferTest(kind, 'attended transfer by app')(
      `the app consults a third party, then passes ${kind.name} on to it (attended transfer)`,
      { annotation: transferCell(kind, 'attended transfer by app') },
      async ({ openApp, sipTrace }) => {
        const { alice, carol } = await aliceAndCarol(openApp, sipTrace);
        const { card } = await appCallsPeer(alice, peer);

        await card.getByRole('button', { name: 'Transfer' }).click();
        await card.getByLabel('Transfer to (number or SIP address)').fill(carol.user.uri);
        await card.getByRole('button', { name: 'Call first' }).click();
        await callCard(carol, alice.user.username).getByRole('button', { name: 'Answer' }).click();
        await expectConnected(callCard(alice, carol.user.username));

        const since = peer.mark();
        await card.getByRole('button', { name: `Transfer to ${carol.user.username}` }).click();
        // The phone's INVITE with Replaces takes the place of Carol's call with Alice: no ringing.
        await expectConnected(callCard(carol, peer.user.username));
        await onlyCalls(carol, 1);
        await onlyCalls(alice, 0);
        await peer.sendAudio(await peer.established(since));
        await expectAppHears(carol.page);
      },
    );

    transferTest(kind, 'blind transfer by peer')(
      `${kind.name} passes its call with the app on to a third party (blind transfer)`,
      { annotation: transferCell(kind, 'blind transfer by peer') },
      async ({ openApp, sipTrace }) => {
        const { alice, carol } = await aliceAndCarol(openApp, sipTrace);
        const { id, card } = await peerCallsApp(peer, alice);

        await peer.blindTransfer!(id, carol.user.uri);
        // The app follows the REFER (policy allows it by default): it calls Carol, and says who sent it.
        const atCarol = callCard(carol, alice.user.username);
        await atCarol.getByRole('button', { name: 'Answer' }).click();
        const followed = callCard(alice, carol.user.username);
        await expectConnected(followed);
        await expect(followed.getByText(`Passed on to you by ${peer.user.username}`)).toBeVisible();
        await expect(card).toHaveCount(0, { timeout: 10_000 });
        await expectAppHears(carol.page);
        await expectAppHears(alice.page);
      },
    );

    transferTest(kind, 'attended transfer by peer')(
      `${kind.name} consults a third party, then passes the app on to it (attended transfer)`,
      { annotation: transferCell(kind, 'attended transfer by peer') },
      async ({ openApp, sipTrace }) => {
        const { alice, carol } = await aliceAndCarol(openApp, sipTrace);
        const { id, card } = await peerCallsApp(peer, alice);

        await peer.hold(id);
        await expect(card.getByRole('status').first()).toContainText('Put on hold by the other side');
        const consultation = await peerCallsApp(peer, carol);
        await peer.attendedTransfer!(id, consultation.id);
        // Alice's INVITE with Replaces takes the place of Carol's call with the phone: no ringing.
        const followed = callCard(alice, carol.user.username);
        await expectConnected(followed);
        await expectConnected(callCard(carol, alice.user.username));
        await onlyCalls(alice, 1);
        await onlyCalls(carol, 1);
        await expectAppHears(carol.page);
        await expectAppHears(alice.page);
      },
    );
  });
}

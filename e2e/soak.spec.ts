import type { Page } from 'playwright-core';
import { GLANCE_RECENT } from '../renderer/state/glance-store.js';
import { expect, test } from './support/fixtures.js';
import { twoRegisteredPhones, type TwoPhones } from './support/phone.js';

// Thirty calls between two instances, each with a hold and a resume (both ends renegotiate), a keypad
// tone, and every tenth with a transfer: after each call, both pages are back at their baseline (taken
// once the Phone screen's list of recent calls is full, GLANCE_RECENT calls in: by then the calls made what
// every call shares, the tone output and the next certificate, and the list no longer grows). No
// <audio> element, peer connection, track, DOM node or performance entry of the app's may stay behind:
// the hold/resume leak of issue 15 kept one <audio> per resume, and the per-call User Timing marks piled up.
const CALLS = 30;

declare global {
  interface Window {
    /** The peer connections and microphone streams the page made since `watchMedia`. */
    soak?: { connections: RTCPeerConnection[]; streams: MediaStream[] };
  }
}

/** What a page holds that a call could leave behind. */
interface Footprint {
  callAudio: number;
  audioElements: number;
  livePeerConnections: number;
  liveTracks: number;
  domNodes: number;
  /**
   * The entries the app makes (User Timing marks and measures, resources it fetches); the browser's own
   * timeline entries (long animation frames, paints, input) come and go with the machine's load.
   */
  performanceEntries: number;
}

/**
 * Keeps a reference to every peer connection and microphone stream the page makes from now on (JsSIP
 * looks both up when a call starts), so that the spec can count the live ones.
 */
async function watchMedia(page: Page): Promise<void> {
  await page.evaluate(() => {
    const connections: RTCPeerConnection[] = [];
    const streams: MediaStream[] = [];
    const Original = window.RTCPeerConnection;
    class Watched extends Original {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        connections.push(this);
      }
    }
    window.RTCPeerConnection = Watched;
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await open(constraints);
      streams.push(stream);
      return stream;
    };
    window.soak = { connections, streams };
  });
}

function footprint(page: Page): Promise<Footprint> {
  return page.evaluate(() => {
    const { connections, streams } = window.soak ?? { connections: [], streams: [] };
    const live = connections.filter((connection) => connection.connectionState !== 'closed');
    const tracks = [
      ...streams.flatMap((stream) => stream.getTracks()),
      ...live.flatMap((connection) => connection.getReceivers().map((receiver) => receiver.track)),
    ];
    return {
      callAudio: document.querySelectorAll('audio[data-call-id]').length,
      audioElements: document.querySelectorAll('audio').length,
      livePeerConnections: live.length,
      liveTracks: tracks.filter((track) => track.readyState === 'live').length,
      domNodes: document.getElementsByTagName('*').length,
      performanceEntries: ['mark', 'measure', 'resource']
        .map((type) => performance.getEntriesByType(type).length)
        .reduce((sum, count) => sum + count, 0),
    };
  });
}

/**
 * Alice calls Bob; Alice holds and resumes, presses a key; on every tenth call Bob transfers her. Returns
 * both pages' footprints in the call, after the resume.
 */
async function oneCall(phones: TwoPhones, index: number): Promise<Record<'alice' | 'bob', Footprint>> {
  const { a, b, alice, bob } = phones;
  await a.getByLabel('Number or SIP address').fill(bob.uri);
  await a.getByRole('button', { name: 'Call', exact: true }).click();
  const atBob = b.getByRole('region', { name: `Call with ${alice.username}` });
  const atAlice = a.getByRole('region', { name: `Call with ${bob.username}` });
  await atBob.getByRole('button', { name: 'Answer' }).click();
  await expect(atAlice.getByRole('status').first()).toContainText('Connected');
  await expect(atBob.getByRole('status').first()).toContainText('Connected');

  // Hold and resume: each renegotiation fires `track` again at both ends.
  await atAlice.getByRole('button', { name: 'Hold' }).click();
  await expect(atBob.getByRole('status').first()).toContainText('Put on hold by the other side');
  await atAlice.getByRole('button', { name: 'Hold' }).click();
  await expect(atBob.getByRole('status').first()).toContainText('Connected');
  const inCall = { alice: await footprint(a), bob: await footprint(b) };

  // A keypad tone (SIP INFO, so that Bob's card shows it).
  const digit = String(index % 10);
  await atAlice.getByRole('button', { name: 'Keypad' }).click();
  await atAlice.getByRole('button', { name: digit, exact: true }).click();
  await expect(atBob.getByText(`Tones received: ${digit}`)).toBeVisible();

  if (index % 10 === 9) {
    // Bob passes Alice on to himself: her new call rings as his second line and his first one ends.
    await atBob.getByRole('button', { name: 'Transfer' }).click();
    await atBob.getByLabel('Transfer to (number or SIP address)').fill(bob.uri);
    await atBob.getByRole('button', { name: 'Transfer now' }).click();
    await atBob.filter({ hasText: 'Incoming call' }).getByRole('button', { name: 'Answer' }).click();
    await expect(atBob).toHaveCount(1);
    await expect(atAlice).toHaveCount(1);
    await expect(atAlice.getByRole('status').first()).toContainText('Connected');
  }
  await atAlice.getByRole('button', { name: 'Hang up' }).click();
  await expect(atAlice).toHaveCount(0);
  await expect(atBob).toHaveCount(0);
  return inCall;
}

test('thirty calls with hold, keypad and transfer leave nothing behind', async ({ openApp }) => {
  test.setTimeout(180_000);
  const phones = await twoRegisteredPhones(openApp);
  await phones.a.getByRole('link', { name: 'Settings' }).click();
  await phones.a.getByLabel('Send keypad tones as').selectOption({ label: 'SIP INFO messages' });
  await expect(phones.a.getByText('Saved.').first()).toBeVisible();
  await phones.a.getByRole('link', { name: 'Phone' }).click();
  for (const page of [phones.a, phones.b]) await watchMedia(page);

  for (let index = 0; index < GLANCE_RECENT; index += 1) await oneCall(phones, index);
  // The list is read again from main after each call: the baseline waits until it shows all its rows.
  for (const page of [phones.a, phones.b])
    await expect(page.getByRole('region', { name: 'Recent calls' }).getByRole('listitem')).toHaveCount(
      GLANCE_RECENT,
    );
  const baseline = { alice: await footprint(phones.a), bob: await footprint(phones.b) };
  for (const side of Object.values(baseline))
    expect(side).toMatchObject({ callAudio: 0, livePeerConnections: 0, liveTracks: 0 });
  const during = { alice: [] as Footprint[], bob: [] as Footprint[] };
  const inCalls = { alice: [] as Footprint[], bob: [] as Footprint[] };

  for (let index = GLANCE_RECENT; index < CALLS; index += 1) {
    const inCall = await oneCall(phones, index);
    for (const [side, page] of [
      ['alice', phones.a],
      ['bob', phones.b],
    ] as const) {
      // Closing a call settles within moments (the peer connection closes after the BYE's answer).
      await expect
        .poll(() => footprint(page), { message: `${side} after call ${index + 1}` })
        .toEqual(baseline[side]);
      during[side].push(await footprint(page));
      // What is counted is seen: in a call, one element for its audio (however often it was renegotiated),
      // one live connection, the microphone's and the far end's tracks.
      expect(inCall[side], `${side} in call ${index + 1}`).toMatchObject({
        callAudio: 1,
        livePeerConnections: 1,
      });
      expect(inCall[side].liveTracks).toBeGreaterThanOrEqual(2);
      inCalls[side].push(inCall[side]);
    }
  }
  // The figures, for the record: the baseline, the largest value seen in the calls after it (after the
  // resume) and after them.
  const largest = (seen: Footprint[], key: keyof Footprint) => Math.max(...seen.map((one) => one[key]));
  const rows = (['alice', 'bob'] as const).flatMap((side) =>
    (Object.keys(baseline[side]) as (keyof Footprint)[]).map((key) => ({
      side,
      measure: key,
      baseline: baseline[side][key],
      maxInCall: largest(inCalls[side], key),
      maxAfterCall: largest(during[side], key),
    })),
  );
  console.log(`soak: ${CALLS} calls, after each call against the baseline after call ${GLANCE_RECENT}`);
  console.table(rows);
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Baresip, startBaresip } from './support/baresip.js';
import { classify, startCapture, type Packet } from './support/capture.js';
import { expect, test } from './support/fixtures.js';
import { createSipUser, expectDtlsSrtp, registeredPhone } from './support/phone.js';

const run = promisify(execFile);

// DTMF from the keypad as RFC 4733 telephone-events, followed on the wire. Browsers do not expose the
// telephone-events they receive, so the far end is a plain SIP phone (baresip over UDP) that the edge
// bridges through rtpengine: there the RTP is cleartext and tshark's rtpevent dissector reads the digits.
// On the app's own leg the RTP header stays readable under SRTP, so the same events are seen there too,
// encrypted. rtpengine passes RTP through without transcoding: SSRC and timestamps are the same on both
// legs, which ties the app's packets to this call even when other specs' calls share the capture.

/** RFC 4733 event codes of the keys. */
const EVENT_OF: Record<string, number> = { '1': 1, '5': 5, '#': 11 };

interface RtpHeader {
  marker: boolean;
  payloadType: number;
  ssrc: number;
  timestamp: number;
}

function rtpHeader(payload: Buffer): RtpHeader {
  return {
    marker: (payload[1]! & 0x80) !== 0,
    payloadType: payload[1]! & 0x7f,
    timestamp: payload.readUInt32BE(4),
    ssrc: payload.readUInt32BE(8),
  };
}

/** The packets of each telephone-event (one RTP timestamp per event), in order of their first packet. */
function byTimestamp<T extends { timestamp: number }>(packets: T[]): T[][] {
  const events = new Map<number, T[]>();
  for (const packet of packets)
    events.set(packet.timestamp, [...(events.get(packet.timestamp) ?? []), packet]);
  return [...events.values()];
}

let peer: Baresip;
test.beforeEach(async () => {
  peer = await startBaresip(test.info().outputPath('baresip'), await createSipUser('phone'));
});
test.afterEach(async () => {
  await peer.stop();
});

test('keypad digits 1 5 # reach a plain SIP phone as RFC 4733 telephone-events, SRTP on the app leg', async ({
  openApp,
}, testInfo) => {
  test.setTimeout(90_000);
  const app = await registeredPhone(openApp, 'alice');
  const file = testInfo.outputPath('dtmf.pcapng');
  const capture = await startCapture(file, 'udp');
  let packets: Packet[];
  const since = peer.events.length;
  try {
    await app.page.getByLabel('Number or SIP address').fill(peer.user.uri);
    await app.page.getByRole('button', { name: 'Call', exact: true }).click();
    await peer.waitForEvent('CALL_INCOMING', { since });
    await peer.command('accept');
    const call = app.page.getByRole('region', { name: `Call with ${peer.user.username}` });
    await expect(call.getByRole('status').first()).toContainText('Connected', { timeout: 10_000 });
    await expectDtlsSrtp(call);

    await call.getByRole('button', { name: 'Keypad' }).click();
    for (const digit of ['1', '5', '#']) await call.getByRole('button', { name: digit, exact: true }).click();
    // The phone decodes the events itself.
    await expect
      .poll(() => peer.events.slice(since).flatMap((e) => (e.type === 'CALL_DTMF_START' ? [e.param] : [])), {
        timeout: 10_000,
      })
      .toEqual(['1', '5', '#']);
    // Hung up only once the last key's event has ended: its closing packets (E bit) come after its start.
    await expect
      .poll(() => peer.events.slice(since).filter((e) => e.type === 'CALL_DTMF_END').length, {
        timeout: 10_000,
      })
      .toBe(3);

    await call.getByRole('button', { name: 'Hang up' }).click();
    await peer.waitForEvent('CALL_CLOSED', { since });
  } finally {
    packets = await capture.stop();
  }

  // The phone's answer (cleartext SIP over UDP from the edge): its RTP port and the payload type it
  // accepted for telephone-event/8000 from the app's offer.
  const answer = packets
    .map((p) => p.payload.toString('latin1'))
    .find((text) => text.startsWith('SIP/2.0 200') && text.includes(`cname:sip:${peer.user.username}@`));
  expect(answer, "the phone's 200 OK with its SDP").toBeTruthy();
  const phonePort = Number(/^m=audio (\d+) RTP\/AVP /m.exec(answer!)?.[1]);
  const eventType = Number(/^a=rtpmap:(\d+) telephone-event\/8000\r?$/m.exec(answer!)?.[1]);
  expect(phonePort).toBeGreaterThan(0);
  expect(eventType).toBeGreaterThanOrEqual(96);

  // Phone leg, plain RTP: tshark decodes the telephone-events.
  const { stdout } = await run(
    'tshark',
    [
      '-r',
      file,
      '-d',
      `udp.port==${phonePort},rtp`,
      '-d',
      `rtp.pt==${eventType},rtpevent`,
      '-Y',
      `udp.dstport==${phonePort} && rtpevent`,
      '-T',
      'fields',
      '-E',
      'separator=,',
      '-e',
      'rtp.ssrc',
      '-e',
      'rtp.marker',
      '-e',
      'rtp.timestamp',
      '-e',
      'rtpevent.event_id',
      '-e',
      'rtpevent.end_of_event',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const plain = stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ssrc, marker, timestamp, eventId, end] = line.split(',');
      return {
        ssrc: Number(ssrc),
        marker: marker === '1' || marker === 'True',
        timestamp: Number(timestamp),
        eventId: Number(eventId),
        end: end === '1' || end === 'True',
      };
    });
  const plainEvents = byTimestamp(plain);
  expect(plainEvents.map((event) => event[0]!.eventId)).toEqual(['1', '5', '#'].map((key) => EVENT_OF[key]));
  for (const event of plainEvents) {
    expect(event[0]!.marker, 'the first packet of an event has the marker bit').toBe(true);
    expect(new Set(event.map((p) => p.eventId)).size, 'one event per timestamp').toBe(1);
    expect(event.at(-1)!.end, 'every event is ended (E bit)').toBe(true);
  }
  const ssrc = plain[0]!.ssrc;

  // App leg, SRTP: the same stream (SSRC, timestamps) in packets that are not the phone's, readable in the
  // RTP header only. Its first packets on that port were DTLS (the keys), and its payloads carry the SRTP
  // authentication tag on top of RFC 4733's 4 bytes.
  const appLeg = packets.filter(
    (p) =>
      p.protocol === 'udp' &&
      p.dstPort !== phonePort &&
      p.srcPort !== phonePort &&
      classify(p.payload) === 'rtp' &&
      p.payload.length >= 12 &&
      rtpHeader(p.payload).ssrc === ssrc,
  );
  const appEvents = byTimestamp(
    appLeg
      .filter((p) => rtpHeader(p.payload).payloadType === eventType)
      .map((p) => ({ ...rtpHeader(p.payload), size: p.payload.length, port: p.srcPort })),
  );
  expect(appEvents.map((event) => event[0]!.timestamp)).toEqual(
    plainEvents.map((event) => event[0]!.timestamp),
  );
  for (const event of appEvents) {
    expect(event[0]!.marker).toBe(true);
    for (const packet of event) expect(packet.size).toBeGreaterThan(12 + 4);
  }
  // The 4 bytes of each event are ciphertext on the app leg: none equals an event as the phone got it.
  const eventBytes = (p: Packet) => p.payload.subarray(12, 16).toString('hex');
  const plainBytes = new Set(
    packets.filter((p) => p.dstPort === phonePort && classify(p.payload) === 'rtp').map(eventBytes),
  );
  const appEventPackets = appLeg.filter((p) => rtpHeader(p.payload).payloadType === eventType);
  expect(appEventPackets.filter((p) => plainBytes.has(eventBytes(p)))).toEqual([]);
  const appPort = appEvents[0]![0]!.port;
  expect(
    packets.some((p) => p.srcPort === appPort && classify(p.payload) === 'dtls'),
    'DTLS from the app port before its SRTP',
  ).toBe(true);
});

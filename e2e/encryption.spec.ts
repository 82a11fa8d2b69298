import { readFile } from 'node:fs/promises';
import { classify, startCapture } from './support/capture.js';
import { expect, test } from './support/fixtures.js';
import { connectedCall, receivedAudioLevel, twoRegisteredPhones } from './support/phone.js';
import { startPrivateEdge } from './support/private-edge.js';

// A private edge: its log holds this call's offer only.
let edge: Awaited<ReturnType<typeof startPrivateEdge>>;
test.beforeEach(async () => {
  edge = await startPrivateEdge();
});
test.afterEach(async () => {
  await edge.stop();
});

test('on the wire: only TLS on the WSS port, DTLS before any RTP, and an SDP offer for DTLS-SRTP', async ({
  openApp,
}, testInfo) => {
  const wssPort = edge.wssPort;
  const phones = await twoRegisteredPhones(openApp, { ctlSocket: edge.ctlSocket, wssUrl: edge.wssUrl });
  const capture = await startCapture(testInfo.outputPath('call.pcapng'), `tcp port ${wssPort} or udp`);
  const { outgoing } = await connectedCall(phones);
  await expect.poll(() => receivedAudioLevel(phones.b), { timeout: 10_000 }).toBeGreaterThan(5);
  await outgoing.getByRole('button', { name: 'Hang up' }).click();
  const packets = await capture.stop();

  // Signalling: TLS records only (content types 20-23), never readable SIP.
  const signalling = packets.filter(
    (p) => p.protocol === 'tcp' && (p.srcPort === wssPort || p.dstPort === wssPort),
  );
  expect(signalling.length).toBeGreaterThan(0);
  for (const packet of signalling) {
    expect(packet.payload.toString('latin1')).not.toMatch(
      /SIP\/2\.0|INVITE sip:|REGISTER sip:|a=fingerprint/,
    );
    expect([20, 21, 22, 23]).toContain(packet.payload[0]);
  }

  // The offer, as the edge saw it after TLS: DTLS-SRTP profile and fingerprint, no SDES keys.
  const log = await readFile(edge.logPath, 'utf8');
  const offers = [...log.matchAll(/sdp-offer \S+ ([0-9a-f]+)$/gm)].map(([, hex]) =>
    Buffer.from(hex!, 'hex').toString('utf8'),
  );
  const offer = offers.at(-1);
  expect(offer, 'an SDP offer in the edge log').toBeTruthy();
  expect(offer).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF /m);
  expect(offer).toMatch(/^a=fingerprint:sha-256 /m);
  expect(offer).not.toContain('a=crypto');

  // Media of this call: the UDP packets to or from the caller's ICE candidates in the offer.
  const candidatePorts = new Set(
    [...offer!.matchAll(/^a=candidate:\S+ \d+ udp \d+ 127\.0\.0\.1 (\d+) typ host/gm)].map(([, port]) =>
      Number(port),
    ),
  );
  expect(candidatePorts.size).toBeGreaterThan(0);
  // Media: STUN, then DTLS, then RTP-framed SRTP; no RTP before the first DTLS record.
  const media = packets.filter(
    (p) => p.protocol === 'udp' && (candidatePorts.has(p.srcPort) || candidatePorts.has(p.dstPort)),
  );
  const kinds = media.map((p) => classify(p.payload));
  const firstDtls = kinds.indexOf('dtls');
  const firstRtp = kinds.indexOf('rtp');
  expect(kinds).toContain('stun');
  expect(firstDtls).toBeGreaterThanOrEqual(0);
  expect(firstRtp).toBeGreaterThan(firstDtls);
  expect(kinds.filter((kind) => kind === 'rtp').length).toBeGreaterThan(50);
  // SRTP payloads look random, so no two are alike (a steady tone in cleartext G.711 would repeat).
  const rtp = media.filter((p) => classify(p.payload) === 'rtp');
  const distinctPayloads = new Set(rtp.map((p) => p.payload.subarray(12).toString('hex')));
  expect(distinctPayloads.size).toBe(rtp.length);
});

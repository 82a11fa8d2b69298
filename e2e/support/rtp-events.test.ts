import { describe, expect, it } from 'vitest';
import type { Packet } from './capture.js';
import { rtpEventDigits } from './rtp-events.js';

/** An RTP packet (version 2, no CSRC) of this payload type, timestamp and SSRC. */
function rtp(payloadType: number, timestamp: number, payload: number[], ssrc = 0x1234): Packet {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = payloadType;
  header.writeUInt32BE(timestamp, 4);
  header.writeUInt32BE(ssrc, 8);
  return { protocol: 'udp', srcPort: 1, dstPort: 2, payload: Buffer.concat([header, Buffer.from(payload)]) };
}

/** A telephone-event payload: event, end bit, volume 10, duration. */
const event = (digit: number, end: boolean, duration: number) => [
  digit,
  (end ? 0x80 : 0) | 10,
  duration >> 8,
  duration & 0xff,
];

describe('rtpEventDigits', () => {
  it('reads one digit per event, however many packets carry it, in the order sent', () => {
    const packets = [
      rtp(0, 1000, new Array(160).fill(0xff)),
      rtp(101, 1160, event(1, false, 160)),
      rtp(101, 1160, event(1, false, 320)),
      rtp(101, 1160, event(1, true, 800)),
      rtp(101, 1160, event(1, true, 800)),
      // An event seen only by its end packets (the start was not relayed) still counts.
      rtp(101, 3000, event(11, true, 960)),
      rtp(101, 3000, event(11, true, 960)),
      rtp(101, 4000, event(10, true, 960)),
    ];
    expect(rtpEventDigits(packets)).toEqual(['1', '#', '*']);
  });

  it('passes over audio, static payload types, other events and what is not RTP', () => {
    const packets = [
      rtp(0, 1000, [1, 0x80, 0, 160]),
      rtp(111, 1000, new Array(60).fill(1)),
      rtp(101, 2000, event(16, true, 960)),
      { protocol: 'udp' as const, srcPort: 1, dstPort: 2, payload: Buffer.from([0x00, 0x01, 0x00, 0x00]) },
    ];
    expect(rtpEventDigits(packets)).toEqual([]);
  });

  it('keeps apart two streams whose events share a timestamp', () => {
    const packets = [rtp(101, 500, event(5, true, 960), 1), rtp(101, 500, event(5, true, 960), 2)];
    expect(rtpEventDigits(packets)).toEqual(['5', '5']);
  });
});

import type { Packet } from './capture.js';

const EVENT_DIGITS = '0123456789*#ABCD';

/**
 * The DTMF digits carried as RFC 4733 telephone-events in these UDP packets, in the order they were sent.
 * An event is sent as several packets with the same RTP timestamp (updates and three end packets): a
 * digit per stream and timestamp. A telephone-event payload is 4 bytes (event, E/R/volume, duration) under
 * a dynamic payload type; an event number above 15 is not a DTMF digit.
 */
export function rtpEventDigits(packets: readonly Packet[]): string[] {
  const digits = new Map<string, string>();
  for (const { payload } of packets) {
    if (payload.length < 12 || payload[0]! >> 6 !== 2) continue;
    const headerLength = 12 + 4 * (payload[0]! & 0x0f);
    const payloadType = payload[1]! & 0x7f;
    if (payloadType < 96 || payload.length !== headerLength + 4) continue;
    const digit = EVENT_DIGITS[payload[headerLength]!];
    if (!digit) continue;
    const key = `${payload.readUInt32BE(8)}/${payload.readUInt32BE(4)}`;
    if (!digits.has(key)) digits.set(key, digit);
  }
  return [...digits.values()];
}

import type { Packet } from './capture.js';

/** ITU-T G.711 mu-law byte to a 16-bit linear sample. */
export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const magnitude = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
  return u & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
}

/** ITU-T G.711 A-law byte to a 16-bit linear sample. */
export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

/**
 * Peak absolute sample of the G.711 audio (RTP payload types 0 and 8, RFC 3551) in these UDP packets; 0
 * when there is none. Packets of other payload types (telephone-events, other codecs) are passed over.
 */
export function g711Peak(packets: readonly Packet[]): number {
  let peak = 0;
  for (const { payload } of packets) {
    if (payload.length <= 12 || payload[0]! >> 6 !== 2) continue;
    const payloadType = payload[1]! & 0x7f;
    const decode = payloadType === 0 ? ulawToLinear : payloadType === 8 ? alawToLinear : null;
    if (!decode) continue;
    const headerLength = 12 + 4 * (payload[0]! & 0x0f);
    for (const byte of payload.subarray(headerLength)) peak = Math.max(peak, Math.abs(decode(byte)));
  }
  return peak;
}

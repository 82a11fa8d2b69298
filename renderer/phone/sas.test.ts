import { describe, expect, it } from 'vitest';
import { deriveSas, sdpFingerprints } from './sas';

const sdp = (hex: string) =>
  `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 ${hex}\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n`;
const A = 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';
const B = '01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF';
const C = '01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EE';

describe('short authentication string', () => {
  it('reads fingerprints from SDP', () => {
    expect(sdpFingerprints(sdp(A.toLowerCase()))).toEqual([`sha-256 ${A}`]);
  });

  it('is the same on both ends of a call', async () => {
    const caller = await deriveSas(sdp(A), sdp(B));
    const callee = await deriveSas(sdp(B), sdp(A));
    expect(caller).toMatch(/^[A-Z0-9]{4}$/);
    expect(callee).toBe(caller);
  });

  it('changes when a fingerprint changes (a man in the middle)', async () => {
    expect(await deriveSas(sdp(A), sdp(C))).not.toBe(await deriveSas(sdp(A), sdp(B)));
  });

  it('is absent without DTLS fingerprints', async () => {
    expect(await deriveSas('v=0\r\n', sdp(B))).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import {
  encryptionScope,
  holdsUs,
  peerConnectionConfig,
  rejectUnusedMedia,
  sdpProblemOf,
} from './sdp-policy';

const FINGERPRINT =
  'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';
const OTHER =
  '01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF';

const sdp = (...lines: string[]) => `${lines.join('\r\n')}\r\n`;
const head = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
const webrtcAudio = [
  'm=audio 40000 UDP/TLS/RTP/SAVPF 111 0 101',
  `a=fingerprint:sha-256 ${FINGERPRINT}`,
  'a=setup:actpass',
  'a=mid:0',
  'a=rtcp-mux',
  'a=sendrecv',
];

describe('peer-connection settings', () => {
  it('take peers without BUNDLE, require RTCP multiplexing, and use a certificate made ahead', () => {
    expect(peerConnectionConfig([])).toEqual({
      iceServers: [],
      rtcpMuxPolicy: 'require',
      bundlePolicy: 'balanced',
    });
    const certificate = { expires: 0, getFingerprints: () => [] } satisfies RTCCertificate;
    expect(peerConnectionConfig([], certificate).certificates).toEqual([certificate]);
  });
});

describe('what a browser cannot take from a peer', () => {
  it('accepts DTLS-SRTP with RTCP multiplexed, the fingerprint at media or session level', () => {
    expect(sdpProblemOf(sdp(...head, ...webrtcAudio))).toBeNull();
    const sessionLevel = webrtcAudio.filter((line) => !line.startsWith('a=fingerprint'));
    expect(sdpProblemOf(sdp(...head, `a=fingerprint:sha-256 ${FINGERPRINT}`, ...sessionLevel))).toBeNull();
  });

  it('names an offer with SDES keys and no fingerprint', () => {
    // baresip's mediaenc=srtp-mand offer (INTEROP-NOTES).
    const sdes = sdp(
      ...head,
      'm=audio 20222 RTP/SAVP 0 8 96 101',
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:R3JvdW5kIHRydXRoIGlzIGhhcmQgdG8gZmluZCEhIQ==',
      'a=rtcp-mux',
    );
    expect(sdpProblemOf(sdes)).toBe('sdes-only');
  });

  it('names an offer without keys, and one without RTCP multiplexing', () => {
    // sipp's built-in offer (INTEROP-NOTES).
    expect(sdpProblemOf(sdp(...head, 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000'))).toBe('unencrypted');
    const noMux = webrtcAudio.filter((line) => line !== 'a=rtcp-mux');
    expect(sdpProblemOf(sdp(...head, ...noMux))).toBe('no-rtcp-mux');
  });

  it('judges the call audio, not a rejected or second stream', () => {
    const withRejected = sdp(...head, 'm=audio 0 RTP/AVP 0', ...webrtcAudio);
    expect(sdpProblemOf(withRejected)).toBeNull();
  });
});

describe('m-lines other than the call audio', () => {
  it('are rejected with port 0 and taken out of BUNDLE; the audio stays as it was', () => {
    const offer = sdp(
      ...head,
      'a=group:BUNDLE 0 1 2',
      ...webrtcAudio,
      'm=video 40002 UDP/TLS/RTP/SAVPF 96',
      'a=mid:1',
      'a=bundle-only',
      'a=rtpmap:96 VP8/90000',
      'm=application 40004 UDP/DTLS/SCTP webrtc-datachannel',
      'a=mid:2',
    );
    const answerable = rejectUnusedMedia(offer);
    expect(answerable).toContain('m=video 0 UDP/TLS/RTP/SAVPF 96\r\n');
    expect(answerable).toContain('m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\n');
    expect(answerable).toContain('a=group:BUNDLE 0\r\n');
    expect(answerable).not.toContain('a=bundle-only');
    expect(answerable).toContain(webrtcAudio.join('\r\n'));
    expect(answerable.endsWith('a=mid:2\r\n')).toBe(true);
  });

  it('rejects a second audio line, T.38 and a group that is left empty; an audio-only offer is untouched', () => {
    const offer = sdp(
      ...head,
      'a=group:BUNDLE 1',
      ...webrtcAudio,
      'm=audio 40010/2 RTP/AVP 0',
      'a=mid:1',
      'm=image 40020 udptl t38',
    );
    const answerable = rejectUnusedMedia(offer);
    expect(answerable).toContain('m=audio 0 RTP/AVP 0\r\n');
    expect(answerable).toContain('m=image 0 udptl t38\r\n');
    expect(answerable).not.toContain('a=group:BUNDLE');
    const plain = sdp(...head, ...webrtcAudio);
    expect(rejectUnusedMedia(plain)).toBe(plain);
  });
});

describe('a hold from the far end', () => {
  it('is sendonly or inactive audio, at media or session level', () => {
    const audio = (direction: string) =>
      webrtcAudio.map((line) => (line === 'a=sendrecv' ? direction : line));
    expect(holdsUs(sdp(...head, ...audio('a=sendonly')))).toBe(true);
    expect(holdsUs(sdp(...head, ...audio('a=inactive')))).toBe(true);
    expect(holdsUs(sdp(...head, ...audio('a=recvonly')))).toBe(false);
    expect(holdsUs(sdp(...head, ...audio('a=sendrecv')))).toBe(false);
    const noDirection = webrtcAudio.filter((line) => line !== 'a=sendrecv');
    expect(holdsUs(sdp(...head, 'a=sendonly', ...noDirection))).toBe(true);
  });

  it('is also the old way: connection address 0.0.0.0, at session or media level', () => {
    const zero = head.map((line) => (line.startsWith('c=') ? 'c=IN IP4 0.0.0.0' : line));
    expect(holdsUs(sdp(...zero, ...webrtcAudio))).toBe(true);
    expect(holdsUs(sdp(...head, ...webrtcAudio, 'c=IN IP4 0.0.0.0'))).toBe(true);
  });
});

describe('who ends the encryption', () => {
  const remote = sdp(...head, ...webrtcAudio);

  it('is the peer when it announced the fingerprint its SDP carries', () => {
    expect(encryptionScope(remote, `sha-256 ${FINGERPRINT}`)).toBe('peer');
    expect(encryptionScope(remote, `SHA-256 ${FINGERPRINT.toLowerCase()}`)).toBe('peer');
  });

  it('is the provider when a gateway put its own fingerprint in, or nothing was announced', () => {
    expect(encryptionScope(remote, `sha-256 ${OTHER}`)).toBe('to-provider');
    // Janus sends a=msid-semantic too: it proves nothing.
    expect(encryptionScope(`${remote}a=msid-semantic: WMS janus\r\n`, null)).toBe('to-provider');
  });

  it('is unknown without a DTLS fingerprint', () => {
    expect(encryptionScope(sdp(...head, 'm=audio 9 RTP/AVP 0'), null)).toBe('unknown');
  });
});

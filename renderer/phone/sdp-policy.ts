import type { MediaEncryption } from '../../shared/domain/calls';
import type { SdpProblem } from './call-state';
import { sdpFingerprints } from './sas';

/**
 * The peer-connection settings of every call (and of the calls benchmark's bare JsSIP page):
 * - `bundlePolicy: 'balanced'` (Chromium's default): rtpengine, carrier SBCs and PBXs offer and answer one
 *   audio m-line without a=group:BUNDLE, which 'max-bundle' refuses in both directions (FIELD-NOTES, Interop);
 * - `rtcpMuxPolicy: 'require'`: Chromium has no other; a peer that cannot multiplex RTCP is refused with
 *   words that say so (`no-rtcp-mux`);
 * - a DTLS certificate made ahead of the call, when there is one: its fingerprint is announced in the
 *   SIP message (FINGERPRINT_HEADER) before the SDP exists.
 */
export function peerConnectionConfig(
  iceServers: RTCIceServer[],
  certificate?: RTCCertificate,
): RTCConfiguration {
  return {
    iceServers,
    rtcpMuxPolicy: 'require',
    bundlePolicy: 'balanced',
    ...(certificate ? { certificates: [certificate] } : {}),
  };
}

/**
 * A header in which the app names the DTLS fingerprint it uses for the call. The far end compares it with
 * the fingerprint in the SDP it received: the same, and the DTLS end is the phone that sent the header
 * (`peer`); different, and a gateway on the way terminates DTLS (`to-provider`). A gateway that forged the
 * header too would be a man in the middle, which only the compared security code uncovers.
 */
export const FINGERPRINT_HEADER = 'X-Softphone-Dtls-Fingerprint';

interface MediaSection {
  /** Index of the m= line in the SDP's lines. */
  start: number;
  /** One past the section's last line. */
  end: number;
  kind: string;
  port: number;
}

function linesOf(sdp: string): string[] {
  return sdp.split(/\r?\n/);
}

function sectionsOf(lines: string[]): MediaSection[] {
  const sections: MediaSection[] = [];
  lines.forEach((line, index) => {
    const media = /^m=(\S+) (\d+)/.exec(line);
    if (!media) return;
    const previous = sections.at(-1);
    if (previous) previous.end = index;
    sections.push({ start: index, end: lines.length, kind: media[1]!, port: Number(media[2]) });
  });
  return sections;
}

/** The m-section the call's audio uses: the first audio one that is not rejected (port 0). */
function audioSection(sections: MediaSection[]): MediaSection | undefined {
  return sections.find((section) => section.kind === 'audio' && section.port !== 0);
}

function sessionLines(lines: string[], sections: MediaSection[]): string[] {
  return lines.slice(0, sections[0]?.start ?? lines.length);
}

function sectionLines(lines: string[], section: MediaSection): string[] {
  return lines.slice(section.start, section.end);
}

const has = (lines: string[], pattern: RegExp) => lines.some((line) => pattern.test(line));

/**
 * What makes an offer or answer impossible for a browser: keys only by SDES (a=crypto, no DTLS
 * fingerprint), no keys at all, or RTCP on its own port. Null when the audio section is usable (or there
 * is none: that is left to the browser's own error).
 */
export function sdpProblemOf(sdp: string): SdpProblem | null {
  const lines = linesOf(sdp);
  const sections = sectionsOf(lines);
  const audio = audioSection(sections);
  if (!audio) return null;
  const media = sectionLines(lines, audio);
  const fingerprint = has(media, /^a=fingerprint:/) || has(sessionLines(lines, sections), /^a=fingerprint:/);
  if (!fingerprint) return has(media, /^a=crypto:/) ? 'sdes-only' : 'unencrypted';
  if (!has(media, /^a=rtcp-mux\s*$/)) return 'no-rtcp-mux';
  return null;
}

/**
 * An offer with more than the call's one audio stream (video, a second audio line, application, image):
 * every other m-section is rejected as RFC 3264 says, with port 0, and taken out of any BUNDLE group, so
 * that the browser answers it with port 0 too. The audio section and everything else stay as they are.
 */
export function rejectUnusedMedia(sdp: string): string {
  const lines = linesOf(sdp);
  const sections = sectionsOf(lines);
  const audio = audioSection(sections);
  const rejected = sections.filter((section) => section !== audio && section.port !== 0);
  if (rejected.length === 0) return sdp;
  const rejectedMids = new Set<string>();
  for (const section of rejected) {
    lines[section.start] = lines[section.start]!.replace(/^(m=\S+ )\d+(\/\d+)?/, '$10');
    for (let index = section.start + 1; index < section.end; index += 1) {
      const mid = /^a=mid:(\S+)/.exec(lines[index]!);
      if (mid) rejectedMids.add(mid[1]!);
      if (/^a=bundle-only\s*$/.test(lines[index]!)) lines[index] = '';
    }
  }
  const kept = lines
    .map((line) => {
      const group = /^a=group:BUNDLE(.*)$/.exec(line);
      if (!group) return line;
      const mids = group[1]!
        .trim()
        .split(/\s+/)
        .filter((mid) => mid && !rejectedMids.has(mid));
      return mids.length > 0 ? `a=group:BUNDLE ${mids.join(' ')}` : '';
    })
    .filter((line, index, all) => line !== '' || index === all.length - 1);
  return kept.join('\r\n');
}

/** The direction of the call's audio as the SDP states it (media level first, then session level). */
function audioDirection(lines: string[], sections: MediaSection[], audio: MediaSection): string {
  const direction = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/;
  const find = (from: string[]) => from.map((line) => direction.exec(line)?.[1]).find(Boolean);
  return find(sectionLines(lines, audio)) ?? find(sessionLines(lines, sections)) ?? 'sendrecv';
}

/**
 * Whether an offer from the far end puts us on hold: its audio is `sendonly` or `inactive`, or (the
 * RFC 2543 way that PBXes still use) its connection address is 0.0.0.0.
 */
export function holdsUs(sdp: string): boolean {
  const lines = linesOf(sdp);
  const sections = sectionsOf(lines);
  const audio = audioSection(sections);
  if (!audio) return false;
  const direction = audioDirection(lines, sections, audio);
  if (direction === 'sendonly' || direction === 'inactive') return true;
  const connection = /^c=IN IP4 (\S+)/;
  const address =
    sectionLines(lines, audio)
      .map((line) => connection.exec(line)?.[1])
      .find(Boolean) ??
    sessionLines(lines, sections)
      .map((line) => connection.exec(line)?.[1])
      .find(Boolean);
  return address === '0.0.0.0';
}

/** The fingerprint of a certificate as SDP writes it ("sha-256 AB:CD:…"), for FINGERPRINT_HEADER. */
export function certificateFingerprint(certificate: RTCCertificate): string | null {
  const fingerprint = certificate.getFingerprints().find((candidate) => candidate.algorithm === 'sha-256');
  return fingerprint?.value ? `sha-256 ${fingerprint.value.toUpperCase()}` : null;
}

/**
 * Who ends the encryption of the far end's media, from its SDP and the fingerprint it announced:
 * - `peer`: the announced fingerprint is the one in the SDP; the far end is a phone that terminates DTLS
 *   itself (not proven until the security codes are compared);
 * - `to-provider`: no announcement (a PBX, a phone behind rtpengine, a gateway such as Janus: any of them
 *   may send a=msid-semantic, which proves nothing), or one that a gateway on the way does not match;
 * - `unknown`: no DTLS fingerprint in the SDP at all.
 */
export function encryptionScope(remoteSdp: string, announced: string | null): MediaEncryption['scope'] {
  const [fingerprint] = sdpFingerprints(remoteSdp);
  if (!fingerprint) return 'unknown';
  if (!announced) return 'to-provider';
  const [algorithm, hex] = announced.trim().split(/\s+/);
  return `${algorithm?.toLowerCase()} ${hex?.toUpperCase()}` === fingerprint ? 'peer' : 'to-provider';
}

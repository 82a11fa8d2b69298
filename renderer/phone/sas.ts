/**
 * Short authentication string for a DTLS-SRTP call: derived from both DTLS certificate fingerprints in
 * the SDP, so both ends compute the same string, and a man in the middle (who must present his own
 * certificates to each side) makes the two ends see different ones. The WebRTC counterpart of ZRTP's SAS.
 */

const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769'; // z-base-32, as ZRTP's base-32 SAS

/** The `a=fingerprint` values (algorithm and hex) of an SDP, session- or media-level, normalised. */
export function sdpFingerprints(sdp: string): string[] {
  return [...sdp.matchAll(/^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/gm)].map(
    ([, algorithm, hex]) => `${algorithm!.toLowerCase()} ${hex!.toUpperCase()}`,
  );
}

/** Four z-base-32 characters (20 bits) from SHA-256 over both fingerprints in a fixed order. */
export async function deriveSas(localSdp: string, remoteSdp: string): Promise<string | null> {
  const local = sdpFingerprints(localSdp)[0];
  const remote = sdpFingerprints(remoteSdp)[0];
  if (!local || !remote) return null;
  const material = [local, remote].sort().join('\n');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(material)));
  const bits = (digest[0]! << 12) | (digest[1]! << 4) | (digest[2]! >> 4);
  let sas = '';
  for (let shift = 15; shift >= 0; shift -= 5) sas += ALPHABET[(bits >> shift) & 31];
  return sas.toUpperCase();
}

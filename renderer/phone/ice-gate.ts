/** What JsSIP's `icecandidate` event carries: the candidate, and `ready()` to send the SDP now. */
export interface IceCandidateEvent {
  candidate: Pick<RTCIceCandidate, 'candidate' | 'type'>;
  ready(): void;
}

/**
 * How long to wait, once the first candidate is there, for a TURN server's relay candidate: over TLS on 443
 * it takes a TCP and a TLS handshake and an allocation, several round trips.
 */
export const ICE_RELAY_WAIT_MS = 3000;
/** The same for a STUN server's reflexive candidate: one round trip, so an unreachable server costs 1 s. */
export const ICE_REFLEXIVE_WAIT_MS = 1000;
/** After an end-of-candidates marker (empty candidate), how long to wait for a last straggler. */
export const ICE_END_WAIT_MS = 500;

/**
 * When to send an offer or answer: SIP has no trickle ICE here, so the SDP carries exactly the candidates
 * gathered by then. Without STUN/TURN servers the first candidate will do (waiting for gathering to finish
 * can take 40 s, FIELD-NOTES). With a TURN server the SDP must carry its relay candidate, or a network that
 * blocks UDP never connects: send once one is there; with STUN only, once a server-reflexive one is; in
 * either case at most `ICE_RELAY_WAIT_MS` or `ICE_REFLEXIVE_WAIT_MS` after the first candidate (an unreachable server must not hold
 * up the call). JsSIP itself sends when gathering completes, whichever comes first.
 */
export function iceReadiness(
  iceServers: readonly RTCIceServer[],
  timers: { set(callback: () => void, ms: number): unknown; clear(handle: unknown): void } = {
    set: (callback, ms) => setTimeout(callback, ms),
    clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  },
): (event: IceCandidateEvent) => void {
  const urls = iceServers.flatMap((server) => (Array.isArray(server.urls) ? server.urls : [server.urls]));
  const awaited: RTCIceCandidateType | null = urls.some((url) => /^turns?:/.test(url))
    ? 'relay'
    : urls.some((url) => /^stuns?:/.test(url))
      ? 'srflx'
      : null;
  const serverWait = awaited === 'relay' ? ICE_RELAY_WAIT_MS : ICE_REFLEXIVE_WAIT_MS;
  let timer: unknown = null;
  const cancel = () => {
    if (timer !== null) timers.clear(timer);
    timer = null;
  };
  // One handler serves every negotiation of a call (hold, ICE restart): no timer outlives its SDP.
  return (event) => {
    const readyIn = (ms: number) => {
      cancel();
      timer = timers.set(() => {
        timer = null;
        event.ready();
      }, ms);
    };
    if (!event.candidate.candidate) return readyIn(ICE_END_WAIT_MS);
    if (awaited === null || event.candidate.type === awaited) {
      cancel();
      return event.ready();
    }
    if (timer === null) readyIn(serverWait);
  };
}

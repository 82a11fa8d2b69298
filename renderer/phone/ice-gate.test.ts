import { afterEach, describe, expect, it, vi } from 'vitest';
import { ICE_END_WAIT_MS, ICE_REFLEXIVE_WAIT_MS, ICE_RELAY_WAIT_MS, iceReadiness } from './ice-gate';

const candidate = (type: RTCIceCandidateType) => ({
  candidate: `candidate:1 1 udp 1 127.0.0.1 9 typ ${type}`,
  type,
});
const endOfCandidates = { candidate: '', type: null };

function gate(iceServers: RTCIceServer[]) {
  vi.useFakeTimers();
  const ready = vi.fn();
  const handle = iceReadiness(iceServers);
  return {
    ready,
    feed: (c: typeof endOfCandidates | ReturnType<typeof candidate>) => handle({ candidate: c, ready }),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('when the SDP goes out (no trickle ICE over SIP)', () => {
  it('without STUN/TURN servers: with the first candidate', () => {
    const { ready, feed } = gate([]);
    feed(candidate('host'));
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('with a TURN server: once its relay candidate is there, not with the host or reflexive ones', () => {
    const { ready, feed } = gate([
      { urls: ['stun:stun.example'] },
      { urls: 'turns:turn.example:443?transport=tcp' },
    ]);
    feed(candidate('host'));
    feed(candidate('srflx'));
    vi.advanceTimersByTime(ICE_RELAY_WAIT_MS - 1);
    expect(ready).not.toHaveBeenCalled();
    feed(candidate('relay'));
    expect(ready).toHaveBeenCalledTimes(1);
    vi.runAllTimers();
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('with a TURN server that never answers: at most the wait after the first candidate', () => {
    const { ready, feed } = gate([{ urls: ['turn:turn.example'] }]);
    feed(candidate('host'));
    feed(candidate('host'));
    vi.advanceTimersByTime(ICE_RELAY_WAIT_MS - 1);
    expect(ready).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('with STUN only: once a server-reflexive candidate is there', () => {
    const { ready, feed } = gate([{ urls: 'stun:stun.example:3478' }]);
    feed(candidate('host'));
    expect(ready).not.toHaveBeenCalled();
    feed(candidate('srflx'));
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('with a STUN server that never answers: at most the shorter reflexive wait', () => {
    const { ready, feed } = gate([{ urls: 'stun:stun.example:3478' }]);
    feed(candidate('host'));
    vi.advanceTimersByTime(ICE_REFLEXIVE_WAIT_MS - 1);
    expect(ready).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('after an end-of-candidates marker: shortly, unless the awaited candidate comes first', () => {
    const { ready, feed } = gate([{ urls: ['turn:turn.example'] }]);
    feed(endOfCandidates);
    vi.advanceTimersByTime(ICE_END_WAIT_MS);
    expect(ready).toHaveBeenCalledTimes(1);
  });

  it('serves a later negotiation of the same call (an ICE restart) afresh', () => {
    const { ready, feed } = gate([{ urls: ['turn:turn.example'] }]);
    feed(candidate('host'));
    feed(candidate('relay'));
    expect(ready).toHaveBeenCalledTimes(1);
    feed(candidate('host'));
    vi.advanceTimersByTime(ICE_RELAY_WAIT_MS);
    expect(ready).toHaveBeenCalledTimes(2);
  });
});

/** A call's network quality, from WebRTC statistics, for the in-call indicator. */
export interface CallQuality {
  level: 'good' | 'fair' | 'poor';
  /** Round-trip time in ms, or null before the first RTCP report. */
  rttMs: number | null;
  /** Jitter of the received audio in ms. */
  jitterMs: number;
  /** Packets lost since the previous sample, in percent. */
  lossPercent: number;
}

/** The counters one getStats() call yields that the assessment needs. */
export interface QualitySample {
  rttMs: number | null;
  jitterMs: number;
  packetsReceived: number;
  packetsLost: number;
}

interface StatsEntry {
  type: string;
  kind?: string;
  state?: string;
  nominated?: boolean;
  roundTripTime?: number;
  currentRoundTripTime?: number;
  jitter?: number;
  packetsReceived?: number;
  packetsLost?: number;
}

/** Reads the audio receive counters and the round-trip time out of an RTCStatsReport. */
export function sampleFromStats(stats: Iterable<StatsEntry>): QualitySample | null {
  let inbound: StatsEntry | undefined;
  let remoteRtt: number | undefined;
  let pairRtt: number | undefined;
  for (const entry of stats) {
    if (entry.type === 'inbound-rtp' && entry.kind === 'audio') inbound = entry;
    else if (
      entry.type === 'remote-inbound-rtp' &&
      entry.kind === 'audio' &&
      entry.roundTripTime !== undefined
    )
      remoteRtt = entry.roundTripTime;
    else if (entry.type === 'candidate-pair' && entry.state === 'succeeded' && entry.nominated)
      pairRtt = entry.currentRoundTripTime;
  }
  if (!inbound) return null;
  const rtt = remoteRtt ?? pairRtt;
  return {
    rttMs: rtt === undefined ? null : rtt * 1000,
    jitterMs: (inbound.jitter ?? 0) * 1000,
    packetsReceived: inbound.packetsReceived ?? 0,
    packetsLost: Math.max(0, inbound.packetsLost ?? 0),
  };
}

/**
 * Rates the interval between two samples with a simplified ITU-T G.107 E-model: the R factor falls with
 * mouth-to-ear delay (half the RTT, jitter buffer, codec) and with packet loss. Null when no packet
 * arrived in the interval: a call without audio has no quality to speak of (the media watchdog warns).
 */
export function assessQuality(previous: QualitySample | null, current: QualitySample): CallQuality | null {
  const received = current.packetsReceived - (previous?.packetsReceived ?? 0);
  if (received <= 0) return null;
  const lost = current.packetsLost - (previous?.packetsLost ?? 0);
  const lossPercent = (Math.max(0, lost) / (received + Math.max(0, lost))) * 100;
  const delayMs = (current.rttMs ?? 0) / 2 + current.jitterMs * 2 + 20;
  const delayImpairment = delayMs < 160 ? delayMs / 40 : (delayMs - 120) / 10;
  const rFactor = 93.2 - delayImpairment - lossPercent * 2.5;
  return {
    level: rFactor >= 80 ? 'good' : rFactor >= 60 ? 'fair' : 'poor',
    rttMs: current.rttMs === null ? null : Math.round(current.rttMs),
    jitterMs: Math.round(current.jitterMs * 10) / 10,
    lossPercent: Math.round(lossPercent * 10) / 10,
  };
}

import { describe, expect, it } from 'vitest';
import { assessQuality, sampleFromStats, type QualitySample } from './call-quality';

const sample = (patch: Partial<QualitySample> = {}): QualitySample => ({
  rttMs: 20,
  jitterMs: 2,
  packetsReceived: 1000,
  packetsLost: 0,
  ...patch,
});

describe('assessQuality', () => {
  it('rates a clean loopback call as good', () => {
    expect(assessQuality(null, sample())).toEqual({ level: 'good', rttMs: 20, jitterMs: 2, lossPercent: 0 });
  });

  it('counts loss over the interval, not since the call began', () => {
    const before = sample({ packetsReceived: 10_000, packetsLost: 500 });
    const after = sample({ packetsReceived: 10_250, packetsLost: 500 });
    expect(assessQuality(before, after)?.lossPercent).toBe(0);
    expect(assessQuality(before, after)?.level).toBe('good');
  });

  it('drops to fair with a few percent loss and to poor with heavy loss', () => {
    const before = sample({ packetsReceived: 1000, packetsLost: 0 });
    expect(assessQuality(before, sample({ packetsReceived: 1095, packetsLost: 5 }))?.level).toBe('fair');
    expect(assessQuality(before, sample({ packetsReceived: 1080, packetsLost: 20 }))?.level).toBe('poor');
  });

  it('rates nothing when no packet arrived: a silent call is never called good', () => {
    const before = sample({ packetsReceived: 1000, packetsLost: 0 });
    expect(assessQuality(before, sample({ packetsReceived: 1000, packetsLost: 0 }))).toBeNull();
    expect(assessQuality(null, sample({ packetsReceived: 0 }))).toBeNull();
  });

  it('drops with long delay even without loss', () => {
    expect(assessQuality(null, sample({ rttMs: 300 }))?.level).toBe('good');
    expect(assessQuality(null, sample({ rttMs: 600, jitterMs: 40 }))?.level).toBe('fair');
    expect(assessQuality(null, sample({ rttMs: 1200, jitterMs: 80 }))?.level).toBe('poor');
  });
});

describe('sampleFromStats', () => {
  it('reads inbound audio counters and prefers the RTCP round-trip time', () => {
    const stats = [
      { type: 'inbound-rtp', kind: 'audio', jitter: 0.004, packetsReceived: 500, packetsLost: 3 },
      { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.031 },
      { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.002 },
    ];
    expect(sampleFromStats(stats)).toEqual({ rttMs: 31, jitterMs: 4, packetsReceived: 500, packetsLost: 3 });
  });

  it('falls back to the candidate pair before the first RTCP report, and is null without inbound audio', () => {
    const pairOnly = [
      { type: 'inbound-rtp', kind: 'audio', jitter: 0, packetsReceived: 1, packetsLost: 0 },
      { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.002 },
    ];
    expect(sampleFromStats(pairOnly)?.rttMs).toBe(2);
    expect(sampleFromStats([{ type: 'transport' }])).toBeNull();
  });
});

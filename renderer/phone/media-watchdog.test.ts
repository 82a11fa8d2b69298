import { describe, expect, it } from 'vitest';
import { lifeFromStats, MediaWatchdog } from './media-watchdog';

const settings = { warnAfterMs: 10_000, hangUpAfterMs: 60_000 };

describe('signs of life of the far end media', () => {
  it('counts audio RTP, sender reports and receiver reports, and nothing of video', () => {
    const life = lifeFromStats([
      { type: 'inbound-rtp', kind: 'audio', packetsReceived: 120 },
      { type: 'inbound-rtp', kind: 'video', packetsReceived: 999 },
      { type: 'remote-outbound-rtp', kind: 'audio', reportsSent: 3 },
      { type: 'remote-inbound-rtp', kind: 'audio', roundTripTimeMeasurements: 2 },
      { type: 'candidate-pair', packetsReceived: 5000 },
    ]);
    expect(life).toEqual({ packetsReceived: 120, rtcpReports: 5 });
  });
});

describe('the media watchdog', () => {
  it('warns after the timeout without RTP, and hangs up after the total', () => {
    const watchdog = new MediaWatchdog(settings, 0);
    const silent = { packetsReceived: 0, rtcpReports: 0 };
    expect(watchdog.observe(silent, 8_000, false)).toBe('ok');
    expect(watchdog.observe(silent, 10_000, false)).toBe('no-audio');
    expect(watchdog.observe(silent, 58_000, false)).toBe('no-audio');
    expect(watchdog.observe(silent, 60_000, false)).toBe('hang-up');
  });

  it('counts from the last packet, and is satisfied again once packets arrive', () => {
    const watchdog = new MediaWatchdog(settings, 0);
    expect(watchdog.observe({ packetsReceived: 50, rtcpReports: 0 }, 2_000, false)).toBe('ok');
    expect(watchdog.observe({ packetsReceived: 50, rtcpReports: 0 }, 12_000, false)).toBe('no-audio');
    expect(watchdog.observe({ packetsReceived: 51, rtcpReports: 0 }, 14_000, false)).toBe('ok');
    expect(watchdog.observe({ packetsReceived: 51, rtcpReports: 0 }, 73_000, false)).toBe('no-audio');
    expect(watchdog.observe({ packetsReceived: 51, rtcpReports: 0 }, 74_000, false)).toBe('hang-up');
  });

  it('takes RTCP as a sign of life: a peer with silence suppression sends only reports', () => {
    const watchdog = new MediaWatchdog(settings, 0);
    for (let at = 5_000, reports = 1; at <= 120_000; at += 5_000, reports += 1)
      expect(watchdog.observe({ packetsReceived: 0, rtcpReports: reports }, at, false)).toBe('ok');
  });

  it('exempts a held call, and its silence does not count after it is resumed', () => {
    const watchdog = new MediaWatchdog(settings, 0);
    const silent = { packetsReceived: 10, rtcpReports: 0 };
    expect(watchdog.observe(silent, 1_000, false)).toBe('ok');
    for (let at = 2_000; at <= 300_000; at += 2_000) expect(watchdog.observe(silent, at, true)).toBe('ok');
    expect(watchdog.observe(silent, 308_000, false)).toBe('ok');
    expect(watchdog.observe(silent, 310_000, false)).toBe('no-audio');
  });

  it('uses the thresholds it is given (policy)', () => {
    const watchdog = new MediaWatchdog({ warnAfterMs: 3_000, hangUpAfterMs: 6_000 }, 0);
    const silent = { packetsReceived: 0, rtcpReports: 0 };
    expect(watchdog.observe(silent, 3_000, false)).toBe('no-audio');
    expect(watchdog.observe(silent, 6_000, false)).toBe('hang-up');
  });
});

import { assessQuality, sampleFromStats, type CallQuality, type QualitySample } from './call-quality';
import type { MediaConnection } from './sip-adapter';

/** Signs of life of the far end's media: RTP packets, and RTCP reports (a silent peer may send only those). */
export interface MediaLife {
  packetsReceived: number;
  rtcpReports: number;
}

interface LifeStats {
  type: string;
  kind?: string;
  packetsReceived?: number;
  reportsSent?: number;
  roundTripTimeMeasurements?: number;
}

/**
 * Reads the far end's signs of life from getStats: audio RTP received (inbound-rtp), sender reports
 * received (remote-outbound-rtp) and receiver reports about what we send (remote-inbound-rtp).
 */
export function lifeFromStats(stats: Iterable<LifeStats>): MediaLife {
  let packetsReceived = 0;
  let rtcpReports = 0;
  for (const entry of stats) {
    if (entry.kind !== undefined && entry.kind !== 'audio') continue;
    if (entry.type === 'inbound-rtp') packetsReceived += entry.packetsReceived ?? 0;
    else if (entry.type === 'remote-outbound-rtp') rtcpReports += entry.reportsSent ?? 0;
    else if (entry.type === 'remote-inbound-rtp') rtcpReports += entry.roundTripTimeMeasurements ?? 0;
  }
  return { packetsReceived, rtcpReports };
}

export interface WatchdogSettings {
  /** Without RTP or RTCP this long, the call warns "No audio from the other side" (policy mediaTimeoutSeconds). */
  warnAfterMs: number;
  /** Without RTP or RTCP this long in all, the call is ended (policy mediaHangupSeconds). */
  hangUpAfterMs: number;
}

export type WatchdogVerdict = 'ok' | 'no-audio' | 'hang-up';

/**
 * The media watchdog of one call: the time since the far end's media last showed a sign of life decides.
 * A held call is exempt (no media is expected), and its silence does not count after it is resumed.
 */
export class MediaWatchdog {
  private lastLife: MediaLife | null = null;

  constructor(
    private readonly settings: WatchdogSettings,
    private lastLifeAt: number,
  ) {}

  observe(life: MediaLife, at: number, exempt: boolean): WatchdogVerdict {
    const before = this.lastLife ?? { packetsReceived: 0, rtcpReports: 0 };
    this.lastLife = life;
    const alive = life.packetsReceived > before.packetsReceived || life.rtcpReports > before.rtcpReports;
    if (exempt || alive) this.lastLifeAt = at;
    const silentFor = at - this.lastLifeAt;
    if (silentFor >= this.settings.hangUpAfterMs) return 'hang-up';
    if (silentFor >= this.settings.warnAfterMs) return 'no-audio';
    return 'ok';
  }
}

/** One look at a call's media: its quality over the interval (null without packets) and its signs of life. */
export interface MediaReading {
  quality: CallQuality | null;
  sample: QualitySample | null;
  life: MediaLife;
  /** Our audio is not meant to be received now (we hold, or the far end only receives). */
  receiveOff: boolean;
}

export async function readMedia(
  connection: MediaConnection,
  previous: QualitySample | null,
): Promise<MediaReading | null> {
  const stats = await connection.getStats().catch(() => null);
  if (!stats) return null;
  // getStats' entries are typed `any`: both readers take the fields they know, optional.
  const entries = [...stats.values()];
  const sample = sampleFromStats(entries);
  const audio = connection
    .getTransceivers()
    .find(
      (transceiver) =>
        transceiver.receiver.track.kind === 'audio' && transceiver.currentDirection !== 'stopped',
    );
  const direction = audio?.currentDirection;
  return {
    quality: sample ? assessQuality(previous, sample) : null,
    sample,
    life: lifeFromStats(entries),
    receiveOff: direction === 'sendonly' || direction === 'inactive',
  };
}

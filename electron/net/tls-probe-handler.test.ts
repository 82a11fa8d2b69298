import { describe, expect, it } from 'vitest';
import type { TlsProbeResult } from '../../shared/domain/sip-account.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import { createRejectionRecorder, REJECTION_DEDUP_MS } from './certificate-rejections.js';
import { createTlsProber, PROBE_REUSE_MS, PROBES_PER_MINUTE } from './tls-probe-handler.js';

const EDGE = 'wss://sip.provider.example:7443';

function handler(outcome: TlsProbeResult['outcome'] = 'ok') {
  let time = 1_000_000;
  const probed: string[] = [];
  const rejected: string[] = [];
  const probe = handlerOf({
    trust: () => ({ extraCaCertificates: [], pinnedSpkiSha256: [] }),
    allowedOrigins: () => [EDGE],
    certificateRejected: (host, reason) => void rejected.push(`${host} ${reason}`),
    now: () => time,
    probe: async (url) => {
      probed.push(url);
      return { outcome };
    },
  });
  return { probe, probed, rejected, advance: (ms: number) => void (time += ms) };
}
const handlerOf = (deps: Parameters<typeof createTlsProber>[0]) => {
  const handle = createTlsProber(deps).handlers['tls.probe'];
  return async (url: string) => handle({ url });
};

describe('tls.probe', () => {
  it('checks only the SIP edge the app may connect to: no other host, port or scheme', async () => {
    const { probe, probed } = handler();
    expect(await probe(`${EDGE}/ws`)).toEqual({ outcome: 'ok' });
    for (const url of [
      'wss://sip.provider.example:7444/ws',
      'wss://intranet.example:22/',
      'wss://127.0.0.1:6379/',
      'https://sip.provider.example:7443/',
      'ws://sip.provider.example:7443/',
      'not a url',
    ])
      await expect(probe(url), url).rejects.toBeInstanceOf(ServiceError);
    expect(probed).toEqual([`${EDGE}/ws`]);
  });

  it('answers again from the last probe for a few seconds, and probes a few times a minute at most', async () => {
    const other = 'wss://edge2.provider.example';
    let time = 0;
    const sentAt: number[] = [];
    const probe = handlerOf({
      trust: () => ({ extraCaCertificates: [], pinnedSpkiSha256: [] }),
      allowedOrigins: () => [EDGE, other],
      certificateRejected: () => {},
      now: () => time,
      probe: async () => {
        sentAt.push(time);
        return { outcome: 'refused' };
      },
    });
    for (let i = 0; i < 50; i += 1) expect(await probe(EDGE)).toEqual({ outcome: 'refused' });
    expect(sentAt).toHaveLength(1);
    // Both edges asked for every second for three minutes: each would go out every PROBE_REUSE_MS.
    let refused = 0;
    for (let i = 0; i < 180; i += 1) {
      time += 1000;
      for (const edge of [EDGE, other]) await probe(edge).catch(() => (refused += 1));
    }
    for (const at of sentAt)
      expect(sentAt.filter((other) => other >= at && other < at + 60_000).length).toBeLessThanOrEqual(
        PROBES_PER_MINUTE,
      );
    expect(sentAt.length).toBeGreaterThanOrEqual(3 * PROBES_PER_MINUTE - 1);
    expect(refused).toBeGreaterThan(0);
    expect(PROBE_REUSE_MS).toBe(5000);
  });

  it('reports a refused certificate by host and reason', async () => {
    const { probe, rejected } = handler('untrusted');
    await probe(`${EDGE}/ws`);
    expect(rejected).toEqual(['sip.provider.example untrusted']);
  });
});

describe('refused certificates in the audit log', () => {
  it('are recorded once an hour per host and reason', () => {
    let time = 0;
    const events: unknown[] = [];
    const rejected = createRejectionRecorder({ record: (event) => void events.push(event), now: () => time });
    for (let i = 0; i < 100; i += 1) rejected('sip.example.eu', 'untrusted');
    rejected('SIP.example.eu', 'untrusted');
    rejected('sip.example.eu', 'expired');
    rejected('other.example.eu', 'untrusted');
    expect(events).toHaveLength(3);
    time += REJECTION_DEDUP_MS;
    rejected('sip.example.eu', 'untrusted');
    expect(events).toHaveLength(4);
  });
});

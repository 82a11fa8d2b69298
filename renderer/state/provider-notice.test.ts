import { describe, expect, it } from 'vitest';
import type { ServiceStatus } from '../../shared/provider/api';
import { MAINTENANCE_NOTICE_AHEAD_MS, providerNotice } from './provider-notice';

const NOW = Date.parse('2026-12-06T10:00:00Z');
const HOUR = 60 * 60 * 1000;
const at = (ms: number) => new Date(NOW + ms).toISOString();

const quiet: ServiceStatus = { status: 'operational', incidents: [], maintenance: [] };
const incident = (id: string, status: ServiceStatus['incidents'][number]['status'], startedAt: string) => ({
  id,
  title: `Incident ${id}`,
  status,
  startedAt,
});
const maintenance = (id: string, from: number, until: number) => ({
  id,
  title: `Maintenance ${id}`,
  startsAt: at(from),
  endsAt: at(until),
});

describe('what the status banner says', () => {
  it('says nothing without a status, or when all is well', () => {
    expect(providerNotice(null, NOW)).toBeNull();
    expect(providerNotice(quiet, NOW)).toBeNull();
    expect(
      providerNotice({ ...quiet, incidents: [incident('old', 'resolved', at(-2 * HOUR))] }, NOW),
    ).toBeNull();
  });

  it('names the latest open incident, how far it is, and how many more there are', () => {
    const status: ServiceStatus = {
      ...quiet,
      status: 'outage',
      incidents: [
        incident('a', 'monitoring', at(-3 * HOUR)),
        incident('b', 'identified', at(-1 * HOUR)),
        incident('c', 'resolved', at(-0.5 * HOUR)),
      ],
      maintenance: [maintenance('m', -HOUR, HOUR)],
    };
    expect(providerNotice(status, NOW)).toEqual({
      key: 'incident:b:identified:outage',
      kind: 'incident',
      severity: 'outage',
      title: 'Incident b',
      progress: 'identified',
      since: NOW - HOUR,
      more: 1,
    });
  });

  it('says what the overall status is when no incident is named', () => {
    expect(providerNotice({ ...quiet, status: 'degraded' }, NOW)).toEqual({
      key: 'status:degraded',
      kind: 'status',
      severity: 'degraded',
    });
  });

  it('shows maintenance under way until it ends, and planned maintenance a day ahead', () => {
    const status: ServiceStatus = {
      ...quiet,
      maintenance: [
        maintenance('later', 2 * HOUR, 3 * HOUR),
        maintenance('past', -3 * HOUR, -2 * HOUR),
        maintenance('now', -HOUR, HOUR),
      ],
    };
    expect(providerNotice(status, NOW)).toMatchObject({
      kind: 'maintenance-now',
      title: 'Maintenance now',
      until: NOW + HOUR,
    });
    expect(providerNotice(status, NOW + HOUR)).toMatchObject({
      kind: 'maintenance-soon',
      key: 'maintenance:later:soon',
      from: NOW + 2 * HOUR,
      until: NOW + 3 * HOUR,
    });
    const farAhead = {
      ...quiet,
      maintenance: [
        maintenance('far', MAINTENANCE_NOTICE_AHEAD_MS + HOUR, MAINTENANCE_NOTICE_AHEAD_MS + 2 * HOUR),
      ],
    };
    expect(providerNotice(farAhead, NOW)).toBeNull();
    expect(providerNotice(farAhead, NOW + 2 * HOUR)).toMatchObject({ kind: 'maintenance-soon' });
  });
});

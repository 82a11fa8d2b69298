import type { ServiceStatus } from '../../shared/provider/api';

/** Maintenance shows from this long before it starts. */
export const MAINTENANCE_NOTICE_AHEAD_MS = 24 * 60 * 60 * 1000;

type Incident = ServiceStatus['incidents'][number];
export type IncidentProgress = Exclude<Incident['status'], 'resolved'>;

/**
 * The one thing the banner says about the provider's status page, most important first: an open incident,
 * else a status that is not operational, else maintenance under way, else maintenance within a day. `key`
 * names it: a notice the person hid stays hidden until the key changes (another incident, a new stage).
 */
export type ProviderNotice = { key: string } & (
  | {
      kind: 'incident';
      severity: ServiceStatus['status'];
      title: string;
      progress: IncidentProgress;
      since: number;
      /** Further open incidents. */
      more: number;
    }
  | { kind: 'status'; severity: Exclude<ServiceStatus['status'], 'operational'> }
  | { kind: 'maintenance-now'; title: string; until: number }
  | { kind: 'maintenance-soon'; title: string; from: number; until: number }
);

export function providerNotice(status: ServiceStatus | null, now: number): ProviderNotice | null {
  if (!status) return null;
  const open = status.incidents
    .filter((incident): incident is Incident & { status: IncidentProgress } => incident.status !== 'resolved')
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  const latest = open[0];
  if (latest) {
    return {
      key: `incident:${latest.id}:${latest.status}:${status.status}`,
      kind: 'incident',
      severity: status.status,
      title: latest.title,
      progress: latest.status,
      since: Date.parse(latest.startedAt),
      more: open.length - 1,
    };
  }
  if (status.status !== 'operational')
    return { key: `status:${status.status}`, kind: 'status', severity: status.status };
  const windows = status.maintenance
    .map((window) => ({ ...window, from: Date.parse(window.startsAt), until: Date.parse(window.endsAt) }))
    .filter((window) => window.until > now)
    .sort((a, b) => a.from - b.from);
  const current = windows.find((window) => window.from <= now);
  if (current)
    return {
      key: `maintenance:${current.id}:now`,
      kind: 'maintenance-now',
      title: current.title,
      until: current.until,
    };
  const next = windows.find((window) => window.from - now <= MAINTENANCE_NOTICE_AHEAD_MS);
  if (next)
    return {
      key: `maintenance:${next.id}:soon`,
      kind: 'maintenance-soon',
      title: next.title,
      from: next.from,
      until: next.until,
    };
  return null;
}

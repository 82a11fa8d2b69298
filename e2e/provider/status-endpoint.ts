import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ServiceStatus } from '../../shared/provider/api.js';

/**
 * What the provider's status page says, as a test (or the demo) sets it: a status per the contract
 * (shared/provider/api.ts), or a fault of the kinds the app must shrug off.
 */
export type StatusControl =
  { status: z.input<typeof ServiceStatus> } | { fault: 'server-error' | 'not-json' | 'wrong-shape' };

export interface StatusEndpoint {
  /** The human status page the answers link to. */
  pageUrl: string;
  /** `GET /v1/status` (the provider API, public) and `GET /status` (the page for people). */
  handle(req: IncomingMessage, res: ServerResponse, path: '/v1/status' | '/status'): Promise<void>;
}

/**
 * Sets what the status page says, from any process of the run: the endpoint reads the control file on every
 * request. A status is validated here, so that a test cannot make the stand-in break the contract by accident.
 */
export async function setProviderStatus(controlPath: string, control: StatusControl): Promise<void> {
  const checked = 'status' in control ? { status: ServiceStatus.parse(control.status) } : control;
  const temporary = `${controlPath}.${randomBytes(4).toString('hex')}`;
  await writeFile(temporary, JSON.stringify(checked));
  await rename(temporary, controlPath);
}

async function readControl(controlPath: string | null): Promise<StatusControl | null> {
  if (controlPath === null) return null;
  const text = await readFile(controlPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  return text === null ? null : (JSON.parse(text) as StatusControl);
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** The page people open from the app's banner: the same status in words. */
function statusPage(status: ServiceStatus): string {
  const items = [
    ...status.incidents.map(
      (incident) => `${incident.title} (${incident.status}, since ${incident.startedAt})`,
    ),
    ...status.maintenance.map(
      (window) => `Maintenance: ${window.title} (${window.startsAt} to ${window.endsAt})`,
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Provider status</title></head>
<body><main><h1>Provider status: ${escapeHtml(status.status)}</h1>
${items.length > 0 ? `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>` : '<p>All systems operational.</p>'}
</main></body></html>`;
}

/**
 * The provider API's `GET /v1/status` in the test stack (provider-api.openapi.yaml): public, JSON, what the
 * control file says (all operational without one), with `pageUrl` pointing at this server's `/status`.
 */
export function createStatusEndpoint(options: {
  controlPath: string | null;
  baseUrl: string;
}): StatusEndpoint {
  const pageUrl = `${options.baseUrl}/status`;
  return {
    pageUrl,
    async handle(req, res, path) {
      if (req.method !== 'GET') {
        res.writeHead(405, { allow: 'GET', 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'method_not_allowed' }));
        return;
      }
      const control = (await readControl(options.controlPath)) ?? {
        status: { status: 'operational', incidents: [] },
      };
      if ('fault' in control) {
        if (control.fault === 'server-error') {
          res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '60' });
          res.end(JSON.stringify({ error: 'unavailable' }));
        } else if (control.fault === 'not-json') {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html><body>Status page under construction</body></html>');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'green', incidents: 'none' }));
        }
        return;
      }
      const status = ServiceStatus.parse({ pageUrl, ...control.status });
      if (path === '/status') {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'",
          'cache-control': 'no-store',
        });
        res.end(statusPage(status));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(status));
    },
  };
}

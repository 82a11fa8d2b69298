import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback } from '../../electron/net/listen-on-loopback.js';
import { ServiceStatus } from '../../shared/provider/api.js';
import { createStatusEndpoint, setProviderStatus } from './status-endpoint.js';

let dir: string;
let server: Server;
let base: string;
const controlPath = () => join(dir, 'status.json');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'status-endpoint-'));
  server = createServer();
  base = `http://127.0.0.1:${await listenOnLoopback(server)}`;
  const endpoint = createStatusEndpoint({ controlPath: controlPath(), baseUrl: 'https://api.provider.test' });
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', base).pathname;
    void endpoint.handle(req, res, path === '/status' ? '/status' : '/v1/status');
  });
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const incident = {
  status: 'outage' as const,
  incidents: [
    {
      id: 'inc-1',
      title: 'Calls <fail>',
      status: 'investigating' as const,
      startedAt: '2026-12-06T09:00:00Z',
    },
  ],
  maintenance: [
    { id: 'm-1', title: 'Edge update', startsAt: '2026-12-07T01:00:00Z', endsAt: '2026-12-07T02:00:00Z' },
  ],
};

describe("the test stack's status page", () => {
  it('says all is well until told otherwise, in the contract and linking to its page', async () => {
    const response = await fetch(`${base}/v1/status`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(ServiceStatus.parse(await response.json())).toEqual({
      status: 'operational',
      incidents: [],
      maintenance: [],
      pageUrl: 'https://api.provider.test/status',
    });
  });

  it('serves the incident and maintenance a test set, and a page for people that shows them', async () => {
    await setProviderStatus(controlPath(), { status: incident });
    const body = ServiceStatus.parse(await (await fetch(`${base}/v1/status`)).json());
    expect(body).toEqual({ ...incident, pageUrl: 'https://api.provider.test/status' });
    const page = await (await fetch(`${base}/status`)).text();
    expect(page).toContain('<h1>Provider status: outage</h1>');
    expect(page).toContain('Calls &#60;fail&#62; (investigating, since 2026-12-06T09:00:00Z)');
    expect(page).toContain('Maintenance: Edge update');
  });

  it('misbehaves on request: a server error, HTML, JSON of another shape', async () => {
    await setProviderStatus(controlPath(), { fault: 'server-error' });
    expect((await fetch(`${base}/v1/status`)).status).toBe(503);
    await setProviderStatus(controlPath(), { fault: 'not-json' });
    expect(await (await fetch(`${base}/v1/status`)).text()).toMatch(/^<html>/);
    await setProviderStatus(controlPath(), { fault: 'wrong-shape' });
    expect(ServiceStatus.safeParse(await (await fetch(`${base}/v1/status`)).json()).success).toBe(false);
  });

  it('answers GET only, and refuses to be set outside the contract', async () => {
    expect((await fetch(`${base}/v1/status`, { method: 'POST' })).status).toBe(405);
    await expect(
      setProviderStatus(controlPath(), { status: { ...incident, status: 'fine' as 'outage' } }),
    ).rejects.toThrow();
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../../e2e/provider/certs.js';
import { startTinyproxy, type TinyproxyHandle } from '../../e2e/provider/proxy.js';
import { createHttpClient, type HttpClient } from '../net/http-client.js';
import type { TlsTrust } from '../net/tls-trust.js';
import { createAuditTransport } from './sync-http.js';
import { AuditTransportError, type AuditHttpRequest } from './sync.js';

const credentials = { username: 'audit', password: 'proxy-secret' };
let dir: string;
let server: Server;
let api: string;
let caPem: string;
let proxy: TinyproxyHandle;
const clients: HttpClient[] = [];

function transport(trust: Partial<TlsTrust> = {}, withCredentials = true) {
  const proxyUrl = new URL(proxy.url);
  if (withCredentials) {
    proxyUrl.username = credentials.username;
    proxyUrl.password = credentials.password;
  }
  const client = createHttpClient({
    trust: () => ({ extraCaCertificates: [caPem], pinnedSpkiSha256: [], ...trust }),
    routes: async () => [{ kind: 'proxy', proxy: proxyUrl }],
  });
  clients.push(client);
  return createAuditTransport(client.fetch);
}

const request = (path: string, timeoutMs = 2000): AuditHttpRequest => ({
  url: `${api}${path}`,
  headers: { 'content-type': 'application/json' },
  body: '{"events":[]}',
  timeoutMs,
  signal: new AbortController().signal,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sync-http-'));
  const pki = await createTestPki(dir, 'api');
  caPem = pki.caCertPem;
  server = createServer(
    { key: await readFile(pki.serverKeyPath), cert: await readFile(pki.serverCertPath) },
    (req, res) => {
      if (req.url === '/hang') return;
      if (req.url === '/huge') return res.end(Buffer.alloc(1024 * 1024 + 1, 'x'));
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res.statusCode = 503;
        res.setHeader('retry-after', '7');
        res.end(`got ${body}`);
      });
    },
  );
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  proxy = await startTinyproxy({ dir, basicAuth: credentials });
}, 30_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await proxy?.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('the audit sync’s POST over main’s HTTP client', () => {
  it('posts through the proxy and returns status, Retry-After and body as sent', async () => {
    expect(await transport()(request('/v1/audit-events'))).toEqual({
      status: 503,
      retryAfter: '7',
      body: 'got {"events":[]}',
    });
  });

  it('names what failed: certificate, proxy, size, time, scheme', async () => {
    const failure = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (error: unknown) => error,
      );
    const pinned = transport({ pinnedSpkiSha256: [randomBytes(32).toString('base64')] });
    expect(await failure(pinned(request('/v1/audit-events')))).toMatchObject({
      kind: 'tls',
      message: expect.stringMatching(/^pin-mismatch/),
    });
    expect(await failure(transport({}, false)(request('/v1/audit-events')))).toMatchObject({
      kind: 'network',
      message: 'proxy auth-required',
    });
    expect(await failure(transport()(request('/huge')))).toMatchObject({
      kind: 'network',
      message: 'response too large',
    });
    expect(await failure(transport()(request('/hang', 300)))).toMatchObject({ kind: 'timeout' });
    const plain = await failure(transport()({ ...request('/'), url: api.replace('https:', 'http:') }));
    expect(plain).toBeInstanceOf(AuditTransportError);
    expect(plain).toMatchObject({ kind: 'tls' });
  });
});

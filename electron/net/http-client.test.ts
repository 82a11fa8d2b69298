import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestPki } from '../../e2e/provider/certs.js';
import { freePort } from '../../e2e/provider/ports.js';
import { startTinyproxy, type TinyproxyHandle } from '../../e2e/provider/proxy.js';
import { CertificateRejectedError } from './certificate-decision.js';
import { createHttpClient, ProxyError, type HttpClient } from './http-client.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { envRoutes, pacRoutes, type ProxyRoutes } from './proxy-routes.js';
import { createProxySignIn, type ProxySignIn } from './proxy-sign-in.js';
import { probeTls } from './tls-probe.js';
import { spkiSha256, type TlsTrust } from './tls-trust.js';

const credentials = { username: 'carla', password: 'proxy-password' };
let dir: string;
let server: Server;
let origin: string;
let originPort: number;
let caPem: string;
let serverPin: string;
let proxy: TinyproxyHandle;
const clients: HttpClient[] = [];

const pemToDer = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const trusted = (): TlsTrust => ({ extraCaCertificates: [caPem], pinnedSpkiSha256: [] });
const proxyUrl = (user?: { username: string; password: string }) => {
  const url = new URL(proxy.url);
  if (user) {
    url.username = user.username;
    url.password = user.password;
  }
  return url;
};
const through =
  (url: URL): ProxyRoutes =>
  async () => [{ kind: 'proxy', proxy: url }];

function client(routes: ProxyRoutes, trust: () => TlsTrust = trusted, proxySignIn?: ProxySignIn): HttpClient {
  const created = createHttpClient({ trust, routes, proxySignIn });
  clients.push(created);
  return created;
}

/** The TypeError of a failed fetch, for its cause. */
async function failure(promise: Promise<unknown>): Promise<TypeError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TypeError);
  return error as TypeError;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'http-client-'));
  const pki = await createTestPki(dir, 'origin');
  caPem = pki.caCertPem;
  const certPem = await readFile(pki.serverCertPath, 'utf8');
  serverPin = spkiSha256(pemToDer(certPem));
  server = createServer({ key: await readFile(pki.serverKeyPath), cert: certPem }, (request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ method: request.method, path: request.url, body }));
    });
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  originPort = (server.address() as { port: number }).port;
  origin = `https://127.0.0.1:${originPort}`;
  proxy = await startTinyproxy({ dir, basicAuth: credentials });
}, 30_000);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((created) => created.close()));
  vi.unstubAllEnvs();
});

afterAll(async () => {
  await proxy?.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('main HTTP client through a company proxy (tinyproxy)', () => {
  it('tunnels HTTPS through the proxy with CONNECT, and verifies the server with the policy CA', async () => {
    const http = client(through(proxyUrl(credentials)));
    const response = await http.fetch(`${origin}/v1/status`, { method: 'POST', body: 'hello' });
    expect(await response.json()).toEqual({ method: 'POST', path: '/v1/status', body: 'hello' });
    expect(await proxy.requests()).toContain(`CONNECT 127.0.0.1:${originPort}`);
  });

  it('holds the server behind the proxy to the pins and the CAs, as on a direct connection', async () => {
    const pinned = client(through(proxyUrl(credentials)), () => ({
      extraCaCertificates: [caPem],
      pinnedSpkiSha256: [randomBytes(32).toString('base64')],
    }));
    const pinFailure = await failure(pinned.fetch(`${origin}/v1/status`));
    expect(pinFailure.cause).toBeInstanceOf(CertificateRejectedError);
    expect(pinFailure.cause).toMatchObject({ reason: 'pin-mismatch', hostname: '127.0.0.1' });

    const withoutCa = client(through(proxyUrl(credentials)), () => ({
      extraCaCertificates: [],
      pinnedSpkiSha256: [serverPin],
    }));
    expect((await failure(withoutCa.fetch(`${origin}/v1/status`))).cause).toMatchObject({
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });

    const good = client(through(proxyUrl(credentials)), () => ({
      extraCaCertificates: [caPem],
      pinnedSpkiSha256: [serverPin],
    }));
    expect((await good.fetch(`${origin}/v1/status`)).status).toBe(200);
  });

  it('names a proxy that asks for credentials, and one that refuses the ones given', async () => {
    for (const user of [undefined, { ...credentials, password: 'wrong' }]) {
      const error = await failure(client(through(proxyUrl(user))).fetch(`${origin}/v1/status`));
      expect(error.cause).toBeInstanceOf(ProxyError);
      expect(error.cause).toMatchObject({ reason: 'auth-required', proxy: `http://127.0.0.1:${proxy.port}` });
      // Never the credentials in what may reach a log.
      expect(String((error.cause as Error).message)).not.toContain('wrong');
    }
  });

  it('follows a PAC answer: an unreachable proxy gives way to the next, credentials where known', async () => {
    const dead = await freePort();
    const http = client(
      pacRoutes(
        async () => `PROXY 127.0.0.1:${dead}; PROXY 127.0.0.1:${proxy.port}; DIRECT`,
        async ({ port }) => (port === proxy.port ? credentials : null),
      ),
    );
    expect((await http.fetch(`${origin}/v1/status`)).status).toBe(200);
    expect(await proxy.requests()).toContain(`CONNECT 127.0.0.1:${originPort}`);
  });

  it('never falls back from an unreachable last proxy to a direct connection', async () => {
    const dead = await freePort();
    const error = await failure(client(pacRoutes(async () => `PROXY 127.0.0.1:${dead}`)).fetch(origin));
    expect(error.cause).toMatchObject({ name: 'ProxyError', reason: 'unreachable' });
  });

  it('reads HTTPS_PROXY with its credentials, and NO_PROXY, from the environment', async () => {
    // Lower-case names win (curl's convention): set both, whatever the machine has.
    const setEnv = (name: string, value: string) => {
      vi.stubEnv(name.toUpperCase(), value);
      vi.stubEnv(name, value);
    };
    setEnv('https_proxy', proxyUrl(credentials).href);
    setEnv('no_proxy', '');
    const tunnelled = (await proxy.requests()).length;
    expect((await client(envRoutes()).fetch(`${origin}/via-proxy`)).status).toBe(200);
    expect((await proxy.requests()).length).toBe(tunnelled + 1);

    setEnv('no_proxy', 'localhost,127.0.0.1');
    expect((await client(envRoutes()).fetch(`${origin}/direct`)).status).toBe(200);
    expect((await proxy.requests()).length).toBe(tunnelled + 1);
  });

  it('probes the SIP edge’s TLS through the proxy tunnel: pins and CAs as for a direct probe', async () => {
    const http = client(through(proxyUrl(credentials)));
    const wss = `wss://127.0.0.1:${originPort}/ws`;
    const trust = { extraCaCertificates: [caPem], pinnedSpkiSha256: [serverPin] };
    // What the Security screen shows: the TLS version agreed and who issued the certificate.
    expect(await probeTls(wss, trust, http.tunnel)).toEqual({
      outcome: 'ok',
      protocol: 'TLSv1.3',
      issuer: expect.stringMatching(/^O=Softphone tests, CN=origin CA \d+$/),
    });
    expect(await proxy.requests()).toContain(`CONNECT 127.0.0.1:${originPort}`);
    const wrongPin = { ...trust, pinnedSpkiSha256: [randomBytes(32).toString('base64')] };
    expect(await probeTls(wss, wrongPin, http.tunnel)).toMatchObject({ outcome: 'pin-mismatch' });
    expect(await probeTls(wss, { ...trust, extraCaCertificates: [] }, http.tunnel)).toMatchObject({
      outcome: 'untrusted',
    });
    expect(await probeTls(wss, trust, client(through(proxyUrl())).tunnel)).toEqual({
      outcome: 'unreachable',
      detail: 'proxy auth-required',
    });
  });
});

describe('signing in to a proxy the system configuration names without credentials (tinyproxy)', () => {
  /** The proxy sign-in with the keychain in memory, and the client asking through a PAC answer. */
  function signInHarness() {
    const secrets = createMemorySecretStore();
    const signIn = createProxySignIn({
      secrets,
      emit: () => {},
      isLocked: () => false,
      logError: () => {},
    });
    const http = client(
      pacRoutes(async () => `PROXY 127.0.0.1:${proxy.port}`),
      trusted,
      signIn,
    );
    const name = `127.0.0.1:${proxy.port}`;
    const state = () => signIn.state();
    /** Resolves once the dialog asks (the request waits meanwhile). */
    const asked = () => vi.waitFor(() => expect(state().asking).not.toBeNull());
    return { secrets, signIn, http, name, state, asked };
  }

  it('asks once for the requests that met the challenge, then carries them with the answer', async () => {
    const { http, signIn, secrets, name, state, asked } = signInHarness();
    const first = http.fetch(`${origin}/one`, { method: 'POST', body: 'audit' });
    const second = http.fetch(`${origin}/two`);
    await asked();
    expect(state().asking).toEqual({ proxy: name, refused: false });
    await signIn.handlers['proxySignIn.answer']({ proxy: name, ...credentials });
    expect(await (await first).json()).toEqual({ method: 'POST', path: '/one', body: 'audit' });
    expect((await second).status).toBe(200);
    expect(await secrets.get(`proxy-sign-in:${name}`)).toBe(JSON.stringify(credentials));
    // Known from now on: sent at once, nobody asked.
    expect((await http.fetch(`${origin}/three`)).status).toBe(200);
    expect(state()).toMatchObject({ asking: null, needed: [] });
  });

  it('asks again when the proxy refuses the password, and Cancel fails the request as auth-required', async () => {
    const { http, signIn, secrets, name, state, asked } = signInHarness();
    const request = http.fetch(`${origin}/status`);
    await asked();
    await signIn.handlers['proxySignIn.answer']({ proxy: name, ...credentials, password: 'wrong' });
    await vi.waitFor(() => expect(state().asking).toEqual({ proxy: name, refused: true }));
    expect(await secrets.list()).toEqual([]);
    signIn.handlers['proxySignIn.cancel']({ proxy: name });
    const error = await failure(request);
    expect(error.cause).toMatchObject({ name: 'ProxyError', reason: 'auth-required' });
    expect(state()).toEqual({ asking: null, needed: [{ proxy: name, refused: true }], saved: [] });
  });

  it('gives up waiting with the request: a timeout does not hang on the dialog', async () => {
    const { http, state } = signInHarness();
    const error = await failure(http.fetch(`${origin}/status`, { signal: AbortSignal.timeout(300) }));
    expect(error.cause).toMatchObject({ name: 'ProxyError', reason: 'auth-required' });
    expect(state().asking).not.toBeNull();
  });

  it('never asks over credentials that a proxy URL carries', async () => {
    const { signIn, state } = signInHarness();
    const wrong = proxyUrl({ ...credentials, password: 'wrong' });
    const http = client(through(wrong), trusted, signIn);
    expect((await failure(http.fetch(`${origin}/status`))).cause).toMatchObject({ reason: 'auth-required' });
    expect(state()).toEqual({ asking: null, needed: [], saved: [] });
  });
});

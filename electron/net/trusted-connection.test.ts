import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../../e2e/provider/certs.js';
import { CertificateRejectedError } from './certificate-decision.js';
import { probeTls } from './tls-probe.js';
import { spkiSha256 } from './tls-trust.js';
import { createHttpClient, createTrustedFetch } from './http-client.js';

let dir: string;
let server: Server;
let baseUrl: string;
let caPem: string;
let serverPin: string;
let caPin: string;

const direct = createHttpClient({
  trust: () => ({ extraCaCertificates: [], pinnedSpkiSha256: [] }),
  routes: async () => [{ kind: 'direct' }],
}).tunnel;

const pemToDer = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trusted-connection-'));
  const pki = await createTestPki(dir, 'pinning');
  caPem = pki.caCertPem;
  const certPem = await readFile(pki.serverCertPath, 'utf8');
  serverPin = spkiSha256(pemToDer(certPem));
  caPin = spkiSha256(pemToDer(caPem));
  server = createServer({ key: await readFile(pki.serverKeyPath), cert: certPem }, (_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end('{"status":"operational"}');
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
}, 30_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('Node connections to the provider with pins from policy', () => {
  it('the TLS probe names a key that is not pinned: pin-mismatch', async () => {
    const trust = { extraCaCertificates: [caPem], pinnedSpkiSha256: [randomBytes(32).toString('base64')] };
    expect(await probeTls(`wss://${baseUrl.slice('https://'.length)}/ws`, trust, direct)).toEqual({
      outcome: 'pin-mismatch',
      detail: 'CERT_PIN_MISMATCH',
    });
  });

  it('the TLS probe accepts the pinned server key or the pinned CA key', async () => {
    const url = baseUrl.replace('https:', 'wss:');
    for (const pin of [serverPin, caPin])
      expect(
        await probeTls(url, { extraCaCertificates: [caPem], pinnedSpkiSha256: [pin] }, direct),
      ).toMatchObject({
        outcome: 'ok',
        protocol: 'TLSv1.3',
      });
  });

  it('a fetch to a server whose key is not pinned fails with CertificateRejectedError pin-mismatch', async () => {
    const trustedFetch = createTrustedFetch(() => ({
      extraCaCertificates: [caPem],
      pinnedSpkiSha256: [randomBytes(32).toString('base64')],
    }));
    try {
      const failure = await trustedFetch(`${baseUrl}/v1/status`).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(TypeError);
      const cause = (failure as TypeError).cause;
      expect(cause).toBeInstanceOf(CertificateRejectedError);
      expect(cause).toMatchObject({ reason: 'pin-mismatch', hostname: '127.0.0.1' });
    } finally {
      await trustedFetch.close();
    }
  });

  it('a fetch to the pinned server works, and follows a policy change of the pins', async () => {
    let pins = [serverPin];
    const trustedFetch = createTrustedFetch(() => ({ extraCaCertificates: [caPem], pinnedSpkiSha256: pins }));
    try {
      const response = await trustedFetch(`${baseUrl}/v1/status`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'operational' });
      pins = [randomBytes(32).toString('base64')];
      await expect(trustedFetch(`${baseUrl}/v1/status`)).rejects.toMatchObject({
        cause: { reason: 'pin-mismatch' },
      });
    } finally {
      await trustedFetch.close();
    }
  });

  it('without the extra CA the server is untrusted, pins or not', async () => {
    const trust = { extraCaCertificates: [], pinnedSpkiSha256: [serverPin] };
    expect(await probeTls(baseUrl.replace('https:', 'wss:'), trust, direct)).toMatchObject({
      outcome: 'untrusted',
    });
    const trustedFetch = createTrustedFetch(() => trust);
    try {
      await expect(trustedFetch(`${baseUrl}/v1/status`)).rejects.toMatchObject({
        cause: { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
      });
    } finally {
      await trustedFetch.close();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../../e2e/provider/certs.js';
import { spkiSha256 } from '../net/tls-trust.js';
import {
  installCertificateVerifier,
  verifyCertificateRequest,
  VERIFY_ACCEPT,
  VERIFY_REJECT,
  VERIFY_USE_CHROMIUM,
  type CertificateVerifyRequest,
} from './certificate-verifier.js';

let dir: string;
let leaf: string;
let ca: string;
const pinOf = (pem: string) => spkiSha256(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certificate-verifier-'));
  const pki = await createTestPki(dir, 'edge');
  leaf = await readFile(pki.serverCertPath, 'utf8');
  ca = pki.caCertPem;
}, 30_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A request the way Electron hands it over: Chromium's chain with the anchor when it trusted it. */
function request(errorCode: number): CertificateVerifyRequest {
  return {
    hostname: '127.0.0.1',
    certificate: { data: leaf, issuerCert: null },
    validatedCertificate:
      errorCode === 0 ? { data: leaf, issuerCert: { data: ca } } : { data: leaf, issuerCert: null },
    errorCode,
  };
}

const none = { extraCaCertificates: [], pinnedSpkiSha256: [] };

describe('Electron certificate verification', () => {
  it('keeps Chromium’s acceptance when nothing is pinned', () => {
    expect(verifyCertificateRequest(request(0), none)).toEqual({
      result: VERIFY_USE_CHROMIUM,
      rejected: null,
    });
  });

  it('never accepts what Chromium refused, unless the unknown CA is an extra CA from policy', () => {
    expect(verifyCertificateRequest(request(-202), none)).toEqual({
      result: VERIFY_REJECT,
      rejected: 'untrusted',
    });
    const extra = { extraCaCertificates: [ca], pinnedSpkiSha256: [] };
    expect(verifyCertificateRequest(request(-202), extra)).toEqual({ result: VERIFY_ACCEPT, rejected: null });
    expect(verifyCertificateRequest(request(-201), extra)).toEqual({
      result: VERIFY_REJECT,
      rejected: 'expired',
    });
    expect(verifyCertificateRequest(request(-200), extra)).toEqual({
      result: VERIFY_REJECT,
      rejected: 'hostname-mismatch',
    });
    // ERR_CERT_REVOKED: no extra CA makes a revoked certificate good.
    expect(verifyCertificateRequest(request(-206), extra)).toEqual({
      result: VERIFY_REJECT,
      rejected: 'untrusted',
    });
  });

  it('refuses an unpinned key and accepts a pinned server or CA key', () => {
    const pinned = (pins: string[]) => ({ extraCaCertificates: [], pinnedSpkiSha256: pins });
    expect(verifyCertificateRequest(request(0), pinned([randomBytes(32).toString('base64')]))).toEqual({
      result: VERIFY_REJECT,
      rejected: 'pin-mismatch',
    });
    expect(verifyCertificateRequest(request(0), pinned([pinOf(leaf)])).result).toBe(VERIFY_USE_CHROMIUM);
    expect(verifyCertificateRequest(request(0), pinned([pinOf(ca)])).result).toBe(VERIFY_USE_CHROMIUM);
  });

  it('installs a verify proc that reads the current trust and reports refusals', () => {
    let proc: ((r: CertificateVerifyRequest, callback: (result: number) => void) => void) | null = null;
    let trust = { extraCaCertificates: [ca], pinnedSpkiSha256: [pinOf(leaf)] };
    const rejected: string[] = [];
    installCertificateVerifier(
      { setCertificateVerifyProc: (p) => (proc = p) },
      () => trust,
      (host, reason) => rejected.push(`${host}: ${reason}`),
    );
    const results: number[] = [];
    proc!(request(0), (result) => results.push(result));
    trust = { ...trust, pinnedSpkiSha256: [randomBytes(32).toString('base64')] };
    proc!(request(0), (result) => results.push(result));
    expect(results).toEqual([VERIFY_USE_CHROMIUM, VERIFY_REJECT]);
    expect(rejected).toEqual(['127.0.0.1: pin-mismatch']);
  });
});

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../../e2e/provider/certs.js';
import {
  CertificateRejectedError,
  decideCertificate,
  type CertificateDecisionInput,
} from './certificate-decision.js';
import { spkiSha256 } from './tls-trust.js';

const run = promisify(execFile);

interface Pem {
  leaf: string;
  ca: string;
}

/** An intermediate CA under the test CA and a leaf for localhost under it, made with openssl. */
async function intermediateChain(dir: string, pki: TestPki): Promise<{ intermediate: string; leaf: string }> {
  const file = (name: string) => join(dir, `chain-${name}`);
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('int.key')]);
  await run('openssl', [
    'req',
    '-new',
    '-key',
    file('int.key'),
    '-subj',
    '/CN=Intermediate',
    '-out',
    file('int.csr'),
  ]);
  await writeFile(
    file('int.ext'),
    'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('int.csr'),
    '-CA',
    pki.caCertPath,
    '-CAkey',
    pki.caKeyPath,
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    file('int.ext'),
    '-out',
    file('int.crt'),
  ]);
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('leaf.key')]);
  await run('openssl', [
    'req',
    '-new',
    '-key',
    file('leaf.key'),
    '-subj',
    '/CN=localhost',
    '-out',
    file('leaf.csr'),
  ]);
  await writeFile(file('leaf.ext'), 'basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('leaf.csr'),
    '-CA',
    file('int.crt'),
    '-CAkey',
    file('int.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    file('leaf.ext'),
    '-out',
    file('leaf.crt'),
  ]);
  return {
    intermediate: await readFile(file('int.crt'), 'utf8'),
    leaf: await readFile(file('leaf.crt'), 'utf8'),
  };
}

let dir: string;
let ours: Pem;
let foreign: Pem;
let chained: { intermediate: string; leaf: string };

const pinOf = (pem: string) => spkiSha256(Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
const wrongPin = () => randomBytes(32).toString('base64');

function decide(overrides: Partial<CertificateDecisionInput>) {
  return decideCertificate({
    hostname: '127.0.0.1',
    chain: [ours.leaf, ours.ca],
    platform: { ok: true },
    trust: { extraCaCertificates: [], pinnedSpkiSha256: [] },
    now: new Date(),
    ...overrides,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certificate-decision-'));
  const pki = await createTestPki(dir, 'ours');
  const other = await createTestPki(dir, 'foreign');
  ours = { leaf: await readFile(pki.serverCertPath, 'utf8'), ca: pki.caCertPem };
  foreign = { leaf: await readFile(other.serverCertPath, 'utf8'), ca: other.caCertPem };
  chained = await intermediateChain(dir, pki);
}, 30_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('decideCertificate', () => {
  it('accepts what the platform accepted when no pins are set', () => {
    expect(decide({})).toEqual({ accept: true });
  });

  it('keeps every refusal of the platform other than an unknown CA', () => {
    const trust = { extraCaCertificates: [ours.ca], pinnedSpkiSha256: [pinOf(ours.leaf)] };
    expect(decide({ platform: { ok: false, reason: 'untrusted' }, trust })).toEqual({
      accept: false,
      reason: 'untrusted',
    });
    expect(decide({ platform: { ok: false, reason: 'expired' }, trust })).toEqual({
      accept: false,
      reason: 'expired',
    });
    expect(decide({ platform: { ok: false, reason: 'hostname-mismatch' }, trust })).toEqual({
      accept: false,
      reason: 'hostname-mismatch',
    });
  });

  it('accepts a chain the platform did not know only when it leads to an extra CA from policy', () => {
    const untrusted = { ok: false, reason: 'unknown-ca' } as const;
    expect(decide({ platform: untrusted })).toEqual({ accept: false, reason: 'untrusted' });
    expect(
      decide({ platform: untrusted, trust: { extraCaCertificates: [foreign.ca], pinnedSpkiSha256: [] } }),
    ).toEqual({ accept: false, reason: 'untrusted' });
    const trust = { extraCaCertificates: [ours.ca], pinnedSpkiSha256: [] };
    expect(decide({ platform: untrusted, trust, chain: [ours.leaf] })).toEqual({ accept: true });
    // A foreign leaf claiming our CA's name is not signed by it.
    expect(decide({ platform: untrusted, trust, chain: [foreign.leaf] })).toEqual({
      accept: false,
      reason: 'untrusted',
    });
  });

  it('checks host name and dates itself when it overrides the platform', () => {
    const untrusted = { ok: false, reason: 'unknown-ca' } as const;
    const trust = { extraCaCertificates: [ours.ca], pinnedSpkiSha256: [] };
    expect(decide({ platform: untrusted, trust, hostname: 'sip.example.eu' })).toEqual({
      accept: false,
      reason: 'hostname-mismatch',
    });
    expect(decide({ platform: untrusted, trust, hostname: 'localhost' })).toEqual({ accept: true });
    const inThreeDays = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    expect(decide({ platform: untrusted, trust, now: inThreeDays })).toEqual({
      accept: false,
      reason: 'expired',
    });
  });

  it('follows presented intermediates to the extra CA', () => {
    const untrusted = { ok: false, reason: 'unknown-ca' } as const;
    const trust = { extraCaCertificates: [ours.ca], pinnedSpkiSha256: [] };
    expect(
      decide({
        platform: untrusted,
        trust,
        hostname: 'localhost',
        chain: [chained.leaf, chained.intermediate],
      }),
    ).toEqual({ accept: true });
    expect(decide({ platform: untrusted, trust, hostname: 'localhost', chain: [chained.leaf] })).toEqual({
      accept: false,
      reason: 'untrusted',
    });
  });

  it('with pins, accepts only a chain carrying a pinned key: leaf, intermediate or CA', () => {
    const pinned = (pins: string[], chain = [ours.leaf, ours.ca]) =>
      decide({ chain, trust: { extraCaCertificates: [ours.ca], pinnedSpkiSha256: pins } });
    expect(pinned([pinOf(ours.leaf)])).toEqual({ accept: true });
    expect(pinned([wrongPin(), pinOf(ours.ca)])).toEqual({ accept: true });
    // Only the leaf presented: a pinned extra CA that signed it counts.
    expect(pinned([pinOf(ours.ca)], [ours.leaf])).toEqual({ accept: true });
    expect(pinned([pinOf(chained.intermediate)], [chained.leaf, chained.intermediate])).toEqual({
      accept: true,
    });
    expect(pinned([wrongPin()])).toEqual({ accept: false, reason: 'pin-mismatch' });
    expect(pinned([pinOf(foreign.leaf), pinOf(foreign.ca)])).toEqual({
      accept: false,
      reason: 'pin-mismatch',
    });
  });

  it('pins also restrict a chain accepted through an extra CA', () => {
    const untrusted = { ok: false, reason: 'unknown-ca' } as const;
    expect(
      decide({
        platform: untrusted,
        trust: { extraCaCertificates: [ours.ca], pinnedSpkiSha256: [wrongPin()] },
      }),
    ).toEqual({ accept: false, reason: 'pin-mismatch' });
  });

  it('refuses what it cannot parse', () => {
    expect(decide({ chain: [] })).toEqual({ accept: false, reason: 'untrusted' });
    expect(decide({ chain: ['not a certificate'] })).toEqual({ accept: false, reason: 'untrusted' });
  });

  it('names the refusal in its error', () => {
    const error = new CertificateRejectedError('pin-mismatch', 'sip.example.eu');
    expect(error.name).toBe('CertificateRejectedError');
    expect(error.code).toBe('CERT_PIN_MISMATCH');
    expect(error.message).toContain('pin-mismatch');
  });
});

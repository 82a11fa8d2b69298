import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate, type IssuedCertificate } from '../../testing/openssl-certificates.js';
import { decideCertificate } from './certificate-decision.js';
import { pathProblem } from './certificate-constraints.js';

/**
 * A test certificate for each constraint a chain to an extra CA from policy must meet (openssl), each next
 * to one that meets it, through the one decision Electron and Node share.
 */

const CA = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign';
const SERVER =
  'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth';

let dir: string;
const issued: Record<string, IssuedCertificate> = {};

async function make(name: string, subject: string, extensions: string, issuer?: string) {
  issued[name] = await issueCertificate({
    dir,
    name,
    subject: `/CN=${subject}`,
    extensions,
    ...(issuer && { issuer: issued[issuer]! }),
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'certificate-constraints-'));
  await make('root', 'Root', CA);
  await make('good', 'sip.example.eu', `${SERVER}\nsubjectAltName=DNS:sip.example.eu`, 'root');
  await make(
    'clientOnly',
    'sip.example.eu',
    `${SERVER.replace('serverAuth', 'clientAuth')}\nsubjectAltName=DNS:sip.example.eu`,
    'root',
  );
  await make(
    'noSigning',
    'sip.example.eu',
    `${SERVER.replace('digitalSignature', 'keyCertSign')}\nsubjectAltName=DNS:sip.example.eu`,
    'root',
  );
  await make('emailCa', 'Mail CA', `${CA}\nextendedKeyUsage=emailProtection`, 'root');
  await make('underEmailCa', 'sip.example.eu', `${SERVER}\nsubjectAltName=DNS:sip.example.eu`, 'emailCa');
  await make('crlOnlyCa', 'CRL CA', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,cRLSign', 'root');
  await make('underCrlOnlyCa', 'sip.example.eu', `${SERVER}\nsubjectAltName=DNS:sip.example.eu`, 'crlOnlyCa');
  await make(
    'rootLen0',
    'Root pathlen 0',
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign',
  );
  await make('intLen0', 'Intermediate', CA, 'rootLen0');
  await make('underIntLen0', 'sip.example.eu', `${SERVER}\nsubjectAltName=DNS:sip.example.eu`, 'intLen0');
  await make('directLen0', 'sip.example.eu', `${SERVER}\nsubjectAltName=DNS:sip.example.eu`, 'rootLen0');
  await make(
    'rootNamed',
    'Root for example.eu',
    `${CA}\nnameConstraints=critical,permitted;DNS:example.eu,excluded;DNS:secret.example.eu,excluded;IP:10.0.0.0/255.0.0.0`,
  );
  await make('namedOk', 'sip.example.eu', `${SERVER}\nsubjectAltName=DNS:sip.example.eu`, 'rootNamed');
  await make('namedOutside', 'sip.example.com', `${SERVER}\nsubjectAltName=DNS:sip.example.com`, 'rootNamed');
  await make('namedExcluded', 'x', `${SERVER}\nsubjectAltName=DNS:pbx.secret.example.eu`, 'rootNamed');
  await make('namedExcludedIp', 'x', `${SERVER}\nsubjectAltName=DNS:sip.example.eu,IP:10.1.2.3`, 'rootNamed');
  await make(
    'rootDirName',
    'Root by directory name',
    `${CA}\nnameConstraints=critical,permitted;dirName:dir_sect\n[dir_sect]\nO=Example`,
  );
  await make('underDirName', 'sip.example.eu', `${SERVER}\nsubjectAltName=DNS:sip.example.eu`, 'rootDirName');
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const path = (...names: string[]) => names.map((name) => new X509Certificate(issued[name]!.pem));

/** The decision for a chain the platform did not know, with `anchor` as the policy's extra CA. */
function decide(hostname: string, anchor: string, ...chain: string[]) {
  return decideCertificate({
    hostname,
    chain: chain.map((name) => issued[name]!.pem),
    platform: { ok: false, reason: 'unknown-ca' },
    trust: { extraCaCertificates: [issued[anchor]!.pem], pinnedSpkiSha256: [] },
    now: new Date(),
  });
}

describe('a chain to an extra CA from policy', () => {
  it('is accepted when it meets every constraint', () => {
    expect(pathProblem(path('good', 'root'))).toBeNull();
    expect(decide('sip.example.eu', 'root', 'good')).toEqual({ accept: true });
    expect(decide('sip.example.eu', 'rootLen0', 'directLen0')).toEqual({ accept: true });
    expect(decide('sip.example.eu', 'rootNamed', 'namedOk')).toEqual({ accept: true });
  });

  it('needs TLS server authentication where a certificate names its purposes', () => {
    expect(pathProblem(path('clientOnly', 'root'))).toBe('extended-key-usage');
    expect(pathProblem(path('underEmailCa', 'emailCa', 'root'))).toBe('extended-key-usage');
    expect(decide('sip.example.eu', 'root', 'clientOnly')).toEqual({ accept: false, reason: 'untrusted' });
    expect(decide('sip.example.eu', 'root', 'underEmailCa', 'emailCa')).toMatchObject({ accept: false });
  });

  it('needs a server key that may sign, and CAs whose keys may sign certificates', () => {
    expect(pathProblem(path('noSigning', 'root'))).toBe('key-usage');
    expect(pathProblem(path('underCrlOnlyCa', 'crlOnlyCa', 'root'))).toBe('key-usage');
    expect(decide('sip.example.eu', 'root', 'noSigning')).toMatchObject({
      accept: false,
      reason: 'untrusted',
    });
  });

  it('keeps the path length a CA allows', () => {
    expect(pathProblem(path('underIntLen0', 'intLen0', 'rootLen0'))).toBe('path-length');
    expect(decide('sip.example.eu', 'rootLen0', 'underIntLen0', 'intLen0')).toEqual({
      accept: false,
      reason: 'untrusted',
    });
  });

  it('keeps the names a CA permits and excludes, and refuses constraints it cannot check', () => {
    expect(pathProblem(path('namedOutside', 'rootNamed'))).toBe('name-constraints');
    expect(pathProblem(path('namedExcluded', 'rootNamed'))).toBe('name-constraints');
    expect(pathProblem(path('namedExcludedIp', 'rootNamed'))).toBe('name-constraints');
    expect(pathProblem(path('underDirName', 'rootDirName'))).toBe('name-constraints');
    expect(decide('sip.example.com', 'rootNamed', 'namedOutside')).toEqual({
      accept: false,
      reason: 'untrusted',
    });
  });
});

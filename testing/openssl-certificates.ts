import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface IssuedCertificate {
  pem: string;
  certPath: string;
  keyPath: string;
}

/**
 * A certificate made with Debian's openssl, as a CA or server would have it: a P-256 key, the subject, the
 * given X.509v3 extensions (openssl's config syntax, e.g. `basicConstraints=critical,CA:TRUE,pathlen:0`),
 * signed by `issuer` or by itself.
 */
export async function issueCertificate(options: {
  dir: string;
  name: string;
  subject: string;
  extensions: string;
  issuer?: IssuedCertificate;
  days?: number;
}): Promise<IssuedCertificate> {
  const file = (suffix: string) => join(options.dir, `${options.name}.${suffix}`);
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file('key')]);
  await writeFile(file('ext'), `${options.extensions}\n`);
  const signer = options.issuer
    ? ['-CA', options.issuer.certPath, '-CAkey', options.issuer.keyPath, '-CAcreateserial']
    : ['-signkey', file('key')];
  await run('openssl', ['req', '-new', '-key', file('key'), '-subj', options.subject, '-out', file('csr')]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    file('csr'),
    ...signer,
    '-days',
    String(options.days ?? 2),
    '-sha256',
    '-extfile',
    file('ext'),
    '-out',
    file('crt'),
  ]);
  return { pem: await readFile(file('crt'), 'utf8'), certPath: file('crt'), keyPath: file('key') };
}

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  caCertPath: string;
  caKeyPath: string;
  caCertPem: string;
  serverCertPath: string;
  serverKeyPath: string;
}

/**
 * A per-run CA and a server certificate for 127.0.0.1 and localhost, made with the openssl CLI.
 * `name` keeps several PKIs (a trusted and a foreign one) apart in one directory.
 */
export async function createTestPki(dir: string, name = 'test'): Promise<TestPki> {
  const path = (suffix: string) => join(dir, `${name}-${suffix}`);
  const caKeyPath = path('ca.key');
  const caCertPath = path('ca.crt');
  const serverKeyPath = path('server.key');
  const serverCsrPath = path('server.csr');
  const serverCertPath = path('server.crt');
  const extPath = path('server.ext');

  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKeyPath]);
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    caKeyPath,
    '-sha256',
    '-days',
    '2',
    '-subj',
    `/O=Softphone tests/CN=${name} CA ${Date.now()}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    caCertPath,
  ]);
  await run('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', serverKeyPath]);
  await run('openssl', [
    'req',
    '-new',
    '-key',
    serverKeyPath,
    '-subj',
    '/O=Softphone tests/CN=127.0.0.1',
    '-out',
    serverCsrPath,
  ]);
  await writeFile(
    extPath,
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    serverCsrPath,
    '-CA',
    caCertPath,
    '-CAkey',
    caKeyPath,
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    extPath,
    '-out',
    serverCertPath,
  ]);
  return {
    caCertPath,
    caKeyPath,
    caCertPem: await readFile(caCertPath, 'utf8'),
    serverCertPath,
    serverKeyPath,
  };
}

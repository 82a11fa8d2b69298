import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Prepares a browser HOME whose NSS database trusts the given CA (how Chromium on Linux learns extra
 * roots), or trusts nothing extra when `caCertPath` is null. Calling it again adds another CA.
 */
export async function createTrustingHome(home: string, caCertPath: string | null): Promise<string> {
  const db = join(home, '.pki', 'nssdb');
  await mkdir(db, { recursive: true });
  await run('certutil', ['-N', '--empty-password', '-d', `sql:${db}`]).catch((error: { stderr?: string }) => {
    // An existing database is fine; anything else is not.
    if (!/already exists|SEC_ERROR_BAD_DATABASE/.test(error.stderr ?? '')) throw error;
  });
  if (caCertPath) {
    await run('certutil', [
      '-A',
      '-d',
      `sql:${db}`,
      '-t',
      'C,,',
      '-n',
      `test-ca-${Date.now()}`,
      '-i',
      caCertPath,
    ]);
  }
  return home;
}

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startTestKeyring, type TestKeyring } from '../e2e/provider/keyring.js';
import { createKeytarSecretStore, type SecretStore } from '../electron/secrets/secret-store.js';

/**
 * For integration tests: a real Secret Service (gnome-keyring on a private D-Bus) and a temporary
 * folder, started before the file's tests and stopped after them. Call at the top level of a test file.
 */
export function useRealKeychain(prefix: string): {
  readonly dir: string;
  readonly secrets: SecretStore;
  readonly busAddress: string;
} {
  let dir = '';
  let keyring: TestKeyring | undefined;
  let secrets: SecretStore | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    keyring = await startTestKeyring(dir);
    process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
    secrets = createKeytarSecretStore({ service: `secure-softphone-test-${randomBytes(4).toString('hex')}` });
  }, 20_000);
  afterAll(async () => {
    await secrets?.clear();
    await keyring?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the test keychain is not started');
    return value;
  };
  return {
    get dir() {
      return dir;
    },
    get secrets() {
      return started(secrets);
    },
    get busAddress() {
      return started(keyring).busAddress;
    },
  };
}

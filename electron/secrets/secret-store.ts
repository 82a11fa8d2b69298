import { randomBytes } from 'node:crypto';
import type keytarModule from 'keytar';
import type { keychainFailures } from '../../shared/domain/history.js';

/** The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager) under one service name. */
export interface SecretStore {
  readonly service: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
  list(): Promise<string[]>;
  clear(): Promise<void>;
}

export type KeychainFailure = (typeof keychainFailures)[number];

/** The keychain cannot be used; there is no fallback to storing anything in plaintext. */
export class KeychainUnavailableError extends Error {
  constructor(
    readonly reason: KeychainFailure,
    detail: string,
  ) {
    super(`keychain unavailable (${reason}): ${detail}`);
    this.name = 'KeychainUnavailableError';
  }
}

export function classifyKeychainError(error: unknown): KeychainFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Cannot autolaunch/i.test(message)) return 'no-bus';
  if (/not provided by any \.service files|ServiceUnknown/i.test(message)) return 'no-service';
  if (/locked|dismissed|prompt/i.test(message)) return 'locked';
  return 'error';
}

type Keytar = typeof keytarModule;

/**
 * keytar, loaded on first use rather than at start: where its native library cannot load (on Linux
 * libsecret-1.so.0 missing) the require throws, and at start that would end the app in Electron's generic
 * error dialog instead of the keychain screen that says what to install. A failed load is not remembered,
 * so "Try again" after installing the library loads it.
 */
export async function loadKeytar(
  importKeytar: () => Promise<{ default: Keytar }> = () => import('keytar'),
): Promise<Keytar> {
  try {
    return (await importKeytar()).default;
  } catch (error) {
    throw new KeychainUnavailableError(
      'library-missing',
      error instanceof Error ? error.message : String(error),
    );
  }
}

/** One service name per app and environment, e.g. "secure-softphone" or "secure-softphone-test-1234". */
export function createKeytarSecretStore(options: {
  service: string;
  /** How keytar is loaded (default: `loadKeytar`); a test passes one that fails as a missing library does. */
  load?: () => Promise<Keytar>;
}): SecretStore {
  const { service } = options;
  const keytar = options.load ?? (() => loadKeytar());
  return {
    service,
    get: async (key) => (await keytar()).getPassword(service, key),
    set: async (key, value) => (await keytar()).setPassword(service, key, value),
    delete: async (key) => (await keytar()).deletePassword(service, key),
    list: async () =>
      (await (await keytar()).findCredentials(service)).map((credential) => credential.account),
    async clear() {
      const loaded = await keytar();
      for (const { account } of await loaded.findCredentials(service))
        await loaded.deletePassword(service, account);
    },
  };
}

/**
 * Proves the keychain works by writing, reading back and deleting a random canary: a keychain that
 * answers reads with null but cannot store (an auto-started, locked keyring) fails here.
 */
export async function probeSecretStore(store: SecretStore): Promise<void> {
  const key = `probe-${randomBytes(6).toString('hex')}`;
  const canary = randomBytes(16).toString('hex');
  try {
    await store.set(key, canary);
    const readBack = await store.get(key);
    await store.delete(key);
    if (readBack !== canary)
      throw new KeychainUnavailableError('probe-mismatch', 'the canary did not read back');
  } catch (error) {
    if (error instanceof KeychainUnavailableError) throw error;
    throw new KeychainUnavailableError(
      classifyKeychainError(error),
      error instanceof Error ? error.message : String(error),
    );
  }
}

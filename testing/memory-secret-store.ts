import type { SecretStore } from '../electron/secrets/secret-store.js';

/**
 * A SecretStore in a Map, for tests and test programs that are not about the keychain (the keychain has
 * its own integration tests against a real Secret Service). The app itself never uses it: there is no
 * fallback from the OS keychain to memory or to a file.
 */
export function createMemorySecretStore(initial: Record<string, string> = {}): SecretStore {
  const items = new Map(Object.entries(initial));
  return {
    service: 'memory',
    get: async (key) => items.get(key) ?? null,
    set: async (key, value) => void items.set(key, value),
    delete: async (key) => items.delete(key),
    list: async () => [...items.keys()],
    clear: async () => items.clear(),
  };
}

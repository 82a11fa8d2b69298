import { describe, expect, it } from 'vitest';
import {
  createKeytarSecretStore,
  KeychainUnavailableError,
  loadKeytar,
  probeSecretStore,
} from './secret-store.js';

// What Node's loader says when keytar.node cannot find libsecret (dlopen's message, as seen on Debian).
const missingLibrary = new Error(
  'libsecret-1.so.0: cannot open shared object file: No such file or directory',
);

describe('keytar, loaded lazily', () => {
  it('loads the real module on first use', async () => {
    const keytar = await loadKeytar();
    expect(typeof keytar.getPassword).toBe('function');
  });

  it('turns a library that does not load into "library-missing", with the loader message', async () => {
    const failure = await loadKeytar(() => Promise.reject(missingLibrary)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeychainUnavailableError);
    expect((failure as KeychainUnavailableError).reason).toBe('library-missing');
    expect((failure as Error).message).toContain('libsecret-1.so.0');
  });

  it('creates the store without loading keytar; the probe reports the missing library', async () => {
    let loads = 0;
    const store = createKeytarSecretStore({
      service: 'secure-softphone-unit',
      load: () => {
        loads += 1;
        return loadKeytar(() => Promise.reject(missingLibrary));
      },
    });
    expect(loads).toBe(0);
    await expect(probeSecretStore(store)).rejects.toMatchObject({ reason: 'library-missing' });
    expect(loads).toBe(1);
  });

  it('tries again on the next use after a failed load (the library may have been installed meanwhile)', async () => {
    const real = await loadKeytar();
    let attempt = 0;
    const store = createKeytarSecretStore({
      service: 'secure-softphone-unit',
      load: () =>
        loadKeytar(() =>
          ++attempt === 1 ? Promise.reject(missingLibrary) : Promise.resolve({ default: real }),
        ),
    });
    await expect(store.list()).rejects.toMatchObject({ reason: 'library-missing' });
    // The second use loads keytar; without a keychain on this bus it fails for that reason instead.
    const second = await store.list().then(
      () => 'listed',
      (error: unknown) => (error instanceof KeychainUnavailableError ? error.reason : 'keychain-error'),
    );
    expect(second).not.toBe('library-missing');
    expect(attempt).toBe(2);
  });
});

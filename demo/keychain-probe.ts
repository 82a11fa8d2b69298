// `node --import tsx demo/keychain-probe.ts SERVICE`: probes the session's keychain in a process of its own
// (libsecret keeps its first D-Bus connection for the life of a process). Exit 0 when it stores and reads
// back; otherwise it prints the reason (electron/secrets/secret-store.ts) and exits 1.
import {
  createKeytarSecretStore,
  KeychainUnavailableError,
  probeSecretStore,
} from '../electron/secrets/secret-store.js';

const service = process.argv[2] ?? 'secure-softphone-demo';
try {
  await probeSecretStore(createKeytarSecretStore({ service }));
} catch (error) {
  console.log(error instanceof KeychainUnavailableError ? error.reason : 'error');
  process.exit(1);
}

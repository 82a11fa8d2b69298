import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createTestPki } from './certs.js';
import { startKamailio, type KamailioHandle } from './kamailio.js';
import { startTestKeyring, type TestKeyring } from './keyring.js';
import { createTrustingHome } from './nss.js';

export interface ProviderStack {
  runDir: string;
  caCertPath: string;
  caCertPem: string;
  serverCertPath: string;
  serverKeyPath: string;
  /** Browser HOME whose NSS database trusts the run's CA. */
  trustedHome: string;
  /** Browser HOME that trusts nothing extra. */
  untrustedHome: string;
  kamailio: KamailioHandle;
  keyring: TestKeyring;
  stop(): Promise<void>;
}

/** The provider test stack on 127.0.0.1: a per-run CA, Kamailio with WSS, and an unlocked keyring. */
export async function startProviderStack(runDir: string): Promise<ProviderStack> {
  const pki = await createTestPki(runDir);
  const trustedHome = await createTrustingHome(join(runDir, 'home-trusted'), pki.caCertPath);
  const untrustedHome = await createTrustingHome(join(runDir, 'home-untrusted'), null);
  const kamailioDir = join(runDir, 'kamailio');
  await mkdir(kamailioDir, { recursive: true });
  const keyring = await startTestKeyring(runDir);
  let kamailio: KamailioHandle;
  try {
    kamailio = await startKamailio({
      dir: kamailioDir,
      certificate: pki.serverCertPath,
      privateKey: pki.serverKeyPath,
      caCertPem: pki.caCertPem,
    });
  } catch (error) {
    await keyring.stop();
    throw error;
  }
  return {
    runDir,
    caCertPath: pki.caCertPath,
    caCertPem: pki.caCertPem,
    serverCertPath: pki.serverCertPath,
    serverKeyPath: pki.serverKeyPath,
    trustedHome,
    untrustedHome,
    kamailio,
    keyring,
    async stop() {
      await kamailio.stop();
      await keyring.stop();
    },
  };
}

import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createTestPki } from './certs.js';
import { startKamailio, type KamailioHandle } from './kamailio.js';
import { startTestKeyring, type TestKeyring } from './keyring.js';
import { createTrustingHome } from './nss.js';
import { startRtpengine, type RtpengineHandle } from './rtpengine.js';
import type { LoginBroker } from './login-broker.js';
import { startStackBroker, type SignInUsers } from './stack-broker.js';

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
  /** The media gateway Kamailio bridges WebRTC-to-RTP calls through. */
  rtpengine: RtpengineHandle;
  keyring: TestKeyring;
  /** The login broker (OIDC issuer) and provider API, in this process; it provisions SIP users in Kamailio. */
  broker: LoginBroker;
  /** The broker's seeded test users, one per sign-in choice. */
  signInUsers: SignInUsers;
  /**
   * The provider's audit ingest database (SQLite in WAL mode, written by the broker in this process): specs in
   * other processes read what the provider stored through it (e2e/support/provider-audit.ts).
   */
  auditDatabasePath: string;
  /** What the provider's status page says: set it with `setProviderStatus` (status-endpoint.ts). */
  statusControlPath: string;
  stop(): Promise<void>;
}

/**
 * The provider test stack on 127.0.0.1: a per-run CA, rtpengine, Kamailio with WSS (and UDP for RTP
 * phones, bridged through rtpengine), an unlocked keyring, and the login broker with the provider API.
 */
export async function startProviderStack(runDir: string): Promise<ProviderStack> {
  const pki = await createTestPki(runDir);
  const trustedHome = await createTrustingHome(join(runDir, 'home-trusted'), pki.caCertPath);
  const untrustedHome = await createTrustingHome(join(runDir, 'home-untrusted'), null);
  const kamailioDir = join(runDir, 'kamailio');
  await mkdir(kamailioDir, { recursive: true });
  const keyring = await startTestKeyring(runDir);
  let rtpengine: RtpengineHandle;
  try {
    // rtpengine first: Kamailio pings it at start and would otherwise mark it down for a minute.
    rtpengine = await startRtpengine(kamailioDir);
  } catch (error) {
    await keyring.stop();
    throw error;
  }
  let kamailio: KamailioHandle;
  try {
    kamailio = await startKamailio({
      dir: kamailioDir,
      certificate: pki.serverCertPath,
      privateKey: pki.serverKeyPath,
      caCertPem: pki.caCertPem,
      rtpengineSocket: rtpengine.controlSocket,
    });
  } catch (error) {
    await rtpengine.stop();
    await keyring.stop();
    throw error;
  }
  let broker: LoginBroker;
  let signInUsers: SignInUsers;
  const auditDatabasePath = join(runDir, 'provider-audit.sqlite');
  const statusControlPath = join(runDir, 'provider-status.json');
  try {
    ({ broker, users: signInUsers } = await startStackBroker(pki, kamailio, {
      auditDatabasePath,
      statusControlPath,
    }));
  } catch (error) {
    await kamailio.stop();
    await rtpengine.stop();
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
    rtpengine,
    keyring,
    broker,
    signInUsers,
    auditDatabasePath,
    statusControlPath,
    async stop() {
      await broker.stop();
      await kamailio.stop();
      await rtpengine.stop();
      await keyring.stop();
    },
  };
}

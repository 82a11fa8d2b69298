import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipCredentials } from '../../shared/provider/api.js';
import { createTestPki, type TestPki } from './certs.js';
import { digestHa1 } from '../../electron/sip/sip-account-service.js';
import { kamcmd, removeSipUser, setSipUser, startKamailio, type KamailioHandle } from './kamailio.js';
import { startLoginBroker, type LoginBroker, type SipProvisioner, type TestAccount } from './login-broker.js';
import { discoverBroker, signIn, trustingFetch } from './oidc-test-client.js';
import { kamailioProvisioner } from './sip-provisioner.js';
import { registerWithHa1 } from './sip-register.js';

/** The real Kamailio provisioner, with a way to await a finished removal. */
function observed(provisioner: SipProvisioner) {
  const waiting = new Map<string, () => void>();
  return {
    add: provisioner.add,
    async remove(username: string) {
      await provisioner.remove(username);
      waiting.get(username)?.();
      waiting.delete(username);
    },
    nextRemoval: (username: string) => new Promise<void>((resolve) => waiting.set(username, resolve)),
  };
}

describe('SIP credentials from the broker at the Kamailio test stack', () => {
  let dir: string;
  let pki: TestPki;
  let kamailio: KamailioHandle;
  let trusting: ReturnType<typeof trustingFetch>;
  const brokers: LoginBroker[] = [];

  async function brokerWith(lifetimeMs?: number) {
    const provisioner = observed(kamailioProvisioner(kamailio.ctlSocket));
    const broker = await startLoginBroker({
      pki,
      sip: { wssUrl: kamailio.wssUrl, domain: kamailio.sipDomain },
      provisioner,
      sipCredentialLifetimeMs: lifetimeMs,
    });
    brokers.push(broker);
    return {
      broker,
      provisioner,
      config: await discoverBroker(broker.issuer, broker.clientId, trusting.fetch),
    };
  }

  function addUser(broker: LoginBroker, username: string): TestAccount {
    return broker.addUser({
      username,
      password: `${username}-pw`,
      upstream: 'google',
      secondFactor: 'none',
      roles: ['user'],
      email: `${username}@example.test`,
      name: username,
      sipUsername: `broker-${username}`,
    });
  }

  async function credentialsFor(broker: LoginBroker, accessToken: string): Promise<SipCredentials> {
    const response = await trusting.fetch(`${broker.apiBaseUrl}/v1/sip-credentials`, {
      method: 'GET',
      headers: { authorization: `Bearer ${accessToken}` },
      body: undefined,
      redirect: 'manual',
    });
    expect(response.status).toBe(200);
    return SipCredentials.parse(await response.json());
  }

  const register = (credentials: SipCredentials, ha1 = credentials.ha1!) =>
    registerWithHa1(kamailio.udpPort, credentials, ha1);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sip-provisioner-test-'));
    pki = await createTestPki(dir);
    trusting = trustingFetch(pki.caCertPem);
    kamailio = await startKamailio({
      dir,
      certificate: pki.serverCertPath,
      privateKey: pki.serverKeyPath,
      caCertPem: pki.caCertPem,
    });
  });

  afterAll(async () => {
    for (const broker of brokers) await broker.stop();
    await kamailio?.stop();
    await trusting?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores passwords that look like command-line options (base64url may start with "-") as they are', async () => {
    const password = '-Q-Z4zKNb42nJ0b3ZJmNVX5EL0asF1XG';
    await setSipUser(kamailio.ctlSocket, 'dash-user', password);
    const credentials = SipCredentials.parse({
      wssUrl: kamailio.wssUrl,
      sipUri: `sip:dash-user@${kamailio.sipDomain}`,
      authorizationUser: 'dash-user',
      realm: kamailio.sipDomain,
      ha1: digestHa1('dash-user', kamailio.sipDomain, password),
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    expect(await register(credentials)).toBe(200);
    await removeSipUser(kamailio.ctlSocket, 'dash-user');
    expect(await register(credentials)).toBe(401);
  });

  it('Kamailio accepts the HA1 it handed out, only the newest one after a rotation, and none after revocation', async () => {
    const { broker, provisioner, config } = await brokerWith();
    const user = addUser(broker, 'rosa');
    const { tokens } = await signIn(config, trusting.fetch, user);

    const first = await credentialsFor(broker, tokens.access_token);
    expect(await register(first)).toBe(200);
    expect(await register(first, 'f'.repeat(32))).toBe(401);

    const second = await credentialsFor(broker, tokens.access_token);
    expect(await register(first)).toBe(401);
    expect(await register(second)).toBe(200);

    const removed = provisioner.nextRemoval(user.sipUsername);
    await broker.revokeAllFor(user.sub);
    await removed;
    expect(await register(second)).toBe(401);
    expect(await kamcmd(kamailio.ctlSocket, 'ul.lookup', 'location', user.sipUsername)).toMatch(
      /AOR not found/,
    );
  });

  it('Kamailio refuses the credentials once they have expired', async () => {
    const { broker, provisioner, config } = await brokerWith(1000);
    const user = addUser(broker, 'tom');
    const { tokens } = await signIn(config, trusting.fetch, user);
    const removed = provisioner.nextRemoval(user.sipUsername);
    const credentials = await credentialsFor(broker, tokens.access_token);
    expect(await register(credentials)).toBe(200);
    await removed;
    expect(await register(credentials)).toBe(401);
  });
});

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SipCredentials } from '../../shared/provider/api.js';
import { createTestPki, type TestPki } from './certs.js';
import { kamcmd, startKamailio, type KamailioHandle } from './kamailio.js';
import { startLoginBroker, type LoginBroker, type SipProvisioner, type TestAccount } from './login-broker.js';
import { discoverBroker, signIn, trustingFetch } from './oidc-test-client.js';
import { kamailioProvisioner } from './sip-provisioner.js';

const md5 = (value: string) => createHash('md5').update(value).digest('hex');

/** Waits for the next SIP response on the socket (provisional ones skipped), bounded by a timeout. */
function nextResponse(socket: Socket): Promise<{ status: number; headers: string[] }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      reject(new Error('no SIP response within 5 s'));
    }, 5000);
    const onMessage = (message: Buffer) => {
      const lines = message.toString('utf8').split('\r\n');
      const status = Number(/^SIP\/2\.0 (\d{3}) /.exec(lines[0] ?? '')?.[1]);
      if (!status || status < 200) return;
      clearTimeout(timer);
      socket.off('message', onMessage);
      resolve({ status, headers: lines.slice(1) });
    };
    socket.on('message', onMessage);
  });
}

/**
 * Registers over UDP the way a SIP phone holding only the HA1 does (RFC 3261 digest, qop=auth when the
 * challenge offers it), and returns the final status of the authenticated REGISTER.
 */
async function registerWithHa1(udpPort: number, credentials: SipCredentials, ha1: string): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const local = socket.address().port;
    const user = credentials.authorizationUser;
    const domain = credentials.realm;
    const uri = `sip:${domain}`;
    const callId = randomUUID();
    const tag = randomBytes(6).toString('hex');
    const send = async (cseq: number, authorization?: string) => {
      const request = [
        `REGISTER ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};rport;branch=z9hG4bK${randomBytes(8).toString('hex')}`,
        'Max-Forwards: 70',
        `From: <sip:${user}@${domain}>;tag=${tag}`,
        `To: <sip:${user}@${domain}>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} REGISTER`,
        `Contact: <sip:${user}@127.0.0.1:${local}>`,
        'Expires: 60',
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      const response = nextResponse(socket);
      socket.send(request, udpPort, '127.0.0.1');
      return response;
    };

    const challenge = await send(1);
    if (challenge.status !== 401) return challenge.status;
    const header = challenge.headers.find((line) => /^WWW-Authenticate:/i.test(line)) ?? '';
    const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`, 'i').exec(header)?.[1];
    const realm = param('realm') ?? domain;
    const nonce = param('nonce') ?? '';
    const qop = param('qop')
      ?.split(/\s*,\s*/)
      .includes('auth')
      ? 'auth'
      : undefined;
    const ha2 = md5(`REGISTER:${uri}`);
    const nc = '00000001';
    const cnonce = randomBytes(8).toString('hex');
    const response = qop
      ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
      : md5(`${ha1}:${nonce}:${ha2}`);
    const authorization =
      `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5` +
      (qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : '');
    return (await send(2, authorization)).status;
  } finally {
    socket.close();
  }
}

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
      certificatePath: pki.serverCertPath,
      privateKeyPath: pki.serverKeyPath,
      caCertPath: pki.caCertPath,
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

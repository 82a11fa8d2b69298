import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { LoginBroker } from './provider/login-broker.js';
import { startTinyproxy, type TinyproxyHandle } from './provider/proxy.js';
import { startStackBroker, type SignInUsers } from './provider/stack-broker.js';
import { startUpdateFeed, type UpdateFeed } from './provider/update-feed.js';
import { createShellUpdater } from './shell/updater.js';
import { expect, test } from './support/fixtures.js';
import { refuseDirectConnections, type Firewall } from './support/firewall.js';
import { answered, dialFrom, expectRegistered } from './support/phone.js';
import { startPrivateEdge } from './support/private-edge.js';
import { providerAuditEvents } from './support/provider-audit.js';
import { signInWithProviderAccount } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';

// Issue 17 item 7: the company network. The provider's servers of this spec (its own SIP edge, login broker
// with the provider API and audit ingest, and update server) can be reached only through the company's
// proxy, Debian's tinyproxy with Basic authentication: a firewall rule set in the namespace resets every
// direct TCP connection to their ports unless it comes from the proxy's user. The rules match only these
// servers' ports, chosen at run time, so the other worker's specs in the same namespace never meet them
// (e2e/support/firewall.ts). Main's HTTP client follows the proxy as Electron's session.resolveProxy would
// name it; the browser gets it as --proxy-server (Electron's session proxy applies to the renderer's
// WebSocket the same way).

const credentials = { username: 'carla', password: `proxy-${Math.random().toString(36).slice(2)}` };

interface CompanyNetwork {
  dir: string;
  proxy: TinyproxyHandle;
  firewall: Firewall;
  broker: LoginBroker;
  users: SignInUsers;
  feed: UpdateFeed;
  edge: Awaited<ReturnType<typeof startPrivateEdge>>;
  auditDatabasePath: string;
  /** The servers' ports that only the proxy may reach. */
  ports: number[];
}

let network: CompanyNetwork;

test.beforeAll(async () => {
  const state = readStackState();
  const dir = await mkdtemp(join(state.runDir, 'proxy-'));
  const pki = {
    serverCertPath: state.serverCertPath,
    serverKeyPath: state.serverKeyPath,
    caCertPath: state.caCertPath,
  };
  const edge = await startPrivateEdge();
  const auditDatabasePath = join(dir, 'provider-audit.sqlite');
  const { broker, users } = await startStackBroker(pki, edge, { auditDatabasePath });
  const feed = await startUpdateFeed({ pki, version: '9.9.9' });
  const proxy = await startTinyproxy({ dir, basicAuth: credentials });
  const ports = [edge.wssPort, Number(new URL(broker.issuer).port), feed.port];
  const firewall = await refuseDirectConnections({ ports, allowUid: proxy.uid });
  network = { dir, proxy, firewall, broker, users, feed, edge, auditDatabasePath, ports };
});

test.afterAll(async () => {
  await network?.firewall.remove();
  await network?.proxy.stop();
  await network?.feed.stop();
  await network?.broker.stop();
  await network?.edge.stop();
});

/** Whether a direct TCP connection from this process to 127.0.0.1:port is accepted, or reset. */
function connectsDirectly(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether the proxy opens a tunnel to 127.0.0.1:port for us (CONNECT answered 200). */
function tunnelsThroughProxy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: network.proxy.port }, () => {
      const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
      socket.write(
        `CONNECT 127.0.0.1:${port} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nProxy-Authorization: Basic ${basic}\r\n\r\n`,
      );
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(/^HTTP\/1\.[01] 200/.test(data.toString()));
    });
    socket.once('error', () => resolve(false));
  });
}

test('the firewall refuses direct connections to the provider, and the proxy reaches it', async () => {
  for (const port of network.ports) {
    expect(await connectsDirectly(port), `direct to ${port}`).toBe(false);
    expect(await tunnelsThroughProxy(port), `through the proxy to ${port}`).toBe(true);
  }
  expect(await network.firewall.refused()).toBeGreaterThanOrEqual(network.ports.length);
});

test(
  'sign-in, a call, audit sync and an update check work through the company proxy',
  { annotation: { type: 'interop', description: 'tinyproxy | sign-in, call, audit, update via proxy | -' } },
  async ({ openApp }, testInfo) => {
    // Two sign-ins through the broker's pages, an update download and a call: ~25 s on a quiet machine,
    // over a minute at a load of 20.
    test.setTimeout(180_000);
    const { broker, users, edge, feed, proxy, firewall } = network;
    const refusedBefore = await firewall.refused();
    const policy = {
      extraCaCertificates: [readStackState().caCertPem],
      provider: {
        issuer: broker.issuer,
        clientId: broker.clientId,
        wssUrl: edge.wssUrl,
        apiBaseUrl: broker.apiBaseUrl,
      },
      updateUrl: feed.url,
    };
    const behindProxy = { server: proxy.url, ...credentials };
    const paula = await openApp({
      name: 'paula',
      policy,
      proxy: behindProxy,
      updater: await createShellUpdater({ dir: testInfo.outputPath('paula-updater'), version: '0.1.0' }),
    });
    const olga = await openApp({ name: 'olga', policy, proxy: behindProxy });

    // Sign-in: discovery, tokens and SIP credentials in main, the broker's pages in the browser, the
    // registration over WSS: all through the proxy.
    for (const [shell, user] of [
      [paula, users.provider],
      [olga, users.sessionAge],
    ] as const) {
      await signInWithProviderAccount(shell, user);
      await expectRegistered(shell.page);
    }

    // The update check at start: feed and package came through the proxy, the download is verified.
    await paula.page.getByRole('link', { name: 'Settings' }).click();
    await expect(paula.page.getByRole('region', { name: 'Updates' }).getByRole('status')).toHaveText(
      'Version 9.9.9 is ready: it is installed when you restart the app.',
      { timeout: 20_000 },
    );
    expect(feed.requests()).toEqual([
      '/softphone/latest-linux.yml',
      '/softphone/secure-softphone_9.9.9_amd64.deb',
    ]);
    await paula.page.getByRole('link', { name: 'Phone' }).click();

    // A call between the two, signalled over the tunnelled WebSockets (media is not the proxy's business).
    const call = await answered(await dialFrom(paula.page, olga.page, `sip:signin-olga@${edge.sipDomain}`));
    await call.outgoing.getByRole('button', { name: 'Hang up' }).click();
    await expect(call.outgoing).toHaveCount(0);

    // Audit sync: the sign-in reached the provider's ingest, through the proxy.
    await expect
      .poll(() => providerAuditEvents({ type: 'auth.signInSucceeded' }, network.auditDatabasePath).length, {
        timeout: 20_000,
      })
      .toBe(2);

    // Every server was reached through tunnels, and nobody tried the direct way meanwhile.
    const tunnels = await proxy.requests();
    for (const port of network.ports) expect(tunnels).toContain(`CONNECT 127.0.0.1:${port}`);
    expect(await firewall.refused()).toBe(refusedBefore);
  },
);

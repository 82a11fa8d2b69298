import { connect } from 'node:net';
import { startUpdateFeed, type UpdateFeed } from './provider/update-feed.js';
import { createShellUpdater } from './shell/updater.js';
import { startCompanyNetwork, type CompanyNetwork } from './support/company-network.js';
import { expect, test } from './support/fixtures.js';
import { answered, dialFrom, expectRegistered } from './support/phone.js';
import { providerAuditEvents } from './support/provider-audit.js';
import { signInWithProviderAccount } from './support/sign-in.js';
import { readStackState } from './support/stack-state.js';

// Issue 17 item 7: the company network (e2e/support/company-network.ts), with the update server behind the
// same proxy. Main's HTTP client follows the proxy as Electron's session.resolveProxy would name it; the
// browser gets it as --proxy-server (Electron's session proxy applies to the renderer's WebSocket the same
// way).

const credentials = { username: 'carla', password: `proxy-${Math.random().toString(36).slice(2)}` };

let network: CompanyNetwork & { feed: UpdateFeed };

test.beforeAll(async () => {
  const state = readStackState();
  const pki = {
    serverCertPath: state.serverCertPath,
    serverKeyPath: state.serverKeyPath,
    caCertPath: state.caCertPath,
  };
  const feed = await startUpdateFeed({ pki, version: '9.9.9' });
  network = { ...(await startCompanyNetwork({ credentials, extraPorts: [feed.port] })), feed };
});

test.afterAll(async () => {
  await network?.stop();
  await network?.feed.stop();
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
    const { users, edge, feed, proxy, firewall } = network;
    const refusedBefore = await firewall.refused();
    const policy = { ...network.policy, updateUrl: feed.url };
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

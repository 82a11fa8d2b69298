import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { listenOnLoopback } from '../electron/net/listen-on-loopback.js';
import { createStatusEndpoint, setProviderStatus, type StatusControl } from './provider/status-endpoint.js';
import { expect, test } from './support/fixtures.js';
import { createSipUser, enterSipAccount, expectRegistered } from './support/phone.js';
import { readStackState } from './support/stack-state.js';
import { createTestClock } from './support/test-clock.js';

// The provider's status page (`GET /v1/status`, provider-api.openapi.yaml) as the stack serves it, here on a
// server of this spec's own (specs beside it must not see its incidents): main asks at start, every five
// minutes and at once after the phone fails to register; the window shows incidents with a link to the page.

/** The stack's status endpoint on a provider API server of its own; counts the questions it was asked. */
async function startStatusServer() {
  const state = readStackState();
  const dir = await mkdtemp(join(tmpdir(), 'provider-status-'));
  const controlPath = join(dir, 'status.json');
  const server = createServer({
    cert: await readFile(state.serverCertPath),
    key: await readFile(state.serverKeyPath),
  });
  const port = await listenOnLoopback(server);
  const baseUrl = `https://127.0.0.1:${port}`;
  const endpoint = createStatusEndpoint({ controlPath, baseUrl });
  let asked = 0;
  server.on('request', (req, res) => {
    const path = new URL(req.url ?? '/', baseUrl).pathname;
    if (path === '/v1/status') asked += 1;
    if (path !== '/v1/status' && path !== '/status') return void res.writeHead(404).end();
    void endpoint.handle(req, res, path);
  });
  return {
    baseUrl,
    pageUrl: endpoint.pageUrl,
    asked: () => asked,
    set: (control: StatusControl) => setProviderStatus(controlPath, control),
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Saves the SIP account again with another password: the phone registers anew with it. */
async function changeSipPassword(page: Page, password: string): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Save account' }).click();
  await expect(page.getByText('The SIP account was saved.')).toBeVisible();
  await page.getByRole('link', { name: 'Phone' }).click();
}

let statusServer: Awaited<ReturnType<typeof startStatusServer>>;
test.beforeEach(async () => {
  statusServer = await startStatusServer();
});
test.afterEach(async () => {
  await statusServer.stop();
});

test('an incident on the status page shows as a banner at once after a failed registration, with a link to the page; nonsense is ignored', async ({
  openApp,
}) => {
  test.setTimeout(60_000);
  const state = readStackState();
  await statusServer.set({ fault: 'not-json' });
  const clock = createTestClock();
  const { page, context } = await openApp({
    clock,
    policy: {
      provider: {
        issuer: state.issuerUrl,
        clientId: state.oidcClientId,
        wssUrl: state.wssUrl,
        apiBaseUrl: statusServer.baseUrl,
      },
    },
  });
  // Main asked at start; a minute later the phone fails to register, and main asks again at once.
  await expect.poll(statusServer.asked).toBe(1);
  clock.advance(61_000);
  const user = await createSipUser('status');
  await enterSipAccount(page, user, { password: 'not-the-password' });
  await expect.poll(statusServer.asked).toBe(2);
  const banner = page.getByRole('status', { name: 'Status of your provider' });
  // A status page that answers HTML is ignored: no banner.
  await expect(banner).toHaveCount(0);

  await statusServer.set({
    status: {
      status: 'outage',
      incidents: [
        {
          id: 'inc-1',
          title: 'Calls to mobile networks fail',
          status: 'identified',
          startedAt: new Date(Date.now() - 20 * 60_000).toISOString(),
        },
      ],
    },
  });
  // The phone registers with the right password, then fails with a wrong one a minute later.
  await changeSipPassword(page, user.password);
  await expectRegistered(page);
  clock.advance(61_000);
  await changeSipPassword(page, 'not-the-password-either');
  await expect(banner).toContainText(
    'Outage at your provider: Calls to mobile networks fail (cause found, since',
    {
      timeout: 10_000,
    },
  );
  expect(statusServer.asked()).toBe(3);

  // The link opens the provider's page in the browser (the shell's browser is a page of the same browser).
  const opened = context.waitForEvent('page');
  await banner.getByRole('link', { name: 'Status page' }).click();
  const statusPage = await opened;
  await expect(statusPage).toHaveURL(statusServer.pageUrl);
  await expect(statusPage.getByRole('heading', { name: 'Provider status: outage' })).toBeVisible();
  await expect(statusPage.getByText('Calls to mobile networks fail (identified')).toBeVisible();

  await banner.getByRole('button', { name: 'Hide' }).click();
  await expect(banner).toHaveCount(0);
});

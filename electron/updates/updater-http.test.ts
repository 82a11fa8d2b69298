import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../shared/domain/updates.js';
import { createTestPki, type TestPki } from '../../e2e/provider/certs.js';
import { startTinyproxy, type TinyproxyHandle } from '../../e2e/provider/proxy.js';
import { startUpdateFeed, type UpdateFeed } from '../../e2e/provider/update-feed.js';
import { createShellUpdater } from '../../e2e/shell/updater.js';
import { createHttpClient } from '../net/http-client.js';
import type { TlsTrust } from '../net/tls-trust.js';
import { createUpdateService } from './update-service.js';
import { routeUpdaterThrough } from './updater-http.js';

const credentials = { username: 'updates', password: 'proxy-secret' };
let dir: string;
let pki: TestPki;
let feed: UpdateFeed;
let proxy: TinyproxyHandle;

/** Runs the update service with electron-updater over main's client through the proxy, to its last state. */
async function updateThroughProxy(name: string, trust: TlsTrust): Promise<UpdateStatus> {
  const proxyUrl = new URL(proxy.url);
  proxyUrl.username = credentials.username;
  proxyUrl.password = credentials.password;
  const http = createHttpClient({
    trust: () => trust,
    routes: async () => [{ kind: 'proxy', proxy: proxyUrl }],
  });
  const updater = await createShellUpdater({ dir: join(dir, name), version: '1.0.0' });
  updater.useHttp(http.fetch);
  let settle: (status: UpdateStatus) => void = () => undefined;
  const settled = new Promise<UpdateStatus>((resolve) => (settle = resolve));
  const service = createUpdateService({
    updater,
    policy: () => ({ updateUrl: feed.url, updateChannel: 'stable', updatesDisabled: false }),
    onStatus: (status) => {
      if (status.state === 'ready' || status.state === 'error' || status.state === 'up-to-date')
        settle(status);
    },
  });
  try {
    return await settled;
  } finally {
    service.dispose();
    await http.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'updater-http-'));
  pki = await createTestPki(dir, 'updates');
  feed = await startUpdateFeed({ pki, version: '1.2.3' });
  proxy = await startTinyproxy({ dir, basicAuth: credentials });
}, 30_000);

afterAll(async () => {
  await proxy?.stop();
  await feed?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('electron-updater over main’s HTTP client', () => {
  it('checks the feed and downloads the update through the proxy, verified by SHA-512', async () => {
    const status = await updateThroughProxy('good', {
      extraCaCertificates: [pki.caCertPem],
      pinnedSpkiSha256: [],
    });
    expect(status).toEqual({ state: 'ready', version: '1.2.3' });
    expect(await proxy.requests()).toContain(`CONNECT 127.0.0.1:${feed.port}`);
    expect(feed.requests()).toEqual([
      '/softphone/latest-linux.yml',
      '/softphone/secure-softphone_1.2.3_amd64.deb',
    ]);
    const pending = join(dir, 'good', 'cache', 'secure-softphone-updater', 'pending');
    const [file] = (await readdir(pending)).filter((name) => name.endsWith('.deb'));
    expect(await readFile(join(pending, file!))).toEqual(feed.packageBytes);
  });

  it('holds the update server to the policy’s pins', async () => {
    const before = feed.requests().length;
    const status = await updateThroughProxy('pinned', {
      extraCaCertificates: [pki.caCertPem],
      pinnedSpkiSha256: [randomBytes(32).toString('base64')],
    });
    expect(status).toEqual({
      state: 'error',
      message: '127.0.0.1: none of the certificate keys is pinned by policy (pin-mismatch)',
    });
    expect(feed.requests().length).toBe(before);
  });

  it('refuses an updater whose requests it cannot take over', () => {
    expect(() => routeUpdaterThrough({}, fetch)).toThrow(/httpExecutor/);
  });
});

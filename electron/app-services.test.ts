import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppServices, type AppServices } from './app-services.js';
import { filePolicySource, InvalidPolicyError } from './policy/source.js';

const APP_URL = 'app://softphone/index.html';
let dir: string;
let services: AppServices | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'services-'));
});
afterEach(async () => {
  await services?.dispose();
  services = null;
  await rm(dir, { recursive: true, force: true });
});

async function start(policy: object | null, openExternal = vi.fn(async () => {})) {
  const policyPath = join(dir, 'policy.json');
  if (policy) await writeFile(policyPath, JSON.stringify(policy));
  services = await createAppServices({
    dataDir: join(dir, 'data'),
    policy: filePolicySource(policyPath),
    systemLocale: 'de-DE',
    runtime: 'shell',
    platform: 'linux',
    appName: 'Secure Softphone',
    appVersion: '0.1.0',
    isTrustedSender: (url) => url === APP_URL,
    openExternal,
    logError: () => {},
  });
  return { services, policyPath, openExternal };
}

describe('app services', () => {
  it('answers app info and settings through the router', async () => {
    const { services } = await start(null);
    expect(await services.router.handle(APP_URL, 'app.getInfo', undefined)).toMatchObject({
      ok: true,
      value: { systemLocale: 'de-DE', runtime: 'shell', platform: 'linux' },
    });
    const updated = await services.router.handle(APP_URL, 'settings.update', { language: 'en' });
    expect(updated).toMatchObject({ ok: true, value: { settings: { language: 'en' }, locked: [] } });
  });

  it('locks settings that policy sets and refuses changes to them', async () => {
    const { services } = await start({ defaultCountry: 'CH' });
    expect(await services.router.handle(APP_URL, 'settings.get', undefined)).toMatchObject({
      ok: true,
      value: { settings: { defaultCountry: 'CH' }, locked: ['defaultCountry'] },
    });
    expect(await services.router.handle(APP_URL, 'settings.update', { defaultCountry: 'DE' })).toMatchObject({
      ok: false,
      error: { code: 'refused' },
    });
  });

  it('fails closed on an invalid policy, naming each bad key', async () => {
    const error = await start({ requireMfa: 'yes', provider: { issuer: 'http://x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidPolicyError);
    const keys = (error as InvalidPolicyError).problems.map((p) => p.key);
    expect(keys).toContain('requireMfa');
    expect(keys).toContain('provider.issuer');
  });

  it('opens only allowlisted external links', async () => {
    const { services, openExternal } = await start(null);
    expect(await services.router.handle(APP_URL, 'external.open', { url: 'https://status.example.eu/' })).toEqual({
      ok: true,
      value: undefined,
    });
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'http://example.com', 'smb://host/share']) {
      expect(await services.router.handle(APP_URL, 'external.open', { url })).toMatchObject({
        ok: false,
        error: { code: 'refused' },
      });
    }
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('applies a changed policy file without a restart', async () => {
    const { services, policyPath } = await start({ defaultCountry: 'CH' });
    const changed = new Promise((resolve) => {
      services.onEvent((event, payload) => {
        if (event === 'policy.changed') resolve(payload);
      });
    });
    await writeFile(policyPath, JSON.stringify({ defaultCountry: 'AT', requireMfa: false }));
    expect(await changed).toMatchObject({ defaultCountry: 'AT', requireMfa: false });
    expect(await services.router.handle(APP_URL, 'settings.get', undefined)).toMatchObject({
      value: { settings: { defaultCountry: 'AT' } },
    });
  });
});

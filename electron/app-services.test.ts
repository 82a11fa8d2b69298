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

let secrets = memorySecrets();
beforeEach(() => {
  secrets = memorySecrets();
});

/** The keychain is not under test here: an in-memory map stands in (the keychain has its own integration tests). */
function memorySecrets() {
  const items = new Map<string, string>();
  return {
    service: 'memory',
    get: async (key: string) => items.get(key) ?? null,
    set: async (key: string, value: string) => void items.set(key, value),
    delete: async (key: string) => items.delete(key),
    list: async () => [...items.keys()],
    clear: async () => items.clear(),
  };
}

async function start(policy: object | null, openExternal = vi.fn(async () => {}), now = () => Date.now()) {
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
    secrets,
    now,
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
    const error = await start({ requireMfa: 'yes', provider: { issuer: 'http://x' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidPolicyError);
    const keys = (error as InvalidPolicyError).problems.map((p) => p.key);
    expect(keys).toContain('requireMfa');
    expect(keys).toContain('provider.issuer');
  });

  it('opens only allowlisted external links', async () => {
    const { services, openExternal } = await start(null);
    expect(
      await services.router.handle(APP_URL, 'external.open', { url: 'https://status.example.eu/' }),
    ).toEqual({
      ok: true,
      value: undefined,
    });
    for (const url of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'http://example.com',
      'smb://host/share',
    ]) {
      expect(await services.router.handle(APP_URL, 'external.open', { url })).toMatchObject({
        ok: false,
        error: { code: 'refused' },
      });
    }
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('keeps the SIP password in main and gives the renderer an HA1 digest only', async () => {
    const { services } = await start(null);
    const account = {
      displayName: 'Alice',
      sipUri: 'sip:alice@example.eu',
      authorizationUser: 'alice',
      wssUrl: 'wss://sip.example.eu',
    };
    expect(
      await services.router.handle(APP_URL, 'sipAccount.save', {
        ...account,
        wssUrl: 'ws://sip.example.eu',
        password: 'pw',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', fields: ['wssUrl'] },
    });
    const saved = await services.router.handle(APP_URL, 'sipAccount.save', {
      ...account,
      password: 's3cret',
    });
    expect(JSON.stringify(saved)).not.toContain('s3cret');
    const registration = await services.router.handle(APP_URL, 'sipAccount.registration', undefined);
    // MD5("alice:example.eu:s3cret")
    expect(registration).toEqual({
      ok: true,
      value: { ...account, realm: 'example.eu', ha1: 'd7bfcc06b436945e73fd7c0a780c807a' },
    });
  });

  it('refuses manual SIP accounts when policy forbids them', async () => {
    const { services } = await start({ allowManualSipAccount: false });
    const input = {
      displayName: '',
      sipUri: 'sip:a@b.eu',
      authorizationUser: 'a',
      wssUrl: 'wss://b.eu',
      password: 'x',
    };
    expect(await services.router.handle(APP_URL, 'sipAccount.save', input)).toMatchObject({
      ok: false,
      error: { code: 'refused' },
    });
  });

  it('writes reported calls to the history and lists, searches and deletes them', async () => {
    const { services } = await start(null);
    const report = (event: object) => services.router.handle(APP_URL, 'call.report', event);
    await report({
      type: 'started',
      callId: 'a',
      at: 10,
      direction: 'outgoing',
      account: 'sip:me@x.eu',
      remoteUri: 'sip:+4989123456@x.eu',
      remoteName: 'Erika Mustermann',
    });
    await report({ type: 'ended', callId: 'a', at: 20, disposition: 'cancelled', cause: 'Canceled' });
    await report({
      type: 'started',
      callId: 'b',
      at: 30,
      direction: 'incoming',
      account: 'sip:me@x.eu',
      remoteUri: 'sip:200@x.eu',
      remoteName: null,
    });
    await report({ type: 'ended', callId: 'b', at: 40, disposition: 'missed', cause: 'Canceled' });
    expect(await report({ type: 'ended', callId: 'b', at: 'later' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });

    const all = await services.router.handle(APP_URL, 'history.list', {});
    expect(all).toMatchObject({
      ok: true,
      value: [
        { id: 'b', disposition: 'missed' },
        { id: 'a', disposition: 'cancelled' },
      ],
    });
    expect(await services.router.handle(APP_URL, 'history.list', { filter: 'missed' })).toMatchObject({
      value: [{ id: 'b' }],
    });
    expect(await services.router.handle(APP_URL, 'history.list', { search: 'muster' })).toMatchObject({
      value: [{ id: 'a' }],
    });
    expect(await services.router.handle(APP_URL, 'history.list', { search: '+49 89' })).toMatchObject({
      value: [{ id: 'a' }],
    });
    expect(await services.router.handle(APP_URL, 'history.delete', { id: 'a' })).toEqual({
      ok: true,
      value: true,
    });
    expect(await services.router.handle(APP_URL, 'history.deleteAll', undefined)).toEqual({
      ok: true,
      value: 1,
    });
  });

  it('purges history older than the retention period at start', async () => {
    const day = 24 * 60 * 60 * 1000;
    const first = await start(null, undefined, () => 100 * day);
    const report = (callId: string, at: number) =>
      first.services.router.handle(APP_URL, 'call.report', {
        type: 'started',
        callId,
        at,
        direction: 'incoming',
        account: 'sip:me@x.eu',
        remoteUri: 'sip:1@x.eu',
        remoteName: null,
      });
    await report('old', 10 * day);
    await report('recent', 99 * day);
    await first.services.dispose();
    services = null;
    const second = await start({ historyRetentionDays: 30 }, undefined, () => 100 * day);
    expect(await second.services.router.handle(APP_URL, 'history.list', {})).toMatchObject({
      ok: true,
      value: [{ id: 'recent' }],
    });
  });

  it('deletes all data by crypto-shredding and starts over, unless policy forbids it', async () => {
    const { services } = await start(null);
    await services.router.handle(APP_URL, 'settings.update', { theme: 'dark' });
    await services.router.handle(APP_URL, 'sipAccount.save', {
      displayName: '',
      sipUri: 'sip:a@b.eu',
      authorizationUser: 'a',
      wssUrl: 'wss://b.eu',
      password: 'x',
    });
    const oldKey = await secrets.get('database-key');
    expect(await services.router.handle(APP_URL, 'data.deleteAll', { confirm: false })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(await services.router.handle(APP_URL, 'data.deleteAll', { confirm: true })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await secrets.get('sip-account')).toBeNull();
    expect(await secrets.get('database-key')).not.toBe(oldKey);
    expect(await services.router.handle(APP_URL, 'settings.get', undefined)).toMatchObject({
      value: { settings: { theme: 'system' } },
    });
    expect(await services.router.handle(APP_URL, 'storage.status', undefined)).toEqual({
      ok: true,
      value: { state: 'ready' },
    });

    await services.dispose();
    const forbidden = await start({ allowDelete: false });
    expect(
      await forbidden.services.router.handle(APP_URL, 'data.deleteAll', { confirm: true }),
    ).toMatchObject({ ok: false, error: { code: 'refused' } });
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

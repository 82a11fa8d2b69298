import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppServices, type AppServices } from './app-services.js';
import { createMemorySecretStore } from '../testing/memory-secret-store.js';
import { filePolicySource, InvalidPolicyError } from './policy/source.js';
import { APP_URL, shellServiceDeps } from '../testing/app-services.js';

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

let secrets = createMemorySecretStore();
beforeEach(() => {
  secrets = createMemorySecretStore();
});

/** Records the notifications main was asked to show, and lets a test press their buttons. */
const shownNotifications = new Map<string, (action: 'answer' | 'decline' | 'show') => void>();
const notifier = {
  show: (notice: { callId: string }, onAction: (action: 'answer' | 'decline' | 'show') => void) =>
    void shownNotifications.set(notice.callId, onAction),
  dismiss: (callId: string) => void shownNotifications.delete(callId),
};
beforeEach(() => shownNotifications.clear());

async function start(policy: object | null, openExternal = vi.fn(async () => {}), now = () => Date.now()) {
  const policyPath = join(dir, 'policy.json');
  if (policy) await writeFile(policyPath, JSON.stringify(policy));
  services = await createAppServices({
    dataDir: join(dir, 'data'),
    policy: filePolicySource(policyPath),
    systemLocale: 'de-DE',
    ...shellServiceDeps,
    openExternal,
    secrets,
    now,
    logError: () => {},
    notifier,
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

  it('opens only https links to the hosts the policy allows', async () => {
    const { services, openExternal } = await start({ openExternalAllowList: ['status.example.eu'] });
    expect(
      await services.router.handle(APP_URL, 'external.open', { url: 'https://status.example.eu/' }),
    ).toEqual({
      ok: true,
      value: undefined,
    });
    for (const url of [
      'https://look-alike.example/',
      'mailto:it@example.eu',
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

  it('shows a ringing call as an OS notification and hands its buttons back to the renderer', async () => {
    const { services } = await start(null);
    const actions: unknown[] = [];
    services.onEvent((event, payload) => {
      if (event === 'call.notificationAction') actions.push(payload);
    });
    const notice = {
      callId: 'call-1',
      title: 'Anruf von Erika',
      body: 'sip:erika@example.eu',
      answerLabel: 'Annehmen',
      declineLabel: 'Ablehnen',
    };
    expect(await services.router.handle(APP_URL, 'call.notifyIncoming', notice)).toEqual({
      ok: true,
      value: undefined,
    });
    shownNotifications.get('call-1')?.('answer');
    expect(actions).toEqual([{ callId: 'call-1', action: 'answer' }]);
    await services.router.handle(APP_URL, 'call.dismissNotification', { callId: 'call-1' });
    expect(shownNotifications.has('call-1')).toBe(false);
    // The notice is validated like every IPC input: no unknown keys, no empty button labels.
    expect(
      await services.router.handle(APP_URL, 'call.notifyIncoming', { ...notice, answerLabel: '' }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('tells the renderer when the computer resumed from sleep', async () => {
    const { services } = await start(null);
    const events: string[] = [];
    services.onEvent((event) => events.push(event));
    services.systemResumed();
    expect(events).toEqual(['system.resumed']);
  });
});

describe('contacts', () => {
  const vcard = [
    'BEGIN:VCARD',
    'VERSION:4.0',
    'FN:Erika Mustermann',
    'ORG:Beispiel GmbH',
    'TEL;TYPE=cell:0170 1234567',
    'EMAIL:erika@example.de',
    'END:VCARD',
    'BEGIN:VCARD',
    'VERSION:3.0',
    'FN:Ohne Nummer',
    'END:VCARD',
  ].join('\r\n');

  it('creates, edits, favours, searches and deletes contacts, and says when they changed', async () => {
    const { services } = await start(null);
    const events: string[] = [];
    services.onEvent((event) => events.push(event));
    const call = (channel: string, input: unknown) => services.router.handle(APP_URL, channel, input);

    const created = await call('contacts.create', {
      name: '  Hans Meier ',
      numbers: [{ label: 'work', number: '+49 89 123456' }],
    });
    expect(created).toMatchObject({
      ok: true,
      value: { name: 'Hans Meier', organisation: null, favourite: false },
    });
    expect(events).toEqual(['contacts.changed', 'history.changed']);
    const id = (created as { value: { id: string } }).value.id;

    expect(await call('contacts.create', { name: '', numbers: [] })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', fields: ['name', 'numbers'] },
    });
    expect(
      await call('contacts.create', { name: 'X', numbers: [{ label: 'work', number: '1' }], extra: 1 }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    expect(
      await call('contacts.update', {
        id,
        name: 'Hans Meier',
        organisation: 'Meier AG',
        numbers: [{ label: 'mobile', number: '0171 555' }],
      }),
    ).toMatchObject({ ok: true, value: { organisation: 'Meier AG', numbers: [{ number: '0171 555' }] } });
    expect(
      await call('contacts.update', { id: 'gone', name: 'X', numbers: [{ label: 'work', number: '1' }] }),
    ).toEqual({
      ok: true,
      value: null,
    });
    expect(await call('contacts.setFavourite', { id, favourite: true })).toMatchObject({
      value: { favourite: true },
    });
    expect(await call('contacts.list', { search: 'meier ag', favouritesOnly: true })).toMatchObject({
      value: [{ id }],
    });
    expect(await call('contacts.list', { search: '0171' })).toMatchObject({ value: [{ id }] });
    expect(await call('contacts.get', { id })).toMatchObject({ value: { id, name: 'Hans Meier' } });
    expect(await call('contacts.lookup', { uri: 'sip:0171555@x.eu' })).toEqual({
      ok: true,
      value: 'Hans Meier',
    });
    expect(await call('contacts.delete', { id })).toEqual({ ok: true, value: true });
    expect(await call('contacts.list', {})).toEqual({ ok: true, value: [] });
    expect(await call('contacts.lookup', { uri: 'sip:0171555@x.eu' })).toEqual({ ok: true, value: null });
  });

  it('imports a file, reports what it skipped, refuses bad files and names callers in the history', async () => {
    const { services } = await start(null);
    const call = (channel: string, input: unknown) => services.router.handle(APP_URL, channel, input);
    await call('call.report', {
      type: 'started',
      callId: 'in-1',
      at: 10,
      direction: 'incoming',
      account: 'sip:me@x.eu',
      remoteUri: 'sip:+491701234567@x.eu',
      remoteName: 'Caller-supplied name',
    });
    expect(await call('history.list', {})).toMatchObject({ value: [{ remoteName: 'Caller-supplied name' }] });

    expect(await call('contacts.import', { format: 'vcard', text: vcard })).toEqual({
      ok: true,
      value: { status: 'imported', imported: 1, skipped: 1, problems: [{ entry: 2, reason: 'no-number' }] },
    });
    // Importing the same file again adds nothing.
    expect(await call('contacts.import', { format: 'vcard', text: vcard })).toMatchObject({
      value: { status: 'imported', imported: 0, skipped: 2 },
    });
    expect(await call('history.list', {})).toMatchObject({ value: [{ remoteName: 'Erika Mustermann' }] });
    expect(await call('history.list', { search: '4917012' })).toMatchObject({
      value: [{ remoteName: 'Erika Mustermann' }],
    });
    expect(await call('contacts.lookup', { uri: 'sip:01701234567@pbx' })).toEqual({
      ok: true,
      value: 'Erika Mustermann',
    });

    expect(
      await call('contacts.import', {
        format: 'csv',
        text: 'Vorname;Nachname;Mobiltelefon\nMax;Muster;0171 1\n',
      }),
    ).toMatchObject({ value: { status: 'imported', imported: 1, skipped: 0 } });
    expect(await call('contacts.import', { format: 'vcard', text: 'hello' })).toEqual({
      ok: true,
      value: { status: 'refused', reason: 'not-vcard' },
    });
    expect(await call('contacts.import', { format: 'csv', text: '\u0000\u0001\u0002' })).toEqual({
      ok: true,
      value: { status: 'refused', reason: 'binary' },
    });
    expect(
      await call('contacts.import', { format: 'vcard', text: 'x'.repeat(5 * 1024 * 1024 + 1) }),
    ).toMatchObject({ ok: false, error: { code: 'invalid-input', fields: ['text'] } });
    expect(await call('contacts.import', { format: 'xls', text: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input', fields: ['format'] },
    });
    expect(await call('contacts.list', {})).toMatchObject({
      value: [{ name: 'Erika Mustermann' }, { name: 'Max Muster' }],
    });
  });

  it('reads national numbers for caller ID with the default country from settings', async () => {
    const { services } = await start(null);
    const call = (channel: string, input: unknown) => services.router.handle(APP_URL, channel, input);
    await call('contacts.create', { name: 'Büro Wien', numbers: [{ label: 'work', number: '01 5123456' }] });
    expect(await call('contacts.lookup', { uri: 'sip:+4315123456@x' })).toEqual({ ok: true, value: null });
    await call('settings.update', { defaultCountry: 'AT' });
    expect(await call('contacts.lookup', { uri: 'sip:+4315123456@x' })).toEqual({
      ok: true,
      value: 'Büro Wien',
    });
  });

  it('are gone after "delete all my data", and the renderer is told', async () => {
    const { services } = await start(null);
    const call = (channel: string, input: unknown) => services.router.handle(APP_URL, channel, input);
    await call('contacts.import', { format: 'vcard', text: vcard });
    const events: string[] = [];
    services.onEvent((event) => events.push(event));
    expect(await call('data.deleteAll', { confirm: true })).toEqual({ ok: true, value: undefined });
    expect(events).toContain('contacts.changed');
    expect(await call('contacts.list', {})).toEqual({ ok: true, value: [] });
    expect(await call('contacts.lookup', { uri: 'sip:01701234567@pbx' })).toEqual({ ok: true, value: null });
  });

  it('refuses contacts and caller names while the database is not open', async () => {
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'data', 'softphone.db'), Buffer.from('SQLite format 3\0'.padEnd(4096, '\0')));
    const { services } = await start(null);
    const call = (channel: string, input: unknown) => services.router.handle(APP_URL, channel, input);
    expect(await call('contacts.list', {})).toMatchObject({ ok: false, error: { code: 'not-available' } });
    expect(await call('contacts.import', { format: 'vcard', text: vcard })).toMatchObject({
      ok: false,
      error: { code: 'not-available' },
    });
    expect(await call('contacts.lookup', { uri: 'sip:+491701234567@x.eu' })).toMatchObject({
      ok: false,
      error: { code: 'not-available' },
    });
  });
});

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { IDLE_AUDIT_SYNC } from '../../shared/audit/sync-state.js';
import {
  answersWhileLocked,
  channelNames,
  channels,
  requiredRoleOf,
  type ChannelName,
  type UserRole,
} from '../../shared/ipc/contract.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import { defaultSettings } from '../../shared/settings/settings.js';
import { resolvePolicy } from '../../shared/policy/schema.js';
import { createIpcRouter, type ChannelHandlers } from './router.js';

const APP_URL = 'app://softphone/index.html';

/** Valid outputs per channel, so that a handler reached by mistake would be noticed by the spy. */
function spyHandlers() {
  const outputs: { [C in ChannelName]: unknown } = {
    'app.getInfo': { name: 'n', version: '1', platform: 'linux', systemLocale: 'de-DE', runtime: 'shell' },
    'settings.get': { settings: defaultSettings, locked: [] },
    'settings.update': { settings: defaultSettings, locked: [] },
    'policy.get': resolvePolicy({}),
    'policy.warnings': { issuer: null, warnings: [] },
    'external.open': undefined,
    'signIn.start': { status: 'in-progress', method: 'google' },
    'signIn.cancel': { status: 'signed-out' },
    'signIn.state': { status: 'signed-out' },
    'signIn.signOut': { status: 'signed-out' },
    'signIn.clockSkew': { seconds: null },
    'session.lockState': { locked: false, reauthRequired: false },
    'session.activity': undefined,
    'session.lock': { locked: true, reauthRequired: false },
    'session.unlock': { locked: false, reauthRequired: false },
    'session.cancelUnlock': { locked: true, reauthRequired: false },
    'updates.status': { state: 'unavailable' },
    'updates.check': { state: 'unavailable' },
    'updates.install': false,
    'sipAccount.get': { account: null, source: null, manualAllowed: true },
    'sipAccount.save': { account: null, source: null, manualAllowed: true },
    'sipAccount.remove': { account: null, source: null, manualAllowed: true },
    'sipAccount.setPassword': { account: null, source: null, manualAllowed: true },
    'sipAccount.registration': null,
    'tls.probe': { outcome: 'ok' },
    'call.report': undefined,
    'call.notifyIncoming': undefined,
    'call.dismissNotification': undefined,
    'phone.registrationChanged': undefined,
    'dialLinks.state': { handled: 'unavailable', confirmInSystemSettings: false },
    'dialLinks.register': { handled: 'unavailable', confirmInSystemSettings: false },
    'audit.report': undefined,
    'audit.list': [],
    'network.online': undefined,
    'audit.verify': { ok: true, count: 0, lastSequence: 0 },
    'audit.syncStatus': IDLE_AUDIT_SYNC,
    'audit.syncNow': IDLE_AUDIT_SYNC,
    'storage.status': { state: 'ready' },
    'storage.retry': { state: 'ready' },
    'storage.exportDiagnostics': { fileName: 'd.json', text: '{}' },
    'storage.startOver': { status: { state: 'ready' }, keptAs: 'softphone.db.unreadable-x' },
    'history.list': [],
    'history.delete': true,
    'history.deleteAll': 0,
    'data.deleteAll': undefined,
    'data.export': { status: 'cancelled' },
    'history.missedCount': 0,
    'history.markSeen': undefined,
    'contacts.list': [],
    'contacts.get': null,
    'contacts.create': {
      id: 'c',
      name: 'n',
      organisation: null,
      email: null,
      note: null,
      favourite: false,
      numbers: [],
      updatedAt: 0,
    },
    'contacts.update': null,
    'contacts.delete': false,
    'contacts.setFavourite': null,
    'task.cancel': undefined,
    'contacts.import': { status: 'refused', reason: 'empty' },
    'contacts.lookup': null,
    'providerStatus.get': { status: null },
    'providerStatus.registrationFailed': undefined,
    'providerStatus.openPage': undefined,
    'proxySignIn.state': { asking: null, needed: [], saved: [] },
    'proxySignIn.answer': { asking: null, needed: [], saved: [] },
    'proxySignIn.cancel': { asking: null, needed: [], saved: [] },
    'proxySignIn.ask': { asking: null, needed: [], saved: [] },
    'proxySignIn.forget': { asking: null, needed: [], saved: [] },
    'security.overview': {
      connection: { server: null, outcome: null, protocol: null, issuer: null, pinned: false, extraCas: 0 },
      lastCall: null,
      database: { state: 'ready' },
      keychain: { backend: 'secret-service', usable: true },
      policy: { location: '/etc/secure-softphone/policy.json', keys: [] },
      audit: IDLE_AUDIT_SYNC,
      auditReceiver: null,
      lock: { idleLockMinutes: 15, sessionMaxAgeHours: 12 },
      retention: { historyRetentionDays: null, auditRetentionDays: 90 },
    },
  };
  const spies = Object.fromEntries(
    channelNames.map((name) => [name, vi.fn(() => outputs[name])]),
  ) as unknown as {
    [C in ChannelName]: ReturnType<typeof vi.fn>;
  };
  return { spies, handlers: spies as unknown as ChannelHandlers };
}

/** A router for a signed-in administrator, unless other roles are given ([] is signed out); unlocked by default. */
function makeRouter(roles: readonly UserRole[] = ['admin'], locked: () => boolean = () => false) {
  const { spies, handlers } = spyHandlers();
  const router = createIpcRouter(handlers, {
    isTrustedSender: (url) => url.startsWith('app://softphone/'),
    roles: () => roles,
    locked,
  });
  return { spies, router };
}

/** Valid input for every admin-only channel, so that only the role can stop it. */
const adminInputs: Partial<Record<ChannelName, unknown>> = {
  'audit.list': { limit: 10 },
  'audit.verify': undefined,
  'audit.syncStatus': undefined,
  'audit.syncNow': undefined,
};

/** Hand-picked malformed inputs; fast-check adds thousands more below. */
const malformed: unknown[] = [
  null,
  0,
  'x',
  [],
  {},
  { url: 1 },
  { theme: 'neon' },
  { language: 'fr' },
  { extra: true },
  { __proto__: { a: 1 } },
];

describe('IPC router', () => {
  it.each(channelNames)('rejects malformed input on %s before the service runs', async (channel) => {
    const { spies, router } = makeRouter();
    for (const input of malformed) {
      if (channels[channel].input.safeParse(input).success) continue;
      const result = await router.handle(APP_URL, channel, input);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    expect(spies[channel]).not.toHaveBeenCalled();
  });

  it('rejects random malformed payloads on every channel without reaching a service', async () => {
    const { spies, router } = makeRouter();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...channelNames),
        fc.anything({ withObjectString: true, withNullPrototype: true }),
        async (channel, input) => {
          fc.pre(!channels[channel].input.safeParse(input).success);
          const result = await router.handle(APP_URL, channel, input);
          return !result.ok && result.error.code === 'invalid-input';
        },
      ),
      { numRuns: 3000 },
    );
    for (const channel of channelNames) expect(spies[channel]).not.toHaveBeenCalled();
  });

  it('never throws, whatever the sender, channel and payload', async () => {
    const { router } = makeRouter();
    await fc.assert(
      fc.asyncProperty(
        fc.anything(),
        fc.oneof(fc.string(), fc.constantFrom(...channelNames), fc.anything()),
        fc.anything(),
        async (sender, channel, input) => {
          const result = await router.handle(sender, channel, input);
          return typeof result.ok === 'boolean';
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('rejects unknown channels, including prototype keys', async () => {
    const { router } = makeRouter();
    for (const channel of ['nope', 'toString', '__proto__', 'constructor', 'settings.get ', '', 42, null]) {
      expect(await router.handle(APP_URL, channel, undefined)).toMatchObject({
        ok: false,
        error: { code: 'unknown-channel' },
      });
    }
  });

  it('rejects senders outside the app origin', async () => {
    const { spies, router } = makeRouter();
    for (const sender of ['https://evil.example/', 'file:///etc/passwd', 'app://other/', '', undefined]) {
      expect(await router.handle(sender, 'settings.get', undefined)).toMatchObject({
        ok: false,
        error: { code: 'forbidden-sender' },
      });
    }
    expect(spies['settings.get']).not.toHaveBeenCalled();
  });

  it('passes valid input to the service and returns its output', async () => {
    const { spies, router } = makeRouter();
    const result = await router.handle(APP_URL, 'settings.update', { theme: 'dark' });
    expect(result).toEqual({ ok: true, value: { settings: defaultSettings, locked: [] } });
    expect(spies['settings.update']).toHaveBeenCalledWith({ theme: 'dark' });
  });

  it('turns service refusals into typed errors and hides unexpected failures', async () => {
    const { handlers } = spyHandlers();
    const onInternalError = vi.fn();
    const router = createIpcRouter(
      {
        ...handlers,
        'external.open': () => {
          throw new ServiceError('refused', 'not allowed');
        },
        'settings.get': () => {
          throw new Error('disk on fire /home/alice');
        },
        'app.getInfo': () => ({ name: 1 }) as never,
      },
      { isTrustedSender: () => true, roles: () => ['admin'], locked: () => false, onInternalError },
    );
    expect(await router.handle(APP_URL, 'external.open', { url: 'https://x.example' })).toEqual({
      ok: false,
      error: { code: 'refused', message: 'not allowed' },
    });
    const internal = await router.handle(APP_URL, 'settings.get', undefined);
    expect(internal).toEqual({ ok: false, error: { code: 'internal', message: 'settings.get failed' } });
    expect(await router.handle(APP_URL, 'app.getInfo', undefined)).toMatchObject({
      ok: false,
      error: { code: 'invalid-output' },
    });
    expect(onInternalError).toHaveBeenCalledTimes(2);
  });

  describe('admin-only channels', () => {
    const adminOnly = channelNames.filter((channel) => requiredRoleOf(channel) === 'admin');

    it('are the audit screen’s channels, declared in the contract', () => {
      expect(adminOnly.sort()).toEqual(['audit.list', 'audit.syncNow', 'audit.syncStatus', 'audit.verify']);
      // Everyone's screens need these: they stay open to every role.
      for (const open of ['policy.get', 'audit.report', 'network.online', 'data.export'] as const)
        expect(requiredRoleOf(open)).toBeNull();
    });

    it.each([
      ['a signed-in user without the admin role', ['user']],
      ['a signed-out app', []],
    ] as const)('refuse %s with a typed error before the service runs', async (_who, roles) => {
      const { spies, router } = makeRouter(roles);
      for (const channel of adminOnly) {
        expect(channel in adminInputs).toBe(true);
        expect(await router.handle(APP_URL, channel, adminInputs[channel])).toEqual({
          ok: false,
          error: { code: 'admin-required', message: `${channel} needs the admin role` },
        });
        // Malformed input gets the same answer: nothing about the channel is revealed.
        expect(await router.handle(APP_URL, channel, { junk: true })).toMatchObject({
          ok: false,
          error: { code: 'admin-required' },
        });
        expect(spies[channel]).not.toHaveBeenCalled();
      }
    });

    it('answer an administrator', async () => {
      const { spies, router } = makeRouter(['user', 'admin']);
      for (const channel of adminOnly) {
        const result = await router.handle(APP_URL, channel, adminInputs[channel]);
        expect(result).toMatchObject({ ok: true });
        expect(spies[channel]).toHaveBeenCalledTimes(1);
      }
    });

    it('ask for the roles on every call, so that signing out closes them at once', async () => {
      let roles: UserRole[] = ['admin'];
      const { handlers } = spyHandlers();
      const router = createIpcRouter(handlers, {
        isTrustedSender: () => true,
        roles: () => roles,
        locked: () => false,
      });
      expect(await router.handle(APP_URL, 'audit.verify', undefined)).toMatchObject({ ok: true });
      roles = [];
      expect(await router.handle(APP_URL, 'audit.verify', undefined)).toMatchObject({
        ok: false,
        error: { code: 'admin-required' },
      });
    });

    it('leave the other channels open to a signed-out app', async () => {
      const { spies, router } = makeRouter([]);
      expect(await router.handle(APP_URL, 'settings.get', undefined)).toMatchObject({ ok: true });
      expect(await router.handle(APP_URL, 'policy.get', undefined)).toMatchObject({ ok: true });
      expect(spies['settings.get']).toHaveBeenCalledTimes(1);
    });
  });

  it('returns a failure, never a rejection, when a schema throws while parsing', async () => {
    const onInternalError = vi.fn();
    const { handlers } = spyHandlers();
    const router = createIpcRouter(handlers, {
      isTrustedSender: () => true,
      roles: () => ['admin'],
      locked: () => false,
      onInternalError,
    });
    // A getter that throws when zod reads the field: the parse itself throws.
    const hostile = Object.defineProperty({}, 'theme', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(await router.handle(APP_URL, 'settings.update', hostile)).toEqual({
      ok: false,
      error: { code: 'internal', message: 'settings.update failed' },
    });
    expect(onInternalError).toHaveBeenCalledTimes(1);
  });

  describe('while the session is locked', () => {
    const answering = channelNames.filter(answersWhileLocked);

    it('answers only the lock screen, a ringing call and the network signal', () => {
      expect(answering.sort()).toEqual([
        'call.dismissNotification',
        'call.notifyIncoming',
        'call.report',
        'network.online',
        'phone.registrationChanged',
        'providerStatus.get',
        'providerStatus.registrationFailed',
        'session.activity',
        'session.cancelUnlock',
        'session.lock',
        'session.lockState',
        'session.unlock',
      ]);
    });

    it('refuses every other channel with `locked` before its input is read, admin ones included', async () => {
      const { spies, router } = makeRouter(['admin'], () => true);
      for (const channel of channelNames.filter((name) => !answersWhileLocked(name))) {
        for (const input of [undefined, { junk: true }])
          expect(await router.handle(APP_URL, channel, input)).toEqual({
            ok: false,
            error: { code: 'locked', message: `${channel} is not available while locked` },
          });
        expect(spies[channel]).not.toHaveBeenCalled();
      }
    });

    it('serves the channels it answers, and asks for the lock on every call', async () => {
      let locked = true;
      const { spies, router } = makeRouter(['user'], () => locked);
      expect(await router.handle(APP_URL, 'session.unlock', undefined)).toMatchObject({ ok: true });
      expect(await router.handle(APP_URL, 'contacts.lookup', { uri: 'sip:a@b' })).toMatchObject({
        error: { code: 'locked' },
      });
      locked = false;
      expect(await router.handle(APP_URL, 'contacts.lookup', { uri: 'sip:a@b' })).toMatchObject({ ok: true });
      expect(spies['session.unlock']).toHaveBeenCalledTimes(1);
      expect(spies['contacts.lookup']).toHaveBeenCalledTimes(1);
    });
  });
});

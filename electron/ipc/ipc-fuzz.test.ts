import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { START_OVER_CONFIRMATION } from '../../shared/domain/history.js';
import {
  answersWhileLocked,
  channelNames,
  channels,
  type ChannelInput,
  type ChannelName,
  type UserRole,
} from '../../shared/ipc/contract.js';
import type { IpcResult } from '../../shared/ipc/errors.js';
import { reportSecurityFigures } from '../../testing/security-figures.js';
import {
  APP_URL,
  fakeClock,
  keychainWithSession,
  offlineSignIn,
  shellServiceDeps,
  TEST_PROVIDER,
} from '../../testing/app-services.js';
import { createMemorySecretStore } from '../../testing/memory-secret-store.js';
import { createAppServices, type AppServices } from '../app-services.js';
import { filePolicySource } from '../policy/source.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { digestHa1 } from '../sip/sip-account-service.js';

/**
 * A seeded fuzz of the IPC surface through the real services (router, units, SQLCipher, keychain in
 * memory): every channel with random and hostile payloads (huge strings, deep nesting, prototype keys,
 * wrong types), unknown channels and foreign senders, signed out, signed in, locked and as an
 * administrator. Counted: a crash (a rejection, an `internal` answer, services that stop answering), a
 * leak (a secret in any answer, the input echoed in an error), unvalidated input (a payload the contract
 * refuses that got through). The figures are printed for the closing note.
 */

const SEED = Number(process.env.IPC_FUZZ_SEED ?? 20261219);
const PAYLOADS_PER_STATE = Number(process.env.IPC_FUZZ_PAYLOADS ?? 1500);
const TIME_BUDGET_MS = 25_000;
const MARK = 'FUZZ\u00b7';
const START = Date.parse('2026-03-02T08:00:00Z');

/** One valid input per channel (the type demands one for a new channel), mutated by the fuzz. */
const validInputs = {
  'app.getInfo': undefined,
  'settings.get': undefined,
  'settings.update': { theme: 'dark' },
  'policy.get': undefined,
  'policy.warnings': undefined,
  'external.open': { url: 'https://www.example.eu/help' },
  'signIn.start': { method: 'google' },
  'signIn.cancel': undefined,
  'signIn.state': undefined,
  'signIn.signOut': undefined,
  'signIn.clockSkew': undefined,
  'session.lockState': undefined,
  'session.activity': undefined,
  'session.lock': undefined,
  'session.unlock': undefined,
  'session.cancelUnlock': undefined,
  'updates.status': undefined,
  'updates.check': undefined,
  'updates.install': undefined,
  'sipAccount.get': undefined,
  'sipAccount.save': {
    displayName: 'Erika',
    sipUri: 'sip:erika@example.eu',
    authorizationUser: 'erika',
    password: 'sip-password-of-erika',
    wssUrl: 'wss://sip.example.eu',
  },
  'sipAccount.remove': undefined,
  'sipAccount.registration': undefined,
  'sipAccount.setPassword': { password: 'sip-secret' },
  'tls.probe': { url: 'wss://sip.example.eu/ws' },
  'call.report': { type: 'sasCompared', callId: 'c1', at: START, matched: true },
  'call.notifyIncoming': {
    callId: 'c1',
    title: 'Incoming call',
    body: '',
    answerLabel: 'Answer',
    declineLabel: 'Decline',
  },
  'call.dismissNotification': { callId: 'c1' },
  'audit.report': { type: 'call.sasMismatchReported', details: { callId: 'c1' } },
  'audit.list': { limit: 10 },
  'audit.verify': undefined,
  'audit.syncStatus': undefined,
  'network.online': undefined,
  'audit.syncNow': undefined,
  'storage.status': undefined,
  'storage.retry': undefined,
  'storage.exportDiagnostics': undefined,
  'storage.startOver': { confirm: START_OVER_CONFIRMATION },
  'history.list': { filter: 'all' },
  'history.delete': { id: 'h1' },
  'history.deleteAll': undefined,
  'history.missedCount': undefined,
  'history.markSeen': undefined,
  'contacts.list': {},
  'contacts.get': { id: 'x' },
  'contacts.create': { name: 'Ada', numbers: [{ label: 'work', number: '+49 30 1234567' }] },
  'contacts.update': { id: 'x', name: 'Ada', numbers: [{ label: 'work', number: '+49 30 1234567' }] },
  'contacts.delete': { id: 'x' },
  'contacts.setFavourite': { id: 'x', favourite: true },
  'contacts.import': { format: 'csv', text: 'Name,Phone\nAda,+49 30 1234567\n' },
  'task.cancel': { task: 'contacts-import' },
  'contacts.lookup': { uri: 'sip:+49301234567@example.eu' },
  'data.deleteAll': { confirm: true },
  'data.export': { title: 'Export', buttonLabel: 'Choose' },
  'phone.registrationChanged': { state: 'registered' },
  'dialLinks.state': undefined,
  'dialLinks.register': undefined,
  'providerStatus.get': undefined,
  'providerStatus.registrationFailed': undefined,
  'providerStatus.openPage': undefined,
  'proxySignIn.state': undefined,
  'proxySignIn.answer': { proxy: 'proxy.example.eu:3128', username: 'erika', password: 'proxy-secret' },
  'proxySignIn.cancel': { proxy: 'proxy.example.eu:3128' },
  'proxySignIn.ask': { proxy: 'proxy.example.eu:3128' },
  'proxySignIn.forget': { proxy: 'proxy.example.eu:3128' },
  'security.overview': undefined,
} satisfies { [C in ChannelName]: ChannelInput<C> };

/** Channels whose valid input would change the state under test (sign-out, lock, shredding, ...). */
const changesState = new Set<ChannelName>([
  'signIn.start',
  'signIn.signOut',
  'signIn.cancel',
  'session.lock',
  'session.unlock',
  'session.cancelUnlock',
  'sipAccount.remove',
  'sipAccount.setPassword',
  'storage.startOver',
  'storage.retry',
  'data.deleteAll',
]);

/** Hostile values: what a compromised renderer can send through the bridge. */
function hostile(): fc.Arbitrary<unknown> {
  const marked = fc.string({ maxLength: 40 }).map((text) => `${MARK}${text}`);
  const huge = fc.integer({ min: 1, max: 4 }).map((megabytes) => MARK.repeat(megabytes * 200_000));
  const deep = fc.integer({ min: 100, max: 20_000 }).map((depth) => {
    let value: unknown = MARK;
    for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
    return value;
  });
  const prototypeKeys = fc
    .constantFrom(
      '{"__proto__":{"admin":true,"locked":false}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"__proto__":null,"toString":1,"valueOf":"x"}',
      '{"method":"google","__proto__":{"email":"a@b.c"}}',
    )
    .map((json) => JSON.parse(json) as unknown);
  return fc.oneof(
    fc.anything({ withObjectString: true, withNullPrototype: true, withBigInt: true, maxDepth: 4 }),
    marked,
    huge,
    deep,
    prototypeKeys,
    fc.constantFrom(NaN, Infinity, -0, Number.MAX_SAFE_INTEGER + 2, '', null, [], {}, true),
  );
}

/** A payload for a channel: its valid input mutated (a field hostile, dropped or added), or hostile outright. */
function payloadFor(channel: ChannelName): fc.Arbitrary<unknown> {
  const valid: unknown = validInputs[channel];
  const base = typeof valid === 'object' && valid !== null ? (valid as Record<string, unknown>) : null;
  const mutated = base
    ? fc
        .tuple(fc.constantFrom(...Object.keys(base), `${MARK}extra`, '__proto__'), hostile(), fc.boolean())
        .map(([key, value, drop]) => {
          const copy: Record<string, unknown> = { ...base };
          if (drop && key in copy) delete copy[key];
          else
            Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
          return copy;
        })
    : hostile();
  return fc.oneof(
    { weight: 3, arbitrary: mutated },
    { weight: 3, arbitrary: hostile() },
    { weight: 1, arbitrary: fc.constant(valid) },
  );
}

interface Figures {
  payloads: number;
  crashes: number;
  leaks: number;
  unvalidated: number;
  refusedWhileLocked: Set<string>;
  problems: string[];
}
const figures: Figures = {
  payloads: 0,
  crashes: 0,
  leaks: 0,
  unvalidated: 0,
  refusedWhileLocked: new Set(),
  problems: [],
};

let dir: string;
let services: AppServices | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ipc-fuzz-'));
});
afterEach(async () => {
  await services?.dispose();
  services = null;
  await rm(dir, { recursive: true, force: true });
});

async function start(roles: readonly UserRole[] | null): Promise<{ app: AppServices; secrets: SecretStore }> {
  const clock = fakeClock(START);
  const policyPath = join(dir, 'policy.json');
  await writeFile(policyPath, JSON.stringify({ provider: TEST_PROVIDER, allowManualSipAccount: true }));
  const secrets = roles ? await keychainWithSession({ roles, authTime: START }) : createMemorySecretStore();
  services = await createAppServices({
    dataDir: join(dir, 'data'),
    policy: filePolicySource(policyPath),
    systemLocale: 'de-DE',
    ...shellServiceDeps,
    openExternal: async () => {},
    secrets,
    now: clock.now,
    lockTimers: clock.timers,
    ...offlineSignIn,
    logError: () => {},
    notifier: { show: () => {}, dismiss: () => {} },
  });
  return { app: services, secrets };
}

/** What must never leave main: every keychain value's secrets, the SIP password and its HA1. */
async function secretsOf(secrets: SecretStore): Promise<string[]> {
  const values: string[] = [];
  for (const key of await secrets.list()) {
    const value = (await secrets.get(key)) ?? '';
    if (/^[0-9a-f]{64}$/.test(value)) values.push(value);
    for (const match of value.matchAll(/"(refreshToken|password)":"([^"]+)"/g)) values.push(match[2]!);
  }
  return values;
}

async function fuzzState(state: string, roles: readonly UserRole[] | null, locked: boolean) {
  const { app, secrets } = await start(roles);
  const invoke = (channel: unknown, input: unknown, sender: unknown = APP_URL) =>
    app.router.handle(sender, channel, input);
  // Personal data and secrets to find: a contact and a manual account (password, HA1).
  await invoke('contacts.create', validInputs['contacts.create']);
  await invoke('sipAccount.save', validInputs['sipAccount.save']);
  const ha1 = digestHa1('erika', 'example.eu', validInputs['sipAccount.save'].password);
  if (locked)
    expect(await invoke('session.lock', undefined)).toMatchObject({ ok: true, value: { locked: true } });
  const secretValues = [...(await secretsOf(secrets)), ha1];

  const random = fc.sample(
    fc.record({
      channel: fc.oneof(
        { weight: 12, arbitrary: fc.constantFrom(...channelNames) },
        {
          weight: 1,
          arbitrary: fc.oneof(
            fc.string(),
            fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
            fc.anything(),
          ),
        },
      ),
      sender: fc.oneof(
        { weight: 12, arbitrary: fc.constant(APP_URL) },
        {
          weight: 1,
          arbitrary: fc.oneof(
            fc.webUrl(),
            fc.constantFrom('app://softphone.evil/x', 'file:///etc/passwd', ''),
            fc.anything(),
          ),
        },
      ),
      seed: fc.integer(),
    }),
    { seed: SEED + state.length, numRuns: PAYLOADS_PER_STATE },
  );
  const started = Date.now();
  for (const { channel, sender, seed } of random) {
    if (Date.now() - started > TIME_BUDGET_MS / 4) break;
    const known = typeof channel === 'string' && (channelNames as readonly string[]).includes(channel);
    const input = known ? fc.sample(payloadFor(channel as ChannelName), { seed, numRuns: 1 })[0] : seed;
    const accepted = known && channels[channel as ChannelName].input.safeParse(input).success;
    if (known && accepted && changesState.has(channel as ChannelName)) continue;
    figures.payloads += 1;
    let result: IpcResult<unknown>;
    try {
      result = await invoke(channel, input, sender);
    } catch (error) {
      figures.crashes += 1;
      figures.problems.push(`${state} ${String(channel)}: rejected ${String(error)}`);
      continue;
    }
    const where = `${state} ${String(channel).slice(0, 40)}`;
    if (!result.ok && result.error.code === 'internal') {
      figures.crashes += 1;
      figures.problems.push(`${where}: internal`);
    }
    if (locked && known && !result.ok && result.error.code === 'locked')
      figures.refusedWhileLocked.add(String(channel));
    const text = JSON.stringify(result);
    const legitimateHa1 = channel === 'sipAccount.registration' && result.ok;
    const secret = secretValues.find((value) => text.includes(value) && !(legitimateHa1 && value === ha1));
    if (secret || (!result.ok && result.error.message.includes(MARK))) {
      figures.leaks += 1;
      figures.problems.push(`${where}: leak`);
    }
    if (known && !accepted && result.ok) {
      figures.unvalidated += 1;
      figures.problems.push(`${where}: unvalidated input answered`);
    }
  }
  // Still answering, and still in the state under test.
  expect(await invoke('app.getInfo', undefined)).toMatchObject(
    locked ? { ok: false, error: { code: 'locked' } } : { ok: true },
  );
  expect(await invoke('session.lockState', undefined)).toMatchObject({ ok: true, value: { locked } });
}

describe('IPC fuzz over every channel, through the real services', () => {
  afterAll(() => {
    reportSecurityFigures([
      `IPC fuzz (seed ${SEED}): ${figures.payloads} payloads tried / ${figures.crashes} crashes / ` +
        `${figures.leaks} leaks / ${figures.unvalidated} unvalidated`,
      `IPC refused while locked: ${figures.refusedWhileLocked.size} of ${channelNames.length} channels ` +
        `(${[...figures.refusedWhileLocked].sort().join(', ')})`,
    ]);
  });

  it.each([
    ['signed out', null, false],
    ['signed in', ['user'], false],
    ['locked', ['user'], true],
    ['admin', ['user', 'admin'], false],
  ] as const)(
    '%s: no crash, no leak, nothing unvalidated',
    async (state, roles, locked) => {
      await fuzzState(state, roles, locked);
      expect(figures.problems.filter((problem) => problem.startsWith(state))).toEqual([]);
    },
    60_000,
  );

  it('while locked, every channel the contract does not let through was refused', () => {
    const expected = channelNames.filter((channel) => !answersWhileLocked(channel));
    expect([...figures.refusedWhileLocked].sort()).toEqual(expected.sort());
  });
});

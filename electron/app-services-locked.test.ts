import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  answersWhileLocked,
  channelNames,
  eventsWhileLocked,
  type EventName,
} from '../shared/ipc/contract.js';
import { createAppServices, type AppServices } from './app-services.js';
import { filePolicySource } from './policy/source.js';
import {
  APP_URL,
  fakeClock,
  keychainWithSession,
  offlineSignIn,
  shellServiceDeps,
  TEST_PROVIDER,
} from '../testing/app-services.js';

const START = Date.parse('2026-03-02T08:00:00Z');

let dir: string;
let services: AppServices | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'services-locked-'));
});
afterEach(async () => {
  await services?.dispose();
  services = null;
  await rm(dir, { recursive: true, force: true });
});

/** An administrator's session restored at start, manual accounts allowed; what the window hears is kept. */
async function startSignedIn() {
  const clock = fakeClock(START);
  const policyPath = join(dir, 'policy.json');
  await writeFile(policyPath, JSON.stringify({ provider: TEST_PROVIDER, allowManualSipAccount: true }));
  services = await createAppServices({
    dataDir: join(dir, 'data'),
    policy: filePolicySource(policyPath),
    systemLocale: 'en-GB',
    ...shellServiceDeps,
    openExternal: async () => {},
    secrets: await keychainWithSession({ roles: ['user', 'admin'], authTime: START }),
    now: clock.now,
    lockTimers: clock.timers,
    ...offlineSignIn,
    logError: () => {},
    notifier: { show: () => {}, dismiss: () => {} },
  });
  const heard: { name: EventName; payload: unknown }[] = [];
  services.onEvent((name, payload) => void heard.push({ name, payload }));
  const app = services;
  const invoke = (channel: string, input?: unknown) => app.router.handle(APP_URL, channel, input);
  return { services: app, heard, invoke };
}

describe('the session lock, enforced by main', () => {
  it('refuses every channel but the lock screen’s and a ringing call’s while locked, and serves them after', async () => {
    const { invoke } = await startSignedIn();
    const ada = { name: 'Ada', numbers: [{ label: 'work', number: '+49 30 1234567' }] };
    expect(await invoke('contacts.create', ada)).toMatchObject({ ok: true });
    expect(await invoke('session.lock')).toEqual({
      ok: true,
      value: { locked: true, reauthRequired: false },
    });

    const refused = channelNames.filter((channel) => !answersWhileLocked(channel));
    for (const channel of refused)
      expect(await invoke(channel, undefined), channel).toMatchObject({
        ok: false,
        error: { code: 'locked' },
      });
    // The lock survives the window: whoever asks next (a reloaded page) finds it locked.
    expect(await invoke('session.lockState')).toEqual({
      ok: true,
      value: { locked: true, reauthRequired: false },
    });

    expect(await invoke('session.unlock')).toEqual({
      ok: true,
      value: { locked: false, reauthRequired: false },
    });
    expect(await invoke('contacts.list', {})).toMatchObject({ ok: true, value: [{ name: 'Ada' }] });
    expect(await invoke('audit.verify')).toMatchObject({ ok: true, value: { ok: true } });
  });

  it('takes a ringing call’s reports while locked, and tells the window nothing personal until unlock', async () => {
    const { invoke, heard } = await startSignedIn();
    await invoke('session.lock');
    heard.length = 0;
    const call = { callId: 'c1', account: 'sip:me@example.eu', remoteUri: 'sip:+4930123@example.eu' };
    const reports = [
      { type: 'started', at: START, direction: 'incoming', remoteName: 'Anruferin', ...call },
      { type: 'ended', callId: 'c1', at: START + 1000, disposition: 'missed', cause: 'Canceled' },
    ];
    for (const report of reports) expect(await invoke('call.report', report)).toEqual({ ok: true });
    // history.changed would follow the ended call; held back while locked.
    expect(heard.filter(({ name }) => eventsWhileLocked[name] === 'held')).toEqual([]);

    await invoke('session.unlock');
    // First the lock goes, then what the window could not have: who is signed in, the account, the proxy
    // sign-in, a nudge.
    const told = () => heard.map(({ name }) => name).filter((name) => name !== 'audit.syncChanged');
    await expect
      .poll(() => told().sort())
      .toEqual([
        'contacts.changed',
        'history.changed',
        'proxySignIn.changed',
        'session.lockChanged',
        'signIn.changed',
        'sipAccount.changed',
      ]);
    expect(told()[0]).toBe('session.lockChanged');
    expect(heard.find(({ name }) => name === 'signIn.changed')?.payload).toMatchObject({
      status: 'signed-in',
      user: { name: 'Erika Muster' },
    });
    // The call reported while locked is in the history.
    expect(await invoke('history.list', { filter: 'all' })).toMatchObject({
      ok: true,
      value: [{ remoteUri: 'sip:+4930123@example.eu', disposition: 'missed' }],
    });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../shared/domain/updates.js';
import {
  createUpdateService,
  type UpdatePolicy,
  type UpdaterEvents,
  type UpdaterPort,
  type UpdateService,
} from './update-service.js';

/** A fake electron-updater: records what it was told and behaves like AppUpdater where it matters. */
class FakeUpdater implements UpdaterPort {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  allowDowngrade = false;
  allowPrerelease = false;
  private channelValue: string | null = null;
  feeds: { provider: 'generic'; url: string; channel: string }[] = [];
  checks = 0;
  installs = 0;
  /** What the next check does, through the events, like the real updater. */
  nextCheck: (events: UpdaterEvents) => void = (events) => events.notAvailable();
  events!: UpdaterEvents;
  /** allowDowngrade at the moment of each check. */
  downgradeAtCheck: boolean[] = [];

  get channel() {
    return this.channelValue;
  }
  // Like AppUpdater: setting a channel allows downgrades.
  set channel(value: string | null) {
    this.channelValue = value;
    this.allowDowngrade = true;
  }
  setFeedURL(options: { provider: 'generic'; url: string; channel: string }) {
    this.feeds.push(options);
  }
  async checkForUpdates() {
    this.checks += 1;
    this.downgradeAtCheck.push(this.allowDowngrade);
    this.events.checking();
    this.nextCheck(this.events);
    return null;
  }
  quitAndInstall() {
    this.installs += 1;
  }
}

let service: UpdateService | null = null;
afterEach(() => {
  service?.dispose();
  service = null;
});

function start(policy: UpdatePolicy, fake: FakeUpdater | null = new FakeUpdater()) {
  let current = policy;
  const statuses: UpdateStatus[] = [];
  service = createUpdateService({
    updater: fake && { port: fake, listen: (events) => (fake.events = events) },
    policy: () => current,
    onStatus: (status) => statuses.push(status),
    now: () => 1_000,
  });
  return {
    fake,
    statuses,
    service,
    setPolicy(next: UpdatePolicy) {
      current = next;
      service!.reconfigure();
    },
  };
}

const stable = {
  updateUrl: 'https://updates.example.eu/softphone',
  updateChannel: 'stable',
  updatesDisabled: false,
} as const;

describe('update service', () => {
  it('checks the generic URL of the policy, never allowing a downgrade', async () => {
    const { fake, statuses, service } = start({ ...stable, updateChannel: 'beta' });
    await Promise.resolve();
    expect(fake!.feeds).toEqual([{ provider: 'generic', url: stable.updateUrl, channel: 'beta' }]);
    expect(fake!.channel).toBe('beta');
    expect(fake!.allowDowngrade).toBe(false);
    expect(fake!.downgradeAtCheck).toEqual([false]);
    expect(fake!.autoDownload).toBe(true);
    expect(statuses).toEqual([
      { state: 'idle' },
      { state: 'checking' },
      { state: 'up-to-date', checkedAt: 1_000 },
    ]);
    // Even if something turned downgrades on in between, a check turns them off again.
    fake!.allowDowngrade = true;
    await service.check();
    expect(fake!.downgradeAtCheck).toEqual([false, false]);
  });

  it('reports downloading with progress, then ready, and installs only then', async () => {
    const { fake, statuses, service } = start(stable, null);
    expect(service.status()).toEqual({ state: 'unavailable' });
    expect(statuses).toEqual([{ state: 'unavailable' }]);
    service.dispose();
    const run = start(stable);
    const updater = run.fake!;
    expect(run.service.install()).toBe(false);
    updater.nextCheck = (events) => {
      events.available('1.2.0');
      events.progress(41.6);
      events.progress(100);
      events.downloaded('1.2.0');
    };
    await run.service.check();
    expect(run.statuses.slice(-5)).toEqual([
      { state: 'checking' },
      { state: 'downloading', version: '1.2.0', percent: 0 },
      { state: 'downloading', version: '1.2.0', percent: 42 },
      { state: 'downloading', version: '1.2.0', percent: 100 },
      { state: 'ready', version: '1.2.0' },
    ]);
    expect(run.service.install()).toBe(true);
    expect(updater.installs).toBe(1);
    expect(fake).toBeNull();
  });

  it('reports an error (first line only) and recovers on the next check', async () => {
    const { fake, service } = start(stable);
    fake!.nextCheck = (events) => events.error(new Error('sha512 checksum mismatch\n  at stack'));
    await service.check();
    expect(service.status()).toEqual({ state: 'error', message: 'sha512 checksum mismatch' });
    fake!.nextCheck = (events) => events.notAvailable();
    await service.check();
    expect(service.status()).toEqual({ state: 'up-to-date', checkedAt: 1_000 });
  });

  it('is off when policy disables updates or names no URL, and follows policy changes', async () => {
    const run = start({ ...stable, updatesDisabled: true });
    expect(run.service.status()).toEqual({ state: 'disabled-by-policy' });
    expect(run.fake!.checks).toBe(0);
    expect(run.fake!.autoInstallOnAppQuit).toBe(false);
    await run.service.check();
    expect(run.fake!.checks).toBe(0);
    run.setPolicy({ ...stable, updateUrl: null });
    expect(run.service.status()).toEqual({ state: 'not-configured' });
    run.setPolicy(stable);
    await Promise.resolve();
    expect(run.fake!.checks).toBe(1);
    expect(run.fake!.autoInstallOnAppQuit).toBe(true);
    // An unrelated policy change does not check again.
    run.setPolicy({ ...stable });
    expect(run.fake!.checks).toBe(1);
    // A download finished before policy turned updates off is not installed.
    run.fake!.nextCheck = (events) => {
      events.available('2.0.0');
      events.downloaded('2.0.0');
    };
    run.setPolicy({ ...stable, updateChannel: 'beta' });
    await Promise.resolve();
    expect(run.service.status()).toEqual({ state: 'ready', version: '2.0.0' });
    run.setPolicy({ ...stable, updatesDisabled: true });
    expect(run.service.install()).toBe(false);
    expect(run.fake!.autoInstallOnAppQuit).toBe(false);
    expect(run.fake!.installs).toBe(0);
  });
});

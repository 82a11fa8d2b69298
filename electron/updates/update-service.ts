import type { UpdateStatus } from '../../shared/domain/updates.js';

/** The part of electron-updater's `AppUpdater` the service drives (`autoUpdater` itself fits). */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  channel: string | null;
  setFeedURL(options: { provider: 'generic'; url: string; channel: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(): void;
}

/** electron-updater's events, by what the service needs of them. */
export interface UpdaterEvents {
  checking(): void;
  available(version: string): void;
  notAvailable(): void;
  progress(percent: number): void;
  downloaded(version: string): void;
  error(error: unknown): void;
}

export interface UpdatePolicy {
  updateUrl: string | null;
  updateChannel: 'stable' | 'beta';
  updatesDisabled: boolean;
}

export interface UpdateServiceOptions {
  /** null where the build cannot update itself (development, the browser shell, deb/rpm installs). */
  updater: { port: UpdaterPort; listen(events: UpdaterEvents): void } | null;
  policy(): UpdatePolicy;
  onStatus(status: UpdateStatus): void;
  now?(): number;
  /** How often to look for updates while the app runs (default: every 4 hours). */
  checkIntervalMs?: number;
}

export interface UpdateService {
  status(): UpdateStatus;
  /** Looks for an update now (Settings' "Check now"); a no-op while updates are off. */
  check(): Promise<UpdateStatus>;
  /** Restarts into a downloaded update; refused unless one is ready. */
  install(): boolean;
  /** Policy changed: updates turn on or off, or follow a new URL or channel. */
  reconfigure(): void;
  dispose(): void;
}

const CHANNELS = { stable: 'latest', beta: 'beta' } as const;

/**
 * Automatic updates from the generic URL of the policy (electron-updater). Never a downgrade: a channel
 * switch makes electron-updater allow downgrades, so `allowDowngrade` is set false after the channel and
 * again before every check. Signature verification stays electron-updater's default (on): the service
 * never touches it (Windows: the installer's Authenticode signature must name the publisher of
 * electron-builder.yml; macOS: Squirrel verifies the code signature).
 */
export function createUpdateService(options: UpdateServiceOptions): UpdateService {
  const now = options.now ?? Date.now;
  const port = options.updater?.port ?? null;
  let current: UpdateStatus = { state: 'unavailable' };
  let enabled = false;
  let timer: ReturnType<typeof setInterval> | null = null;
  let configured: string | null = null;

  const set = (status: UpdateStatus) => {
    current = status;
    options.onStatus(status);
  };
  const whenEnabled = (status: UpdateStatus) => {
    if (enabled) set(status);
  };
  const message = (error: unknown) =>
    (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 500);

  options.updater?.listen({
    checking: () => whenEnabled({ state: 'checking' }),
    available: (version) => whenEnabled({ state: 'downloading', version, percent: 0 }),
    notAvailable: () => whenEnabled({ state: 'up-to-date', checkedAt: now() }),
    progress: (percent) => {
      if (current.state === 'downloading')
        whenEnabled({ ...current, percent: Math.max(0, Math.min(100, Math.round(percent))) });
    },
    downloaded: (version) => whenEnabled({ state: 'ready', version }),
    error: (error) => whenEnabled({ state: 'error', message: message(error) }),
  });

  const check = async (): Promise<UpdateStatus> => {
    if (!port || !enabled || current.state === 'checking' || current.state === 'downloading') return current;
    if (current.state === 'ready') return current;
    port.allowDowngrade = false;
    try {
      await port.checkForUpdates();
    } catch (error) {
      whenEnabled({ state: 'error', message: message(error) });
    }
    return current;
  };

  const reconfigure = () => {
    if (!port) return set({ state: 'unavailable' });
    const policy = options.policy();
    // Other policy changes leave updates (and a download under way) alone.
    const key = JSON.stringify([policy.updatesDisabled, policy.updateUrl, policy.updateChannel]);
    if (key === configured) return;
    configured = key;
    if (timer) clearInterval(timer);
    timer = null;
    enabled = !policy.updatesDisabled && policy.updateUrl !== null;
    // A downloaded update is not installed on quit once policy turned updates off.
    port.autoInstallOnAppQuit = enabled;
    if (policy.updatesDisabled) return set({ state: 'disabled-by-policy' });
    if (policy.updateUrl === null) return set({ state: 'not-configured' });
    port.autoDownload = true;
    port.allowPrerelease = false;
    port.channel = CHANNELS[policy.updateChannel];
    port.allowDowngrade = false;
    port.setFeedURL({ provider: 'generic', url: policy.updateUrl, channel: CHANNELS[policy.updateChannel] });
    set({ state: 'idle' });
    void check();
    timer = setInterval(() => void check(), options.checkIntervalMs ?? 4 * 60 * 60 * 1000);
    timer.unref?.();
  };

  reconfigure();

  return {
    status: () => current,
    check,
    install() {
      if (!port || !enabled || current.state !== 'ready') return false;
      port.quitAndInstall();
      return true;
    },
    reconfigure,
    dispose() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

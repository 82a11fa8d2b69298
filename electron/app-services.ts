import type { CallEvent } from '../shared/domain/calls.js';
import type { StorageStatus } from '../shared/domain/history.js';
import type { AppInfo, EventName, EventPayload, SettingsState } from '../shared/ipc/contract.js';
import { ServiceError } from '../shared/ipc/errors.js';
import { resolvePolicy, type EffectivePolicy, type PolicyFile } from '../shared/policy/schema.js';
import type { SettingKey, Settings } from '../shared/settings/settings.js';
import { join } from 'node:path';
import { createIpcRouter, type IpcRouter } from './ipc/router.js';
import { probeTls } from './net/tls-probe.js';
import { isAllowedExternalUrl } from './platform/navigation.js';
import { InvalidPolicyError, type PolicySource } from './policy/source.js';
import { openSettingsStore } from './settings/settings-store.js';
import { DatabaseOpenError, openEncryptedDatabase, type SqlDatabase } from './storage/database.js';
import { createHistoryStore, type HistoryStore } from './storage/history.js';
import { shredAllData } from './storage/shred.js';
import type { SecretStore } from './secrets/secret-store.js';
import { createSipAccountService } from './sip/sip-account-service.js';

export interface AppServicesDeps {
  dataDir: string;
  policy: PolicySource;
  systemLocale: string;
  runtime: AppInfo['runtime'];
  platform: NodeJS.Platform;
  appName: string;
  appVersion: string;
  isTrustedSender(senderUrl: string): boolean;
  openExternal(url: string): Promise<void>;
  /** The OS keychain. */
  secrets: SecretStore;
  /** Where unexpected service failures are reported; the default writes to stderr. */
  logError?(message: string, error: unknown): void;
  now?(): number;
}

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface AppServices {
  router: IpcRouter;
  onEvent(listener: EventListener): () => void;
  /** Validated call lifecycle events from the phone engine. */
  onCallEvent(listener: (event: CallEvent) => void): () => void;
  policy(): EffectivePolicy;
  dispose(): Promise<void>;
}

/** Settings that policy keys fix, by the setting they lock. */
function lockedSettings(file: PolicyFile): SettingKey[] {
  const locked: SettingKey[] = [];
  if (file.defaultCountry !== undefined) locked.push('defaultCountry');
  if (file.language !== undefined) locked.push('language');
  return locked;
}

function applyPolicy(settings: Settings, file: PolicyFile): Settings {
  return {
    ...settings,
    ...(file.defaultCountry !== undefined && { defaultCountry: file.defaultCountry }),
    ...(file.language !== undefined && { language: file.language }),
  };
}

function platformName(platform: NodeJS.Platform): AppInfo['platform'] {
  return platform === 'linux' || platform === 'darwin' || platform === 'win32' ? platform : 'other';
}

async function readPolicyOrThrow(source: PolicySource): Promise<PolicyFile> {
  const result = await source.read();
  if (result.status === 'invalid') throw new InvalidPolicyError(source.location, result.problems);
  return result.status === 'ok' ? result.policy : {};
}

/**
 * Builds the main-process services and the IPC router over them. Everything Electron-specific comes in
 * through `deps`, so the same code runs in Electron, in the browser shell and in tests.
 */
export async function createAppServices(deps: AppServicesDeps): Promise<AppServices> {
  const logError = deps.logError ?? ((message, error) => console.error(message, error));
  let policyFile = await readPolicyOrThrow(deps.policy);
  const settingsStore = await openSettingsStore(deps.dataDir);
  const listeners = new Set<EventListener>();
  // The encrypted database: a failure to open it is reported to the UI, never papered over with a new file.
  const databasePath = join(deps.dataDir, 'softphone.db');
  const now = deps.now ?? Date.now;
  let database: SqlDatabase | null = null;
  let history: HistoryStore | null = null;
  let storage: StorageStatus = { state: 'error', reason: 'corrupt' };
  const openStorage = async () => {
    try {
      database = await openEncryptedDatabase(databasePath, deps.secrets);
      history = createHistoryStore(database);
      storage = { state: 'ready' };
    } catch (error) {
      if (!(error instanceof DatabaseOpenError)) throw error;
      storage = { state: 'error', reason: error.reason };
    }
  };
  await openStorage();
  // Retention from policy, at start and daily after that.
  const DAY = 24 * 60 * 60 * 1000;
  const applyRetention = () => {
    const days = resolvePolicy(policyFile).historyRetentionDays;
    if (days !== null && history && history.purgeBefore(now() - days * DAY) > 0) emit('history.changed', {});
  };
  const retentionTimer = setInterval(applyRetention, DAY);
  retentionTimer.unref?.();
  const requireHistory = (): HistoryStore => {
    if (!history) throw new ServiceError('not-available', 'the database is not open');
    return history;
  };
  const callListeners = new Set<(event: CallEvent) => void>();
  const sipAccounts = createSipAccountService({
    secrets: deps.secrets,
    manualAllowed: () => resolvePolicy(policyFile).allowManualSipAccount,
  });
  const trust = () => {
    const policy = resolvePolicy(policyFile);
    return { extraCaCertificates: policy.extraCaCertificates, pinnedSpkiSha256: policy.pinnedSpkiSha256 };
  };

  const emit: EventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };
  applyRetention();
  const settingsState = (): SettingsState => ({
    settings: applyPolicy(settingsStore.get(), policyFile),
    locked: lockedSettings(policyFile),
  });

  const router = createIpcRouter(
    {
      'app.getInfo': () => ({
        name: deps.appName,
        version: deps.appVersion,
        platform: platformName(deps.platform),
        systemLocale: deps.systemLocale,
        runtime: deps.runtime,
      }),
      'settings.get': settingsState,
      'settings.update': async (patch) => {
        const locked = lockedSettings(policyFile).filter((key) => key in patch);
        if (locked.length > 0) throw new ServiceError('refused', `set by policy: ${locked.join(', ')}`);
        await settingsStore.update(patch);
        const state = settingsState();
        emit('settings.changed', state);
        return state;
      },
      'policy.get': () => resolvePolicy(policyFile),
      'external.open': async ({ url }) => {
        if (!isAllowedExternalUrl(url)) throw new ServiceError('refused', 'this link cannot be opened');
        await deps.openExternal(url);
        return undefined;
      },
      'sipAccount.get': () => sipAccounts.state(),
      'sipAccount.save': async (input) => {
        const state = await sipAccounts.save(input);
        emit('sipAccount.changed', state);
        return state;
      },
      'sipAccount.remove': async () => {
        const state = await sipAccounts.remove();
        emit('sipAccount.changed', state);
        return state;
      },
      'sipAccount.registration': () => sipAccounts.registration(),
      'tls.probe': ({ url }) => probeTls(url, trust()),
      'call.report': (event) => {
        history?.apply(event);
        if (event.type === 'started' || event.type === 'ended') emit('history.changed', {});
        for (const listener of callListeners) listener(event);
        return undefined;
      },
      'storage.status': () => storage,
      'history.list': (query) => {
        const store = requireHistory();
        return query.search ? store.search(query.search, query.limit) : store.list(query);
      },
      'history.delete': ({ id }) => {
        const deleted = requireHistory().delete(id);
        emit('history.changed', {});
        return deleted;
      },
      'history.deleteAll': () => {
        const count = requireHistory().deleteAll();
        emit('history.changed', {});
        return count;
      },
      'history.missedCount': () => history?.missedUnseen() ?? 0,
      'history.markSeen': () => {
        requireHistory().markSeen();
        emit('history.changed', {});
        return undefined;
      },
      'data.deleteAll': async () => {
        if (!resolvePolicy(policyFile).allowDelete)
          throw new ServiceError('refused', 'deleting data is turned off by policy');
        await shredAllData({ db: database, path: databasePath, secrets: deps.secrets });
        database = null;
        history = null;
        await settingsStore.reset();
        // First run again: a new key and an empty database.
        await openStorage();
        emit('history.changed', {});
        emit('settings.changed', settingsState());
        void sipAccounts.state().then((state) => emit('sipAccount.changed', state));
        return undefined;
      },
    },
    {
      isTrustedSender: deps.isTrustedSender,
      onInternalError: (channel, error) => logError(`IPC ${channel} failed`, error),
    },
  );

  const stopWatching = deps.policy.watch(() => {
    void deps.policy.read().then((result) => {
      // A policy that turns invalid while running keeps the last valid one in force (fail closed:
      // nothing is loosened), and the problem is reported.
      if (result.status === 'invalid') {
        logError(
          `Policy in ${deps.policy.location} is invalid`,
          new InvalidPolicyError(deps.policy.location, result.problems),
        );
        return;
      }
      policyFile = result.status === 'ok' ? result.policy : {};
      emit('policy.changed', resolvePolicy(policyFile));
      emit('settings.changed', settingsState());
      void sipAccounts.state().then((state) => emit('sipAccount.changed', state));
    });
  });

  return {
    router,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onCallEvent(listener) {
      callListeners.add(listener);
      return () => callListeners.delete(listener);
    },
    policy: () => resolvePolicy(policyFile),
    async dispose() {
      stopWatching();
      clearInterval(retentionTimer);
      listeners.clear();
      callListeners.clear();
      database?.close();
    },
  };
}

import { securityRelevantSettings, type AuditEvent } from '../shared/audit/catalog.js';
import type { CallEvent } from '../shared/domain/calls.js';
import type { DataExportRequest, DataExportResult } from '../shared/domain/data-export.js';
import type { StorageStatus } from '../shared/domain/history.js';
import type {
  AppInfo,
  EventName,
  EventPayload,
  IncomingCallNotice,
  SessionLockState,
  SettingsState,
  UserRole,
} from '../shared/ipc/contract.js';
import { ServiceError } from '../shared/ipc/errors.js';
import { resolvePolicy, type EffectivePolicy, type PolicyFile } from '../shared/policy/schema.js';
import type { SettingKey, Settings } from '../shared/settings/settings.js';
import { join } from 'node:path';
import { openAuditStore } from './audit/audit-store.js';
import { createAuditTrail, type AuditTrail } from './audit/audit-trail.js';
import { createAuditSync, type AuditHttp, type AuditSync } from './audit/sync.js';
import { createHttpsAuditTransport } from './audit/sync-http.js';
import type { AuditStore } from './audit/audit-store.js';
import { policyApplied, policyChanged, policyInvalid } from './audit/policy-events.js';
import { createIpcRouter, type IpcRouter } from './ipc/router.js';
import { createLogger } from './logging/logger.js';
import { probeTls } from './net/tls-probe.js';
import type { TlsTrust } from './net/tls-trust.js';
import { createTrustedFetch, type TrustedFetch } from './net/trusted-connection.js';
import { createUpdateService, type UpdateServiceOptions } from './updates/update-service.js';
import { isAllowedExternalUrl } from './platform/navigation.js';
import { InvalidPolicyError, type PolicySource } from './policy/source.js';
import { recordBeforeStopping } from './audit/record-before-stopping.js';
import { openSettingsStore } from './settings/settings-store.js';
import { DatabaseOpenError, openEncryptedDatabase, type SqlDatabase } from './storage/database.js';
import { buildDiagnosticsReport, gatherStorageFacts } from './storage/diagnostics.js';
import { createContactStore, type ContactStore } from './storage/contacts.js';
import { parseContactFile } from './storage/contacts-import.js';
import { csvDelimiterFor, exportUserData } from './storage/export.js';
import { createHistoryStore, type HistoryStore } from './storage/history.js';
import { shredAllData } from './storage/shred.js';
import { moveDatabaseAside } from './storage/start-over.js';
import { KeychainUnavailableError, probeSecretStore, type SecretStore } from './secrets/secret-store.js';
import { createSipAccountService } from './sip/sip-account-service.js';
import { createSignInService, type Timers } from './auth/sign-in-service.js';
import { classifySignInError, SignInError } from './auth/sign-in-errors.js';
import type { SignInErrorReason } from '../shared/domain/identity.js';
import type { CustomFetch } from 'openid-client';
import {
  idleDeadline,
  initialLockState,
  needsReauthentication,
  stepLock,
  type LockEffect,
  type LockInput,
  type LockState,
} from './auth/session-lock.js';

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
  /**
   * The OS keychain. It is probed (write, read back, delete) at start and on `storage.retry`; while it
   * fails, nothing that needs it is stored anywhere: the database stays closed and secrets are refused.
   */
  secrets: SecretStore;
  /**
   * Where unexpected service failures are reported; the default is the redacting logger at info level
   * (stderr only, no secrets, no personal data).
   */
  logError?(message: string, error: unknown): void;
  /**
   * "Export my data": asks the person for a folder (Electron's folder dialog, with the renderer's translated
   * texts); null when they cancel. Without it, exporting is not available.
   */
  chooseExportFolder?(labels: DataExportRequest): Promise<string | null>;
  now?(): number;
  /**
   * The audit sync's access token for the provider API, null while signed out, and a fresh one after the
   * API refused it (the identity service wires both). Without them the sync waits as signed out.
   */
  accessToken?(): Promise<string | null>;
  refreshAccessToken?(): Promise<string | null>;
  /**
   * The signed-in user's roles, which admin-only channels need (default: the ID token's, from the sign-in
   * service). Only for tests that bring their own session through `accessToken`.
   */
  roles?(): readonly UserRole[];
  /** The audit sync's HTTPS POST (default: Node's HTTPS with the policy's CAs and pins). */
  auditHttp?: AuditHttp;
  /**
   * electron-updater where this build can update itself (electron/platform/updater.ts); without it (the
   * shell, tests, development) updates show as unavailable.
   */
  updater?: UpdateServiceOptions['updater'];
  /** Sign-in: the timers of token refresh, SIP rotation and the browser timeout (tests pass fake ones). */
  signInTimers?: Timers;
  /** The session lock's idle timer (tests pass fake ones with the fake clock `now`). */
  lockTimers?: Timers;
  /** Sign-in: how long the browser may take (default 5 minutes). */
  signInTimeoutMs?: number;
  /** Sign-in: HTTPS to the issuer and the provider API (default: Node's HTTPS with the policy's CAs). */
  signInFetch?: CustomFetch;
  /** OS notifications of ringing calls (Electron's Notification; the e2e shell records them). */
  notifier: IncomingCallNotifier;
}

export interface IncomingCallNotifier {
  show(notice: IncomingCallNotice, onAction: (action: 'answer' | 'decline' | 'show') => void): void;
  dismiss(callId: string): void;
}

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface AppServices {
  router: IpcRouter;
  onEvent(listener: EventListener): () => void;
  /** Validated call lifecycle events from the phone engine. */
  onCallEvent(listener: (event: CallEvent) => void): () => void;
  policy(): EffectivePolicy;
  /**
   * The audit trail (electron/audit): every security-relevant event, hash-chained in the encrypted
   * database; held in memory while the database is closed.
   */
  audit: AuditTrail;
  /**
   * Delivery of the audit log to the provider (electron/audit/sync.ts). Call `auditSync.signedIn()` after a
   * sign-in; it also runs on a timer and when the network returns.
   */
  auditSync: AuditSync;
  /** The network came back (the renderer's `online`, Electron's net events): pending audit events go now. */
  networkReturned(): void;
  /** The operating system resumed from sleep (Electron's powerMonitor). */
  systemResumed(): void;
  /** The operating system locked the screen (powerMonitor `lock-screen`): the app locks at once. */
  osLocked(): void;
  /** The operating system goes to sleep (powerMonitor `suspend`): the app locks at once. */
  systemSuspended(): void;
  /** The policy's TLS trust (extra CAs and SPKI pins), for Electron's certificate verification. */
  tlsTrust(): TlsTrust;
  /**
   * `fetch` for the provider API and the OIDC issuer (openid-client's `customFetch`): system roots plus the
   * policy's extra CAs, pins enforced (electron/net/trusted-connection.ts).
   */
  providerFetch: TrustedFetch;
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

/** The policy at start; one that does not validate stops the app (fail closed), recorded in the audit log first. */
async function readPolicyOrThrow(deps: AppServicesDeps): Promise<PolicyFile> {
  const result = await deps.policy.read();
  if (result.status === 'invalid') {
    await recordBeforeStopping(
      {
        databasePath: join(deps.dataDir, 'softphone.db'),
        secrets: deps.secrets,
        appVersion: deps.appVersion,
        now: deps.now ?? Date.now,
      },
      policyInvalid(result.problems),
    );
    throw new InvalidPolicyError(deps.policy.location, result.problems);
  }
  return result.status === 'ok' ? result.policy : {};
}

/**
 * Builds the main-process services and the IPC router over them. Everything Electron-specific comes in
 * through `deps`, so the same code runs in Electron, in the browser shell and in tests.
 */
export async function createAppServices(deps: AppServicesDeps): Promise<AppServices> {
  const logError = deps.logError ?? ((message, error) => createLogger().error(message, error));
  let policyFile = await readPolicyOrThrow(deps);
  const settingsStore = await openSettingsStore(deps.dataDir);
  const listeners = new Set<EventListener>();
  // The encrypted database: a failure to open it is reported to the UI, never papered over with a new file.
  const databasePath = join(deps.dataDir, 'softphone.db');
  const now = deps.now ?? Date.now;
  // Events wait in memory until the database opens (openStorage attaches the store); never trusted from
  // the renderer, which may only report its small subset through `audit.report`.
  // Committed events go to the provider soon after (the sync is created further down).
  let auditSync: AuditSync | null = null;
  // Who is signed in (the ID token's subject) goes into each event; the sign-in service comes further down.
  let signedInSubject: () => string | null = () => null;
  const audit = createAuditTrail({
    now,
    user: () => signedInSubject(),
    onAppended: () => auditSync?.eventRecorded(),
  });
  const record = (event: AuditEvent) =>
    void audit.record(event).catch((error: unknown) => logError(`Recording ${event.type} failed`, error));
  record({ type: 'app.started', details: { runtime: deps.runtime, platform: platformName(deps.platform) } });
  record(policyApplied(policyFile));
  let database: SqlDatabase | null = null;
  // The open audit store, for the sync (the trail holds it too, for recording).
  let auditStore: AuditStore | null = null;
  let history: HistoryStore | null = null;
  let contacts: ContactStore | null = null;
  let storage: StorageStatus = { state: 'error', reason: 'corrupt' };
  const openStorage = async () => {
    try {
      await probeSecretStore(deps.secrets);
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError)) throw error;
      storage = { state: 'keychain-unavailable', reason: error.reason };
      record({ type: 'keychain.unavailable', details: { reason: error.reason } });
      return;
    }
    try {
      database = await openEncryptedDatabase(databasePath, deps.secrets);
      const contactStore = createContactStore(database, {
        defaultCountry: () => applyPolicy(settingsStore.get(), policyFile).defaultCountry,
        now,
      });
      contacts = contactStore;
      // History rows are named from contacts (caller ID), looked up when they are listed.
      history = createHistoryStore(database, { nameFor: (uri) => contactStore.nameForUri(uri) });
      // Writes what waited in memory, and a chain found broken (verify() at opening) as an event.
      await openAuditStore({ db: database, secrets: deps.secrets, appVersion: deps.appVersion, now }).then(
        (store) => {
          audit.attach(store);
          auditStore = store;
        },
        (error: unknown) => logError('The audit log cannot be opened; its events stay in memory', error),
      );
      storage = { state: 'ready' };
    } catch (error) {
      if (!(error instanceof DatabaseOpenError)) throw error;
      storage = { state: 'error', reason: error.reason };
      record({ type: 'database.openFailed', details: { reason: error.reason } });
    }
  };
  await openStorage();
  // Opening, moving aside and shredding one after the other: two clicks on "Try again" open one database.
  let storageQueue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const result = storageQueue.then(task);
    storageQueue = result.catch(() => {});
    return result;
  };
  const keychainUsable = () => storage.state !== 'keychain-unavailable';
  const requireKeychain = () => {
    if (!keychainUsable()) throw new ServiceError('not-available', 'the system keychain is not available');
  };
  // Retention from policy, at start and daily after that.
  const DAY = 24 * 60 * 60 * 1000;
  const applyRetention = async () => {
    const days = resolvePolicy(policyFile).historyRetentionDays;
    if (days === null || !history) return;
    const purged = await history.purgeBefore(now() - days * DAY);
    if (purged > 0) {
      record({ type: 'data.purged', details: { scope: 'call-history', count: purged, retentionDays: days } });
      emit('history.changed', {});
    }
  };
  const retentionTimer = setInterval(
    () => void applyRetention().catch((error: unknown) => logError('Retention purge failed', error)),
    DAY,
  );
  retentionTimer.unref?.();
  const emitSipAccount = () => {
    if (!keychainUsable()) return;
    sipAccounts.state().then(
      (state) => emit('sipAccount.changed', state),
      (error: unknown) => logError('Reading the SIP account failed', error),
    );
  };
  const requireContacts = (): ContactStore => {
    if (!contacts) throw new ServiceError('not-available', 'the database is not open');
    return contacts;
  };
  /** Contacts changed: their list, and the names caller ID gives history rows. */
  const contactsChanged = () => {
    emit('contacts.changed', {});
    emit('history.changed', {});
  };
  const requireHistory = (): HistoryStore => {
    if (!history) throw new ServiceError('not-available', 'the database is not open');
    return history;
  };
  // Before the sign-in service: restoring a session at start already reports its state.
  const emit: EventListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };
  const callListeners = new Set<(event: CallEvent) => void>();
  // The session lock (electron/auth/session-lock.ts), only while signed in: idle time from the
  // renderer's throttled `session.activity`, OS lock and sleep from powerMonitor, a timer at the deadline.
  const lockTimers: Timers = deps.lockTimers ?? {
    set(callback, ms) {
      const handle = setTimeout(callback, ms);
      handle.unref?.();
      return handle;
    },
    clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  let lock: LockState | null = null;
  let lockTimer: unknown = null;
  // The renewed sign-ins that Unlock started: only the latest one's outcome counts (pressing Unlock again
  // aborts the one before, which is no failure), and why it failed until Unlock is pressed again.
  let unlockAttempts = 0;
  let unlockFailure: SignInErrorReason | null = null;
  const lockPolicy = () => {
    const { idleLockMinutes, sessionMaxAgeHours } = resolvePolicy(policyFile);
    return { idleLockMinutes, sessionMaxAgeHours };
  };
  const lockState = (): SessionLockState => {
    const locked = lock?.status === 'locked';
    return {
      locked,
      reauthRequired: locked && needsReauthentication(lock!, lockPolicy(), now()),
      ...(locked && unlockFailure !== null && { unlockFailure }),
    };
  };
  const emitLock = () => {
    emit('session.lockChanged', lockState());
  };
  const armLockTimer = () => {
    if (lockTimer !== null) lockTimers.clear(lockTimer);
    lockTimer = null;
    const deadline = lock ? idleDeadline(lock, lockPolicy()) : null;
    if (deadline === null) return;
    lockTimer = lockTimers.set(
      () => {
        lockTimer = null;
        feedLock({ type: 'tick', at: now() });
      },
      Math.max(0, deadline - now()),
    );
  };
  const feedLock = (input: LockInput): LockEffect[] => {
    if (!lock) return [];
    const { state, effects } = stepLock(lock, input, lockPolicy());
    lock = state;
    if (state.status === 'unlocked') unlockFailure = null;
    for (const effect of effects) {
      if (effect.type === 'locked') record({ type: 'session.locked', details: { reason: effect.reason } });
      if (effect.type === 'unlocked')
        record({ type: 'session.unlocked', details: { reauthenticated: effect.reauthenticated } });
      if (effect.type === 'reauthentication-required')
        record({ type: 'session.expired', details: { maxAgeHours: effect.maxAgeHours } });
    }
    armLockTimer();
    if (effects.some((effect) => effect.type !== 'reauthentication-required')) emitLock();
    return effects;
  };
  const unlockFailed = (reason: SignInErrorReason) => {
    unlockFailure = reason;
    emitLock();
  };
  const signInChanged = (signedIn: boolean) => {
    if (signedIn && !lock) {
      lock = initialLockState(now(), signIn.authTime() ?? now());
      armLockTimer();
      emitLock();
    } else if (!signedIn && lock) {
      lock = null;
      unlockFailure = null;
      armLockTimer();
      emitLock();
    }
  };
  const signIn = createSignInService({
    policy: () => resolvePolicy(policyFile),
    secrets: deps.secrets,
    openExternal: deps.openExternal,
    record,
    language: () => {
      const { language } = applyPolicy(settingsStore.get(), policyFile);
      if (language !== 'system') return language;
      return deps.systemLocale.toLowerCase().startsWith('de') ? 'de' : 'en';
    },
    onStateChange: (state) => {
      if (state.status === 'signed-in' || state.status === 'signed-out')
        signInChanged(state.status === 'signed-in');
      emit('signIn.changed', state);
      // Events recorded while signed out (the sign-in itself among them) go to the provider now.
      if (state.status === 'signed-in') auditSync?.signedIn();
    },
    onRegistrationChange: () => emitSipAccount(),
    onClockSkew: (seconds) => emit('signIn.clockSkew', { seconds }),
    fetch: deps.signInFetch,
    now,
    timers: deps.signInTimers,
    signInTimeoutMs: deps.signInTimeoutMs,
    logError,
  });
  signedInSubject = () => signIn.subject();
  const sipAccounts = createSipAccountService({
    secrets: deps.secrets,
    manualAllowed: () => resolvePolicy(policyFile).allowManualSipAccount,
    provisioned: () => {
      const account = signIn.provisionedAccount();
      const registration = signIn.provisionedRegistration();
      return account && registration ? { account, registration } : null;
    },
  });
  if (keychainUsable())
    await signIn.restore().catch((error: unknown) => logError('Restoring the session failed', error));
  const trust = (): TlsTrust => {
    const policy = resolvePolicy(policyFile);
    return { extraCaCertificates: policy.extraCaCertificates, pinnedSpkiSha256: policy.pinnedSpkiSha256 };
  };
  const providerFetch = createTrustedFetch(trust);

  const updates = createUpdateService({
    updater: deps.updater ?? null,
    policy: () => resolvePolicy(policyFile),
    onStatus: (status) => emit('updates.changed', status),
    now,
  });
  await applyRetention();
  const settingsState = (): SettingsState => ({
    settings: applyPolicy(settingsStore.get(), policyFile),
    locked: lockedSettings(policyFile),
  });

  const auditHttp = deps.auditHttp ?? createHttpsAuditTransport(trust);
  auditSync = createAuditSync({
    store: () => auditStore,
    apiBaseUrl: () => resolvePolicy(policyFile).provider?.apiBaseUrl ?? null,
    // The signed-in session's access token (electron/identity), unless the caller brings its own.
    accessToken: () => deps.accessToken?.() ?? signIn.accessToken(),
    refreshAccessToken: () => deps.refreshAccessToken?.() ?? signIn.refreshAccessToken(),
    retentionDays: () => resolvePolicy(policyFile).auditRetentionDays,
    http: auditHttp,
    onStatus: (status) => emit('audit.syncChanged', status),
  });
  auditSync.start();

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
        const before = settingsStore.get();
        await settingsStore.update(patch);
        const after = settingsStore.get();
        for (const setting of securityRelevantSettings)
          if (after[setting] !== before[setting])
            record({ type: 'settings.changed', details: { setting, value: after[setting] } });
        const state = settingsState();
        emit('settings.changed', state);
        return state;
      },
      'policy.get': () => resolvePolicy(policyFile),
      'updates.status': () => updates.status(),
      'updates.check': () => updates.check(),
      'updates.install': () => updates.install(),
      'external.open': async ({ url }) => {
        if (!isAllowedExternalUrl(url)) throw new ServiceError('refused', 'this link cannot be opened');
        await deps.openExternal(url);
        return undefined;
      },
      'signIn.start': (input) => {
        requireKeychain();
        return signIn.start(input);
      },
      'signIn.cancel': () => signIn.cancel(),
      'signIn.state': () => signIn.state(),
      'signIn.clockSkew': () => ({ seconds: signIn.clockSkew() }),
      'session.lockState': lockState,
      'session.activity': () => {
        feedLock({ type: 'activity', at: now() });
        return undefined;
      },
      'session.lock': () => {
        feedLock({ type: 'lock', at: now() });
        return lockState();
      },
      'session.unlock': () => {
        unlockFailure = null;
        const effects = feedLock({ type: 'unlock', at: now(), reauthenticatedAt: null });
        // Beyond the policy's session age: sign-in again (prompt=login); the app unlocks on its success.
        if (effects.some((effect) => effect.type === 'reauthentication-required')) {
          const attempt = ++unlockAttempts;
          signIn.reauthenticate().then(
            (authTime) => {
              feedLock({ type: 'unlock', at: now(), reauthenticatedAt: authTime });
              // Still locked: the provider did not authenticate the person again (an old auth_time).
              if (lock?.status === 'locked' && attempt === unlockAttempts) unlockFailed('idp-error');
            },
            (error: unknown) => {
              // Superseded by pressing Unlock again, or ended by signing out or closing: nobody waits for it.
              if (attempt !== unlockAttempts || lock?.status !== 'locked') return;
              // The sign-in service logs the failures worth a log line, without the token's claims.
              if (!(error instanceof SignInError)) logError('Signing in again to unlock failed', error);
              unlockFailed(classifySignInError(error).reason);
            },
          );
        }
        return lockState();
      },
      'signIn.signOut': () => {
        requireKeychain();
        return signIn.signOut();
      },
      'sipAccount.get': () => {
        requireKeychain();
        return sipAccounts.state();
      },
      'sipAccount.save': async (input) => {
        requireKeychain();
        const state = await sipAccounts.save(input);
        emit('sipAccount.changed', state);
        return state;
      },
      'sipAccount.remove': async () => {
        requireKeychain();
        const state = await sipAccounts.remove();
        emit('sipAccount.changed', state);
        return state;
      },
      'sipAccount.registration': () => {
        requireKeychain();
        return sipAccounts.registration();
      },
      'tls.probe': async ({ url }) => {
        const result = await probeTls(url, trust());
        const { outcome } = result;
        if (
          outcome === 'untrusted' ||
          outcome === 'hostname-mismatch' ||
          outcome === 'expired' ||
          outcome === 'pin-mismatch'
        )
          record({
            type: 'tls.certificateRejected',
            details: { host: new URL(url).hostname, reason: outcome },
          });
        return result;
      },
      'call.report': (event) => {
        history?.apply(event);
        if (event.type === 'sasCompared' && !event.matched)
          record({ type: 'call.sasMismatchReported', details: { callId: event.callId } });
        // History lists finished calls; one refresh per call, when it ends.
        if (event.type === 'ended') emit('history.changed', {});
        for (const listener of callListeners) listener(event);
        return undefined;
      },
      'call.notifyIncoming': (notice) => {
        deps.notifier.show(notice, (action) =>
          emit('call.notificationAction', { callId: notice.callId, action }),
        );
        return undefined;
      },
      'call.dismissNotification': ({ callId }) => {
        deps.notifier.dismiss(callId);
        return undefined;
      },
      'audit.report': async (event) => {
        await audit.reportFromRenderer(event);
        return undefined;
      },
      // The admin screen's channels: the router answers them for the `admin` role only (contract `role`).
      'audit.list': (query) => audit.search({ ...query, limit: query.limit ?? 200 }),
      'audit.verify': () => audit.verify(),
      'audit.syncStatus': () => auditSync.status(),
      'network.online': () => {
        auditSync.networkReturned();
        return undefined;
      },
      // Started, not awaited: while the provider fails the run keeps retrying; its states follow as events.
      'audit.syncNow': () => {
        auditSync.syncNow().catch((error: unknown) => logError('Audit sync failed', error));
        return auditSync.status();
      },
      'storage.status': () => storage,
      'storage.retry': () =>
        exclusive(async () => {
          if (storage.state === 'ready') return storage;
          const before = storage.state;
          await openStorage();
          // (TypeScript still narrows `storage` from before the await.)
          if ((storage as StorageStatus).state === 'ready') await applyRetention();
          // Screens that need the database ask for its status again when history changes.
          emit('history.changed', {});
          if (before === 'keychain-unavailable') emitSipAccount();
          return storage;
        }),
      'storage.exportDiagnostics': async () =>
        buildDiagnosticsReport(
          await gatherStorageFacts({
            path: databasePath,
            secrets: deps.secrets,
            status: storage,
            app: {
              name: deps.appName,
              version: deps.appVersion,
              runtime: deps.runtime,
              platform: platformName(deps.platform),
            },
            now: now(),
          }),
        ),
      'storage.startOver': () =>
        exclusive(async () => {
          // Only a database that does not open is moved aside; a working one, or one whose key cannot be
          // looked at because the keychain is unavailable, is never touched.
          if (storage.state !== 'error')
            throw new ServiceError('refused', `nothing to start over: storage is ${storage.state}`);
          const keptAs = await moveDatabaseAside({ path: databasePath, secrets: deps.secrets, now: now() });
          await openStorage();
          emit('history.changed', {});
          return { status: storage, keptAs };
        }),
      'history.list': (query) => {
        const store = requireHistory();
        return query.search ? store.search(query.search, query.limit) : store.list(query);
      },
      'history.delete': ({ id }) => {
        const deleted = requireHistory().delete(id);
        emit('history.changed', {});
        return deleted;
      },
      'history.deleteAll': async () => {
        const count = await requireHistory().deleteAll();
        record({ type: 'data.deleted', details: { scope: 'call-history', count } });
        emit('history.changed', {});
        return count;
      },
      'history.missedCount': () => history?.missedUnseen() ?? 0,
      'history.markSeen': () => {
        requireHistory().markSeen();
        emit('history.changed', {});
        return undefined;
      },
      'contacts.list': (query) => requireContacts().list(query),
      'contacts.get': ({ id }) => requireContacts().get(id),
      'contacts.create': (input) => {
        const contact = requireContacts().create(input);
        contactsChanged();
        return contact;
      },
      'contacts.update': ({ id, ...input }) => {
        const contact = requireContacts().update(id, input);
        if (contact) contactsChanged();
        return contact;
      },
      'contacts.delete': ({ id }) => {
        const deleted = requireContacts().delete(id);
        if (deleted) contactsChanged();
        return deleted;
      },
      'contacts.setFavourite': ({ id, favourite }) => {
        const contact = requireContacts().setFavourite(id, favourite);
        if (contact) emit('contacts.changed', {});
        return contact;
      },
      'contacts.import': ({ format, text }) => {
        const store = requireContacts();
        const parsed = parseContactFile(format, text);
        if (!parsed.ok) return { status: 'refused', reason: parsed.reason };
        const { imported, duplicates } = store.importMany(parsed.entries);
        const problems = [
          ...parsed.problems,
          ...duplicates.map((entry) => ({ entry, reason: 'duplicate' as const })),
        ].sort((a, b) => a.entry - b.entry);
        if (imported > 0) contactsChanged();
        return { status: 'imported', imported, skipped: problems.length, problems: problems.slice(0, 50) };
      },
      // Refused (not null) while the database is closed, so that the renderer does not remember "no name".
      'contacts.lookup': ({ uri }) => requireContacts().nameForUri(uri),
      'data.deleteAll': () =>
        exclusive(async () => {
          if (!resolvePolicy(policyFile).allowDelete)
            throw new ServiceError('refused', 'deleting data is turned off by policy');
          // Shredding starts with the keys: without a working keychain they cannot be destroyed.
          requireKeychain();
          // The shredding destroys the log too: the event waits in memory and begins the new database's log.
          // The session goes first (revoked at the provider while its refresh token is still there).
          await signIn.forget();
          audit.detach();
          auditStore = null;
          record({ type: 'data.deleted', details: { scope: 'all', count: null } });
          await shredAllData({ db: database, path: databasePath, secrets: deps.secrets });
          database = null;
          history = null;
          contacts = null;
          await settingsStore.reset();
          // First run again: a new key and an empty database.
          await openStorage();
          emit('history.changed', {});
          emit('contacts.changed', {});
          emit('settings.changed', settingsState());
          emitSipAccount();
          return undefined;
        }),
      'data.export': async (labels): Promise<DataExportResult> => {
        const requireAllowed = () => {
          if (!resolvePolicy(policyFile).allowExport)
            throw new ServiceError('refused', 'exporting data is turned off by policy');
        };
        requireAllowed();
        if (!deps.chooseExportFolder) throw new ServiceError('not-available', 'no folder can be chosen here');
        requireHistory();
        // The folder dialog stays open as long as the person likes: it holds up nothing else.
        const parent = await deps.chooseExportFolder(labels);
        if (parent === null) return { status: 'cancelled' };
        return exclusive(async () => {
          // Policy or storage may have changed while the dialog was open.
          requireAllowed();
          if (!database) throw new ServiceError('not-available', 'the database is not open');
          return exportUserData(
            {
              // The history as stored (the name the far end sent); contacts are exported beside it.
              history: createHistoryStore(database),
              contacts: requireContacts(),
              settings: settingsStore.get(),
              audit,
            },
            {
              parent,
              now: now(),
              delimiter: csvDelimiterFor(deps.systemLocale),
              app: { name: deps.appName, version: deps.appVersion },
            },
          );
        });
      },
    },
    {
      isTrustedSender: deps.isTrustedSender,
      // The roles of the ID token the session was signed in with; none while signed out or signing in.
      roles:
        deps.roles ??
        (() => {
          const state = signIn.state();
          return state.status === 'signed-in' ? state.user.roles : [];
        }),
      onInternalError: (channel, error) => logError(`IPC ${channel} failed`, error),
    },
  );

  let lastInvalidPolicyKeys: string | null = null;
  const stopWatching = deps.policy.watch(() => {
    void deps.policy.read().then((result) => {
      // A policy that turns invalid while running keeps the last valid one in force (fail closed:
      // nothing is loosened), and the problem is reported.
      if (result.status === 'invalid') {
        logError(
          `Policy in ${deps.policy.location} is invalid`,
          new InvalidPolicyError(deps.policy.location, result.problems),
        );
        // Once per invalid file, not on every change notification about it.
        const invalid = policyInvalid(result.problems);
        if (invalid.details.keys !== lastInvalidPolicyKeys) record(invalid);
        lastInvalidPolicyKeys = invalid.details.keys;
        return;
      }
      lastInvalidPolicyKeys = null;
      const next = result.status === 'ok' ? result.policy : {};
      const changed = policyChanged(policyFile, next);
      if (changed) record(changed);
      policyFile = next;
      updates.reconfigure();
      emit('policy.changed', resolvePolicy(policyFile));
      emit('settings.changed', settingsState());
      emitSipAccount();
      // The idle lock follows the policy's new minutes at once.
      armLockTimer();
      void signIn
        .policyChanged()
        .catch((error: unknown) => logError('Ending the session after a policy change failed', error));
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
    audit,
    auditSync,
    networkReturned: () => auditSync.networkReturned(),
    systemResumed: () => {
      emit('system.resumed', {});
      auditSync.networkReturned();
    },
    osLocked: () => void feedLock({ type: 'os-lock', at: now() }),
    systemSuspended: () => void feedLock({ type: 'suspend', at: now() }),
    tlsTrust: trust,
    providerFetch,
    async dispose() {
      lock = null;
      armLockTimer();
      await auditSync.stop();
      if ('close' in auditHttp && typeof auditHttp.close === 'function') auditHttp.close();
      stopWatching();
      signIn.dispose();
      clearInterval(retentionTimer);
      updates.dispose();
      await providerFetch.close();
      listeners.clear();
      callListeners.clear();
      audit.detach();
      database?.close();
    },
  };
}

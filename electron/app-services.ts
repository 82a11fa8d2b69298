import type { CallEvent } from '../shared/domain/calls.js';
import type { DataExportRequest } from '../shared/domain/data-export.js';
import type { AppInfo, SettingsState, UserRole } from '../shared/ipc/contract.js';
import type { EffectivePolicy } from '../shared/policy/schema.js';
import type { Settings, SettingsPatch } from '../shared/settings/settings.js';
import type { CustomFetch } from 'openid-client';
import { join } from 'node:path';
import { appHandlers, platformName } from './app-handlers.js';
import type { AuditTrail } from './audit/audit-trail.js';
import { createAuditUnit } from './audit/audit-unit.js';
import { createAuditTransport } from './audit/sync-http.js';
import type { AuditHttp, AuditSync } from './audit/sync.js';
import { createSessionLockController } from './auth/session-lock-controller.js';
import { asCustomFetch, type Timers } from './auth/sign-in-service.js';
import { createIssuerCheck } from './auth/issuer-check.js';
import { createSignInUnit } from './auth/sign-in-unit.js';
import { createCallUnit, type IncomingCallNotifier } from './calls/call-unit.js';
import { desktopHandlers, type DesktopIntegration } from './desktop-handlers.js';
import { createEventHub, type EventListener } from './ipc/event-hub.js';
import { createIpcRouter, mergeHandlers, type IpcRouter } from './ipc/router.js';
import { createLogger } from './logging/logger.js';
import { createRejectionRecorder } from './net/certificate-rejections.js';
import { createConnectPolicy } from './net/connect-policy.js';
import { createTlsProber, type CertificateRejection } from './net/tls-probe-handler.js';
import { probeTls } from './net/tls-probe.js';
import type { TlsTrust } from './net/tls-trust.js';
import { createHttpClient, type TrustedFetch } from './net/http-client.js';
import { createProxyLoginResponder, type ProxyLoginRequest } from './net/proxy-login.js';
import { envRoutes, type ProxyRoutes } from './net/proxy-routes.js';
import { createProxySignIn, type ProxyLogin } from './net/proxy-sign-in.js';
import { createPolicyState } from './policy/policy-state.js';
import { createProviderStatus } from './provider-status/provider-status.js';
import type { PolicySource } from './policy/source.js';
import type { SecretStore } from './secrets/secret-store.js';
import { securityOverviewHandler } from './security/security-overview.js';
import { createSettingsUnit } from './settings/settings-unit.js';
import { openSettingsStore } from './settings/settings-store.js';
import { createSipAccountUnit } from './sip/sip-account-unit.js';
import { createTemplatedSipAccount } from './sip/templated-account.js';
import { contactHandlers } from './storage/contact-handlers.js';
import { dataRightsHandlers } from './storage/data-rights.js';
import { createTaskRegistry, taskHandlers } from './storage/task-progress.js';
import { externalHosts } from './platform/navigation.js';
import { historyHandlers } from './storage/history-handlers.js';
import { createStorageLifecycle } from './storage/storage-lifecycle.js';
import { updateHandlers } from './updates/update-handlers.js';
import { createUpdateService } from './updates/update-service.js';
import type { HttpUpdater } from './updates/updater-http.js';

export type { EventListener } from './ipc/event-hub.js';
export type { IncomingCallNotifier } from './calls/call-unit.js';

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
  /** The audit sync's HTTPS POST (default: main's HTTP client, electron/net/http-client.ts). */
  auditHttp?: AuditHttp;
  /**
   * How main's HTTP client reaches a server: Electron's `session.resolveProxy` (system settings and PAC,
   * electron/platform/proxy.ts); default: the environment's HTTPS_PROXY/NO_PROXY.
   */
  proxyRoutes?: ProxyRoutes;
  /**
   * electron-updater where this build can update itself (electron/platform/updater.ts); without it (the
   * shell, tests, development) updates show as unavailable. Its requests go through main's HTTP client.
   */
  updater?: HttpUpdater | null;
  /** Sign-in: the timers of token refresh, SIP rotation and the browser timeout (tests pass fake ones). */
  signInTimers?: Timers;
  /** The session lock's idle timer (tests pass fake ones with the fake clock `now`). */
  lockTimers?: Timers;
  /** Sign-in: how long the browser may take (default 5 minutes). */
  signInTimeoutMs?: number;
  /** Sign-in: HTTPS to the issuer and the provider API (default: main's HTTP client). */
  signInFetch?: CustomFetch;
  /** Warnings for IT (what the issuer cannot meet of the policy); default: the logger at warn level. */
  logWarning?(message: string): void;
  /** OS notifications of ringing calls (Electron's Notification; the e2e shell records them). */
  notifier: IncomingCallNotifier;
  /** The provider's status page: HTTPS to the provider API (default: `providerFetch`) and its timers. */
  statusFetch?: typeof globalThis.fetch;
  statusTimers?: Timers;
  /** Phone links and the tray (electron/platform/); the shell and tests have none. */
  desktop?: DesktopIntegration;
  /** How often the status page is asked (default five minutes; the demo asks more often). */
  statusIntervalMs?: number;
}

export interface AppServices {
  router: IpcRouter;
  /**
   * Events for the app's windows. While the session is locked, those the contract holds back
   * (`eventsWhileLocked`) do not reach the listener; at unlock the current state follows.
   */
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
  /** The settings in force (the person's, with what policy fixes): the tray, menus and background mode. */
  settings(): Settings;
  /** The app's language (the setting in force, or the system's). */
  language(): 'de' | 'en';
  /** Changes settings as the Settings screen does (policy-locked keys refused, changes audited and sent). */
  updateSettings(patch: SettingsPatch): Promise<SettingsState>;
  /** "Lock" in the tray menu: the same as the window's Lock now. */
  lockNow(): void;
  /**
   * The URLs the renderer connects to: the policy's SIP edge and provider API, and the saved SIP account's
   * edge (manual or provisioned). Local Network Access is granted only for these (platform/local-network.ts).
   */
  localNetworkEndpoints(): Promise<string[]>;
  /** Missed calls not yet seen in History (the Dock badge, the taskbar overlay); 0 while the database is closed. */
  missedCallCount(): number;
  /** Whether the session lock is on (the tray's Lock, and missed-call notifications that name nobody). */
  isLocked(): boolean;
  /** The policy's TLS trust (extra CAs and SPKI pins), for Electron's certificate verification. */
  tlsTrust(): TlsTrust;
  /** Records a certificate refused for a host (`tls.certificateRejected`), once an hour per host and reason. */
  certificateRejected(host: string, reason: CertificateRejection): void;
  /**
   * The Content-Security-Policy header of the app's pages now (electron/net/connect-policy.ts): `connect-src`
   * names the provider's SIP edge and the account's in use. Ask on every page load; the page carries the
   * same policy in its meta tag (`servePolicyInPage`).
   */
  contentSecurityPolicy(): string;
  /** Hosts whose https links may open in the system browser: the issuer's and the policy's allow-list. */
  externalHosts(): string[];
  /**
   * `fetch` of main's one HTTP client (electron/net/http-client.ts), for the provider API and the OIDC
   * issuer: the system's proxy, system roots plus the policy's extra CAs, pins enforced.
   */
  providerFetch: TrustedFetch;
  /**
   * Chromium's own proxy challenges (Electron's `login` event, electron/platform/proxy-login.ts): answered
   * with the person's proxy sign-in, the same as main's HTTP client; null cancels the request.
   */
  proxyLogin(request: ProxyLoginRequest): Promise<ProxyLogin | null>;
  dispose(): Promise<void>;
}

/**
 * The composition root of main's services: it builds the units and wires them, nothing else. Each unit owns
 * its state alone and offers the IPC handlers of its channels; the router gets them merged. Everything
 * Electron-specific comes in through `deps`, so the same code runs in Electron, in the browser shell and in
 * tests.
 */
export async function createAppServices(deps: AppServicesDeps): Promise<AppServices> {
  const logError = deps.logError ?? ((message, error) => createLogger().error(message, error));
  const now = deps.now ?? Date.now;
  const databasePath = join(deps.dataDir, 'softphone.db');
  const policy = await createPolicyState({
    source: deps.policy,
    databasePath,
    secrets: deps.secrets,
    appVersion: deps.appVersion,
    now,
  });
  const settingsStore = await openSettingsStore(deps.dataDir);
  const hub = createEventHub();
  const { emit } = hub;
  const trust = (): TlsTrust => {
    const { extraCaCertificates, pinnedSpkiSha256 } = policy.effective();
    return { extraCaCertificates, pinnedSpkiSha256 };
  };
  // The session lock comes later; until then nothing is locked.
  let locked = () => false;
  const proxySignIn = createProxySignIn({ secrets: deps.secrets, emit, isLocked: () => locked(), logError });
  // Main's one HTTP client: discovery, tokens, the provider API, audit sync, updates and the TLS probe.
  const http = createHttpClient({ trust, routes: deps.proxyRoutes ?? envRoutes(), proxySignIn });
  const providerFetch = http.fetch;
  const info: AppInfo = {
    name: deps.appName,
    version: deps.appVersion,
    platform: platformName(deps.platform),
    systemLocale: deps.systemLocale,
    runtime: deps.runtime,
  };

  const audit = createAuditUnit({
    now,
    policy: policy.effective,
    http: deps.auditHttp ?? createAuditTransport(http.fetch),
    emit,
    logError,
  });
  const { record } = audit;
  record({ type: 'app.started', details: { runtime: deps.runtime, platform: info.platform } });
  record(policy.appliedEvent());
  const settings = createSettingsUnit({
    store: settingsStore,
    policyFile: policy.file,
    systemLocale: deps.systemLocale,
    record,
    emit,
  });
  const storage = createStorageLifecycle({
    databasePath,
    secrets: deps.secrets,
    now,
    app: info,
    audit,
    appVersion: deps.appVersion,
    defaultCountry: () => settings.effective().defaultCountry,
    historyRetentionDays: () => policy.effective().historyRetentionDays,
    emit,
    logError,
  });
  await storage.open();
  if (storage.keychainUsable()) await proxySignIn.load();
  storage.onKeychainReturned(() => void proxySignIn.load().then(proxySignIn.announce));

  const signInFetch = deps.signInFetch ?? asCustomFetch(http.fetch);
  const signIn = createSignInUnit({
    policy: policy.effective,
    secrets: deps.secrets,
    openExternal: deps.openExternal,
    record,
    language: settings.language,
    requireKeychain: storage.requireKeychain,
    emit,
    fetch: signInFetch,
    now,
    timers: deps.signInTimers,
    signInTimeoutMs: deps.signInTimeoutMs,
    logError,
  });
  const session = signIn.service;
  audit.connectSession({
    user: () => session.subject(),
    // The signed-in session's tokens, unless the caller brings its own.
    accessToken: () => deps.accessToken?.() ?? session.accessToken(),
    refreshAccessToken: () => deps.refreshAccessToken?.() ?? session.refreshAccessToken(),
  });
  const sipAccount = createSipAccountUnit({
    secrets: deps.secrets,
    manualAllowed: () => policy.effective().allowManualSipAccount,
    signIn: session,
    templated: createTemplatedSipAccount({
      secrets: deps.secrets,
      account: () => session.templatedAccount(),
      wssUrl: () => policy.effective().provider?.wssUrl ?? null,
    }),
    keychainUsable: storage.keychainUsable,
    requireKeychain: storage.requireKeychain,
    emit,
    logError,
  });
  signIn.onRegistrationChange(sipAccount.announce);
  storage.onKeychainReturned(sipAccount.announce);
  const connectPolicy = createConnectPolicy({ policy: policy.effective });
  sipAccount.onChange(connectPolicy.accountChanged);
  const lock = createSessionLockController({
    policy: policy.effective,
    now,
    timers: deps.lockTimers,
    reauthenticate: () => session.reauthenticate(),
    cancelReauthentication: () => void session.cancel(),
    record,
    emit,
    logError,
  });
  locked = lock.isLocked;
  hub.onEvent((event) => {
    if (event === 'session.lockChanged' && lock.isLocked()) proxySignIn.sessionLocked();
  });
  // The person signed in to the proxy: audit events that waited for the network go now.
  proxySignIn.onAnswered(() => audit.sync.networkReturned());
  signIn.onStateChange((state) => {
    if (state.status === 'signed-in' || state.status === 'signed-out')
      lock.signInChanged(state.status === 'signed-in', session.authTime());
    // Events recorded while signed out (the sign-in itself among them) go to the provider now.
    if (state.status === 'signed-in') audit.signedIn();
  });
  // What the window could not fetch while locked (refused) and was not told (held back): at unlock, the
  // current state again, and a nudge to fetch history and contacts.
  lock.onUnlocked(() => {
    emit('signIn.changed', session.state());
    sipAccount.announce();
    emit('history.changed', {});
    emit('contacts.changed', {});
    proxySignIn.announce();
  });
  if (storage.keychainUsable())
    await session.restore().catch((error: unknown) => logError('Restoring the session failed', error));

  // What the issuer cannot meet of the policy: read at start and on every policy change.
  const issuerCheck = createIssuerCheck({
    policy: policy.effective,
    fetch: signInFetch,
    now,
    onWarnings: (warnings) => emit('policy.warningsChanged', warnings),
    logWarning: deps.logWarning ?? ((message) => createLogger().warn(message)),
  });
  const checkIssuer = () =>
    void issuerCheck.check().catch((error: unknown) => logError('Reading the issuer failed', error));
  checkIssuer();

  deps.updater?.useHttp(http.fetch);
  const providerStatus = createProviderStatus({
    apiBaseUrl: () => policy.effective().provider?.apiBaseUrl ?? null,
    fetch: deps.statusFetch ?? providerFetch,
    now,
    timers: deps.statusTimers,
    intervalMs: deps.statusIntervalMs,
    onChange: (state) => emit('providerStatus.changed', state),
    openExternal: deps.openExternal,
  });
  const updates = createUpdateService({
    updater: deps.updater ?? null,
    policy: policy.effective,
    onStatus: (status) => emit('updates.changed', status),
    now,
  });
  await storage.applyRetention();
  await sipAccount.refresh();
  audit.startSync();
  const certificateRejected = createRejectionRecorder({ record, now });
  const tlsProber = createTlsProber({
    trust,
    allowedOrigins: connectPolicy.origins,
    certificateRejected,
    now,
    probe: (url, tlsTrust) => probeTls(url, tlsTrust, http.tunnel),
  });
  const calls = createCallUnit({
    history: storage.history,
    notifier: deps.notifier,
    record,
    emit,
    mediaHangupSeconds: () => policy.effective().mediaHangupSeconds,
  });

  // Import and export report their progress to the window, which can cancel them.
  const tasks = createTaskRegistry((progress) => emit('task.progress', progress));

  // One answer for external.open and Electron's window-open guard: the hosts as the policy is now.
  const linkHosts = () => externalHosts(policy.effective());

  const router = createIpcRouter(
    mergeHandlers(
      appHandlers({
        info,
        openExternal: deps.openExternal,
        allowedHosts: linkHosts,
      }),
      policy.handlers,
      issuerCheck.handlers,
      settings.handlers,
      updateHandlers(updates),
      signIn.handlers,
      lock.handlers,
      sipAccount.handlers,
      tlsProber.handlers,
      securityOverviewHandler({
        platform: deps.platform,
        policy: policy.effective,
        policyFile: policy.file,
        policyLocation: deps.policy.location,
        storage,
        auditStatus: () => audit.sync.status(),
        accountUrl: connectPolicy.accountUrl,
        probe: tlsProber.probe,
      }),
      calls.handlers,
      desktopHandlers(deps.desktop),
      audit.handlers,
      storage.handlers,
      historyHandlers({ storage, record, emit }),
      contactHandlers({ storage, tasks, emit }),
      taskHandlers(tasks),
      dataRightsHandlers({
        storage,
        policy: policy.effective,
        forgetSession: () => session.forget(),
        forgetProxyLogins: () => proxySignIn.forgetAll(),
        settings,
        announceSipAccount: sipAccount.announce,
        audit: audit.trail,
        chooseExportFolder: deps.chooseExportFolder,
        systemLocale: deps.systemLocale,
        app: { name: deps.appName, version: deps.appVersion },
        now,
        emit,
        tasks,
      }),
      providerStatus.handlers,
      proxySignIn.handlers,
    ),
    {
      isTrustedSender: deps.isTrustedSender,
      roles: deps.roles ?? signIn.roles,
      locked: lock.isLocked,
      onInternalError: (channel, error) => logError(`IPC ${channel} failed`, error),
    },
  );

  const stopWatching = policy.watch({
    record,
    logError,
    onChanged: () => {
      updates.reconfigure();
      providerStatus.policyChanged();
      emit('policy.changed', policy.effective());
      settings.announce();
      sipAccount.announce();
      lock.policyChanged();
      checkIssuer();
      void session
        .policyChanged()
        .catch((error: unknown) => logError('Ending the session after a policy change failed', error));
    },
  });

  providerStatus.start();

  return {
    router,
    // The windows hear nothing personal while the session is locked.
    onEvent: (listener) => hub.onEvent(lock.gateEvents(listener)),
    onCallEvent: calls.onCallEvent,
    policy: policy.effective,
    audit: audit.trail,
    auditSync: audit.sync,
    networkReturned: () => audit.sync.networkReturned(),
    systemResumed: () => {
      emit('system.resumed', {});
      audit.sync.networkReturned();
    },
    osLocked: lock.osLocked,
    systemSuspended: lock.systemSuspended,
    settings: settings.effective,
    language: settings.language,
    updateSettings: settings.update,
    lockNow: lock.lockNow,
    missedCallCount: () => storage.history()?.missedUnseen() ?? 0,
    isLocked: lock.isLocked,
    async localNetworkEndpoints() {
      const provider = policy.effective().provider;
      const edge = await sipAccount.edgeUrl();
      return [provider?.wssUrl, provider?.apiBaseUrl, edge].filter(
        (url): url is string => typeof url === 'string',
      );
    },
    tlsTrust: trust,
    certificateRejected,
    contentSecurityPolicy: connectPolicy.contentSecurityPolicy,
    externalHosts: linkHosts,
    providerFetch,
    proxyLogin: createProxyLoginResponder(proxySignIn),
    async dispose() {
      lock.dispose();
      await audit.dispose();
      stopWatching();
      session.dispose();
      providerStatus.dispose();
      updates.dispose();
      await http.close();
      hub.clear();
      calls.dispose();
      await storage.dispose();
    },
  };
}

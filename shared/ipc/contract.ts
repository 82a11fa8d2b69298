import { z } from 'zod';
import { ChainVerification, RendererAuditEvent } from '../audit/catalog.js';
import { AuditLogEntry, AuditLogQuery, AuditSyncStatus } from '../audit/sync-state.js';
import { CallEvent } from '../domain/calls.js';
import { DataExportRequest, DataExportResult } from '../domain/data-export.js';
import {
  Contact,
  ContactId,
  ContactImportInput,
  ContactImportResult,
  ContactInput,
  ContactQuery,
  ContactUpdate,
} from '../domain/contacts.js';
import {
  CallRecord,
  DiagnosticsReport,
  HistoryQuery,
  START_OVER_CONFIRMATION,
  StartOverResult,
  StorageStatus,
} from '../domain/history.js';
import {
  ClockSkew,
  type SignedInUser,
  signInErrorReasons,
  SignInState,
  StartSignIn,
} from '../domain/identity.js';
import { ProviderStatusState } from '../domain/provider-status.js';
import { ProxyRef, ProxySignInAnswer, ProxySignInState } from '../domain/proxy-sign-in.js';
import {
  SaveSipAccount,
  SetSipPassword,
  SipAccountState,
  SipRegistration,
  TlsProbeResult,
} from '../domain/sip-account.js';
import { TaskCancel, TaskProgress } from '../domain/tasks.js';
import { UpdateStatus } from '../domain/updates.js';
import { EffectivePolicySchema } from '../policy/schema.js';
import { PolicyWarnings } from '../provider/policy-warnings.js';
import { SecurityOverview } from '../security/overview.js';
import { Settings, SettingsPatch } from '../settings/settings.js';

/**
 * The IPC contract: every channel between renderer and main, with the schema of its input and
 * output. The main router validates both; the preload and the browser shell expose exactly these.
 */

const NoInput = z.undefined();

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  platform: z.enum(['linux', 'darwin', 'win32', 'other']),
  /** BCP 47 tag of the operating system's preferred language, e.g. "de-DE". */
  systemLocale: z.string(),
  /** "electron" in the desktop app, "shell" in the browser shell used for development and tests. */
  runtime: z.enum(['electron', 'shell']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const SettingsState = z.object({
  settings: Settings,
  /** Settings fixed by managed policy: shown, but not editable. */
  locked: z.array(Settings.keyof()),
});
export type SettingsState = z.infer<typeof SettingsState>;

export const ExternalUrl = z.object({ url: z.string().max(2048) }).strict();

const callId = z.string().min(1).max(128);

/** What the notification says, already translated by the renderer (main has no catalogs). */
export const IncomingCallNotice = z
  .object({
    callId,
    title: z.string().min(1).max(200),
    body: z.string().max(300),
    answerLabel: z.string().min(1).max(40),
    declineLabel: z.string().min(1).max(40),
  })
  .strict();
export type IncomingCallNotice = z.infer<typeof IncomingCallNotice>;

/** The session lock (electron/auth/session-lock.ts): locked, and whether unlocking needs the IdP again. */
export const SessionLockState = z
  .object({
    locked: z.boolean(),
    reauthRequired: z.boolean(),
    /**
     * Why the last sign-in again to unlock ended without unlocking (the lock screen says so); absent while
     * none failed since Unlock was last pressed. A sign-in superseded by pressing Unlock again is no failure.
     */
    unlockFailure: z.enum(signInErrorReasons).optional(),
  })
  .strict();
export type SessionLockState = z.infer<typeof SessionLockState>;

/**
 * Whether this installation opens tel:, callto: and sip: links. 'unavailable' where it cannot register
 * (the browser shell). On Windows registering only offers the app: the person confirms it in Settings >
 * Apps > Default apps, or when Windows asks at the next link (`confirmInSystemSettings`).
 */
export const DialLinkState = z
  .object({
    handled: z.enum(['yes', 'no', 'unavailable']),
    confirmInSystemSettings: z.boolean(),
  })
  .strict();
export type DialLinkState = z.infer<typeof DialLinkState>;

/** The phone line as the tray shows it (the renderer's registration state). */
export const lineStatuses = ['registered', 'connecting', 'offline', 'error'] as const;

/** A global shortcut main registered (electron/platform/global-shortcuts.ts) fired. */
export const CallShortcut = z.object({ action: z.enum(['answer', 'decline', 'hangup', 'mute']) }).strict();

/** A role from the ID token's `roles` claim (shared/domain/identity.ts). */
export type UserRole = SignedInUser['roles'][number];
/**
 * The role a channel may require. A channel with `role` answers only a signed-in user who has it: the main
 * router checks it before the service runs (hiding a screen in the renderer is no protection), and refuses
 * with the error code `<role>-required` (shared/ipc/errors.ts). Channels without `role` answer anyone.
 */
export type ChannelRole = Extract<UserRole, 'admin'>;

export const channels = {
  'app.getInfo': { input: NoInput, output: AppInfo },
  'settings.get': { input: NoInput, output: SettingsState },
  'settings.update': { input: SettingsPatch, output: SettingsState },
  'policy.get': { input: NoInput, output: EffectivePolicySchema },
  /** What the issuer's discovery document says the policy cannot meet (read when the policy changes). */
  'policy.warnings': { input: NoInput, output: PolicyWarnings },
  'external.open': { input: ExternalUrl, output: z.undefined() },
  /**
   * Sign-in with the provider (OIDC in the system browser): starts and returns at once ("in-progress");
   * the outcome comes as `signIn.changed`.
   */
  'signIn.start': { input: StartSignIn, output: SignInState },
  'signIn.cancel': { input: NoInput, output: SignInState },
  'signIn.state': { input: NoInput, output: SignInState },
  /** Revokes the session at the provider, wipes its keychain items and unregisters the provisioned account. */
  'signIn.signOut': { input: NoInput, output: SignInState },
  /** This computer's clock against the provider's `Date` header. */
  'signIn.clockSkew': { input: NoInput, output: ClockSkew },
  /** The session lock: its state, input seen in the window (throttled), locking now, and unlocking. */
  'session.lockState': { input: NoInput, output: SessionLockState },
  'session.activity': { input: NoInput, output: z.undefined() },
  'session.lock': { input: NoInput, output: SessionLockState },
  /** Unlocks within the policy's session age; beyond it, starts sign-in again (prompt=login) and unlocks after. */
  'session.unlock': { input: NoInput, output: SessionLockState },
  /** Gives up the sign-in again that Unlock started (the browser may be hidden); the app stays locked. */
  'session.cancelUnlock': { input: NoInput, output: SessionLockState },
  /** Automatic updates (electron/updates): status, "Check now", and restart into a downloaded update. */
  'updates.status': { input: NoInput, output: UpdateStatus },
  'updates.check': { input: NoInput, output: UpdateStatus },
  'updates.install': { input: NoInput, output: z.boolean() },
  'sipAccount.get': { input: NoInput, output: SipAccountState },
  'sipAccount.save': { input: SaveSipAccount, output: SipAccountState },
  'sipAccount.remove': { input: NoInput, output: SipAccountState },
  /** The password of the SIP account from the policy's template, entered once after sign-in. */
  'sipAccount.setPassword': { input: SetSipPassword, output: SipAccountState },
  /** The registration data for the phone engine (HA1, never the password). */
  'sipAccount.registration': { input: NoInput, output: SipRegistration.nullable() },
  /** Main probes the SIP edge with Node's TLS and the app's trust, to name a WebSocket failure. */
  'tls.probe': { input: z.object({ url: z.string().max(2048) }).strict(), output: TlsProbeResult },
  /** Call lifecycle reported by the phone engine; history and audit consume it in main. */
  'call.report': { input: CallEvent, output: z.undefined() },
  /** An OS notification for a ringing call, with Answer and Decline where the platform offers buttons. */
  'call.notifyIncoming': { input: IncomingCallNotice, output: z.undefined() },
  'call.dismissNotification': { input: z.object({ callId }).strict(), output: z.undefined() },
  /** The phone's registration state, for the tray icon (main knows calls and Do Not Disturb itself). */
  'phone.registrationChanged': {
    input: z.object({ state: z.enum(lineStatuses) }).strict(),
    output: z.undefined(),
  },
  /** Whether the app opens phone links, and making it do so (Settings; the first run asks in main). */
  'dialLinks.state': { input: NoInput, output: DialLinkState },
  'dialLinks.register': { input: NoInput, output: DialLinkState },
  /** A user-initiated audit event (the renderer's small subset of the catalog); main records it. */
  'audit.report': { input: RendererAuditEvent, output: z.undefined() },
  /** The admin screen (electron/audit/sync.ts, renderer/screens/AuditScreen.tsx): the log, newest first. */
  'audit.list': { input: AuditLogQuery, output: z.array(AuditLogEntry), role: 'admin' },
  /** Walks the hash chain (verify()): intact, or the first broken link. */
  'audit.verify': { input: NoInput, output: ChainVerification, role: 'admin' },
  'audit.syncStatus': { input: NoInput, output: AuditSyncStatus, role: 'admin' },
  /** The window saw the network come back (`online`): pending audit events go at once. */
  'network.online': { input: NoInput, output: z.undefined() },
  /** Starts delivering the pending events now (cuts a back-off wait short); the states follow as events. */
  'audit.syncNow': { input: NoInput, output: AuditSyncStatus, role: 'admin' },
  /** Whether the encrypted database is open, or why not. */
  'storage.status': { input: NoInput, output: StorageStatus },
  /** Opens the database again (and probes the keychain again), e.g. after the user unlocked the keychain. */
  'storage.retry': { input: NoInput, output: StorageStatus },
  /** A report for IT about a database that does not open: no key, no names, no numbers. */
  'storage.exportDiagnostics': { input: NoInput, output: DiagnosticsReport },
  /** Moves an unreadable database aside (never deletes it) and starts a new one with a new key. */
  'storage.startOver': {
    input: z.object({ confirm: z.literal(START_OVER_CONFIRMATION) }).strict(),
    output: StartOverResult,
  },
  'history.list': { input: HistoryQuery, output: z.array(CallRecord) },
  'history.delete': { input: z.object({ id: z.string().min(1).max(128) }).strict(), output: z.boolean() },
  'history.deleteAll': { input: NoInput, output: z.number() },
  /** Missed calls not yet seen in History (the badge), and marking them seen. */
  'history.missedCount': { input: NoInput, output: z.number().int().nonnegative() },
  'history.markSeen': { input: NoInput, output: z.undefined() },
  /** Contacts, in the encrypted database only: favourites first, search by name, organisation, e-mail or number. */
  'contacts.list': { input: ContactQuery, output: z.array(Contact) },
  'contacts.get': { input: z.object({ id: ContactId }).strict(), output: Contact.nullable() },
  'contacts.create': { input: ContactInput, output: Contact },
  /** Null when the contact no longer exists. */
  'contacts.update': { input: ContactUpdate, output: Contact.nullable() },
  'contacts.delete': { input: z.object({ id: ContactId }).strict(), output: z.boolean() },
  'contacts.setFavourite': {
    input: z.object({ id: ContactId, favourite: z.boolean() }).strict(),
    output: Contact.nullable(),
  },
  /** Stops an import or export at its next step; what it had done is undone. */
  'task.cancel': { input: TaskCancel, output: z.undefined() },
  /** A vCard or CSV file's text, read by the renderer, parsed and stored by main. */
  'contacts.import': { input: ContactImportInput, output: ContactImportResult },
  /** Caller ID: the name of the contact with this number or SIP address. */
  'contacts.lookup': {
    input: z.object({ uri: z.string().max(2048) }).strict(),
    output: z.string().nullable(),
  },
  /** "Delete all my data on this device": crypto-shredding, then back to first run. */
  'data.deleteAll': { input: z.object({ confirm: z.literal(true) }).strict(), output: z.undefined() },
  /**
   * "Export my data": main asks for a folder (its own dialog, with the renderer's translated texts) and
   * writes history, contacts, settings and the audit log there as JSON and CSV. The renderer never
   * names a path.
   */
  'data.export': { input: DataExportRequest, output: DataExportResult },
  /** The provider's status page (electron/provider-status): incidents and maintenance for the banner. */
  'providerStatus.get': { input: NoInput, output: ProviderStatusState },
  /** The phone's registration failed: main asks the status page at once (at most once a minute). */
  'providerStatus.registrationFailed': { input: NoInput, output: z.undefined() },
  /** Opens the status page the provider named (main holds the URL; the renderer names none). */
  'providerStatus.openPage': { input: NoInput, output: z.undefined() },
  /**
   * Signing in to the company's proxy (electron/net/proxy-sign-in.ts): the dialog's state, the person's
   * answer (kept in the keychain), Cancel, asking again after a cancel, and Settings' Forget.
   */
  'proxySignIn.state': { input: NoInput, output: ProxySignInState },
  'proxySignIn.answer': { input: ProxySignInAnswer, output: ProxySignInState },
  'proxySignIn.cancel': { input: ProxyRef, output: ProxySignInState },
  'proxySignIn.ask': { input: ProxyRef, output: ProxySignInState },
  'proxySignIn.forget': { input: ProxyRef, output: ProxySignInState },
  /** Security and privacy at a glance, from live state (shared/security/overview.ts). */
  'security.overview': { input: NoInput, output: SecurityOverview },
} as const;

export type ChannelName = keyof typeof channels;
export type ChannelInput<C extends ChannelName> = z.input<(typeof channels)[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<(typeof channels)[C]['output']>;

/** The role a channel needs (see ChannelRole), or null when it answers anyone. */
export function requiredRoleOf(channel: ChannelName): ChannelRole | null {
  const spec: { input: unknown; role?: ChannelRole } = channels[channel];
  return spec.role ?? null;
}

/**
 * What the router does with each channel while the session is locked (electron/auth/session-lock.ts): it
 * answers the channels marked 'answers' and refuses every other one with the error `locked`, before the
 * input is read. Each channel must be decided here (the type demands an entry per channel). 'answers' is
 * for the lock screen and a ringing call only, never for a channel that reads or changes personal data
 * (history, contacts, accounts, the session's user), settings or policy.
 */
export const whileLocked = {
  'app.getInfo': 'refused',
  'settings.get': 'refused',
  'settings.update': 'refused',
  'policy.get': 'refused',
  'policy.warnings': 'refused',
  'external.open': 'refused',
  'signIn.start': 'refused',
  'signIn.cancel': 'refused',
  'signIn.state': 'refused',
  'signIn.signOut': 'refused',
  'signIn.clockSkew': 'refused',
  'session.lockState': 'answers',
  // Input seen while locked changes nothing; refusing it would only fill the log.
  'session.activity': 'answers',
  'session.lock': 'answers',
  'session.unlock': 'answers',
  'session.cancelUnlock': 'answers',
  'updates.status': 'refused',
  'updates.check': 'refused',
  'updates.install': 'refused',
  'sipAccount.get': 'refused',
  'sipAccount.save': 'refused',
  'sipAccount.remove': 'refused',
  'sipAccount.setPassword': 'refused',
  // The HA1: the phone keeps the registration it has; rotated credentials are fetched after unlock.
  'sipAccount.registration': 'refused',
  'tls.probe': 'refused',
  // A ringing call: its history entry and audit event (nothing comes back), and its OS notification.
  'call.report': 'answers',
  'call.notifyIncoming': 'answers',
  'call.dismissNotification': 'answers',
  'audit.report': 'refused',
  'audit.list': 'refused',
  'audit.verify': 'refused',
  'audit.syncStatus': 'refused',
  // No data either way: pending audit events (the lock among them) go to the provider.
  'network.online': 'answers',
  'audit.syncNow': 'refused',
  'storage.status': 'refused',
  'storage.retry': 'refused',
  'storage.exportDiagnostics': 'refused',
  'storage.startOver': 'refused',
  'history.list': 'refused',
  'history.delete': 'refused',
  'history.deleteAll': 'refused',
  'history.missedCount': 'refused',
  'history.markSeen': 'refused',
  'contacts.list': 'refused',
  'contacts.get': 'refused',
  'contacts.create': 'refused',
  'contacts.update': 'refused',
  'contacts.delete': 'refused',
  'contacts.setFavourite': 'refused',
  'contacts.import': 'refused',
  'task.cancel': 'refused',
  'contacts.lookup': 'refused',
  'data.deleteAll': 'refused',
  'data.export': 'refused',
  // The provider's status concerns no one personally; the phone still registers while locked.
  'providerStatus.get': 'answers',
  'providerStatus.registrationFailed': 'answers',
  'providerStatus.openPage': 'refused',
  // The tray shows whether the phone is registered; it still rings while locked.
  'phone.registrationChanged': 'answers',
  'dialLinks.state': 'refused',
  'dialLinks.register': 'refused',
  // No password is typed into a locked app, and the lock screen names no proxy or user: a proxy that asks
  // while locked gets no answer (its requests fail as 'auth-required'); the dialog is offered after unlock.
  'proxySignIn.state': 'refused',
  'proxySignIn.answer': 'refused',
  'proxySignIn.cancel': 'refused',
  'proxySignIn.ask': 'refused',
  'proxySignIn.forget': 'refused',
  'security.overview': 'refused',
} as const satisfies Record<ChannelName, 'answers' | 'refused'>;

export function answersWhileLocked(channel: ChannelName): boolean {
  return whileLocked[channel] === 'answers';
}

/** Events pushed from main to the renderer. */
export const events = {
  'settings.changed': SettingsState,
  'policy.changed': EffectivePolicySchema,
  /** The issuer was read again for a new policy: what it cannot meet (administrators only show it). */
  'policy.warningsChanged': PolicyWarnings,
  'sipAccount.changed': SipAccountState,
  'signIn.changed': SignInState,
  'signIn.clockSkew': ClockSkew,
  'session.lockChanged': SessionLockState,
  'history.changed': z.object({}),
  'contacts.changed': z.object({}),
  /** The computer woke from sleep: the phone reconnects at once instead of waiting for its back-off. */
  'system.resumed': z.object({}),
  /** The user chose Answer or Decline on the OS notification of a ringing call. */
  'call.notificationAction': z.object({ callId, action: z.enum(['answer', 'decline', 'show']) }),
  /** The person chose "Call back" on a missed-call notification: the Phone screen dials the caller. */
  'call.callBack': z.object({ target: z.string().min(1).max(512) }),
  /** How far an import or export in main is. */
  'task.progress': TaskProgress,
  /**
   * A tel:, callto: or sip: link opened the app (electron/platform/protocol-handler.ts): the Phone screen's
   * number field gets the target; the person presses Call.
   */
  'dial.request': z.object({ target: z.string().min(1).max(256) }),
  'updates.changed': UpdateStatus,
  /** A global shortcut for a call was pressed (answer, hang up, mute) while another program had the focus. */
  'call.shortcut': CallShortcut,
  /** The delivery of the audit log to the provider changed state. */
  'audit.syncChanged': AuditSyncStatus,
  /** The provider's status page said something new (or its answer went stale). */
  'providerStatus.changed': ProviderStatusState,
  /** The company's proxy asks for a sign-in, or its sign-in changed (dialog, "needed", saved). */
  'proxySignIn.changed': ProxySignInState,
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/**
 * Which events main sends while the session is locked. 'held' events carry personal data or make the
 * window fetch it: main drops them while locked and, at unlock, sends the current state of each again.
 * Each event must be decided here.
 */
export const eventsWhileLocked = {
  'settings.changed': 'sent',
  'policy.changed': 'sent',
  // What the issuer cannot meet of the policy: nothing personal, like the policy itself.
  'policy.warningsChanged': 'sent',
  'sipAccount.changed': 'held',
  'signIn.changed': 'held',
  'signIn.clockSkew': 'sent',
  'session.lockChanged': 'sent',
  'history.changed': 'held',
  'contacts.changed': 'held',
  'system.resumed': 'sent',
  'call.notificationAction': 'sent',
  // The link the person just opened; the Phone screen takes it after unlock.
  'dial.request': 'sent',
  'updates.changed': 'sent',
  'audit.syncChanged': 'sent',
  'providerStatus.changed': 'sent',
  // Answer, decline, hang up and mute: the call actions that work while locked.
  'call.shortcut': 'sent',
  // Names the proxy and the user; at unlock the current state follows (the dialog opens then).
  'proxySignIn.changed': 'held',
  // Pressed on purpose; the caller's address only (main's notification names nobody while locked): the
  // Phone screen dials it after unlock.
  'call.callBack': 'sent',
  // Counts only: how far an import or export is.
  'task.progress': 'sent',
} as const satisfies Record<EventName, 'sent' | 'held'>;

export function sentWhileLocked(event: EventName): boolean {
  return eventsWhileLocked[event] === 'sent';
}

export const channelNames = Object.keys(channels) as ChannelName[];
export const eventNames = Object.keys(events) as EventName[];

export function isChannelName(value: unknown): value is ChannelName {
  return typeof value === 'string' && Object.hasOwn(channels, value);
}

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(events, value);
}

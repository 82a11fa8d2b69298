import type { AuditEvent } from '../../shared/audit/catalog.js';
import type { SignInErrorReason } from '../../shared/domain/identity.js';
import type { SessionLockState } from '../../shared/ipc/contract.js';
import { sentWhileLocked } from '../../shared/ipc/contract.js';
import type { Emit, EventListener } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import {
  idleDeadline,
  initialLockState,
  needsReauthentication,
  stepLock,
  type LockEffect,
  type LockInput,
  type LockPolicy,
  type LockState,
} from './session-lock.js';
import { classifySignInError, SignInError } from './sign-in-errors.js';
import { realTimers, type Timers } from './sign-in-service.js';

export interface SessionLockControllerDeps {
  policy(): LockPolicy;
  now(): number;
  /** The idle timer (tests pass fake ones with the fake clock `now`). */
  timers?: Timers;
  /** Signs in again at the IdP (`prompt=login`); resolves with the new `auth_time` on this computer's clock. */
  reauthenticate(): Promise<number>;
  /** Gives up that sign-in (it then rejects as cancelled). */
  cancelReauthentication(): void;
  record(event: AuditEvent): void;
  emit: Emit;
  logError(message: string, error: unknown): void;
}

/**
 * The session lock of the running app (electron/auth/session-lock.ts is its pure state machine), only while
 * signed in: idle time from the renderer's throttled `session.activity`, OS lock and sleep from
 * powerMonitor, a timer at the deadline. Unlocking beyond the policy's session age needs the IdP again.
 */
export interface SessionLockController {
  isLocked(): boolean;
  state(): SessionLockState;
  /** A session began (with its last authentication at the IdP) or ended. */
  signInChanged(signedIn: boolean, authTime: number | null): void;
  osLocked(): void;
  systemSuspended(): void;
  /** Locks now, as the window's Lock now does (the tray's Lock). */
  lockNow(): void;
  /** The idle lock follows the policy's new minutes at once. */
  policyChanged(): void;
  /**
   * A listener that hears nothing the contract holds back while locked (`eventsWhileLocked`: events with
   * personal data, or that make the window fetch it). For the windows' listeners.
   */
  gateEvents(listener: EventListener): EventListener;
  /** The app unlocked: the window gets again what it could not have while locked. */
  onUnlocked(listener: () => void): void;
  handlers: HandlersFor<
    'session.lockState' | 'session.activity' | 'session.lock' | 'session.unlock' | 'session.cancelUnlock'
  >;
  dispose(): void;
}

export function createSessionLockController(deps: SessionLockControllerDeps): SessionLockController {
  const { now } = deps;
  const timers = deps.timers ?? realTimers;
  let lock: LockState | null = null;
  let timer: unknown = null;
  // The renewed sign-ins that Unlock started: only the latest one's outcome counts (pressing Unlock again
  // aborts the one before, which is no failure), and why it failed until Unlock is pressed again.
  let unlockAttempts = 0;
  let unlockFailure: SignInErrorReason | null = null;
  const unlockedListeners: (() => void)[] = [];

  const state = (): SessionLockState => {
    const locked = lock?.status === 'locked';
    return {
      locked,
      reauthRequired: locked && needsReauthentication(lock!, deps.policy(), now()),
      ...(locked && unlockFailure !== null && { unlockFailure }),
    };
  };
  const announce = () => deps.emit('session.lockChanged', state());
  const armTimer = () => {
    if (timer !== null) timers.clear(timer);
    timer = null;
    const deadline = lock ? idleDeadline(lock, deps.policy()) : null;
    if (deadline === null) return;
    timer = timers.set(
      () => {
        timer = null;
        feed({ type: 'tick', at: now() });
      },
      Math.max(0, deadline - now()),
    );
  };
  const feed = (input: LockInput): LockEffect[] => {
    if (!lock) return [];
    const { state: next, effects } = stepLock(lock, input, deps.policy());
    lock = next;
    if (next.status === 'unlocked') unlockFailure = null;
    for (const effect of effects) {
      if (effect.type === 'locked')
        deps.record({ type: 'session.locked', details: { reason: effect.reason } });
      if (effect.type === 'unlocked')
        deps.record({ type: 'session.unlocked', details: { reauthenticated: effect.reauthenticated } });
      if (effect.type === 'reauthentication-required')
        deps.record({ type: 'session.expired', details: { maxAgeHours: effect.maxAgeHours } });
    }
    armTimer();
    if (effects.some((effect) => effect.type !== 'reauthentication-required')) announce();
    if (effects.some((effect) => effect.type === 'unlocked'))
      for (const listener of unlockedListeners) listener();
    return effects;
  };
  const unlockFailed = (reason: SignInErrorReason) => {
    unlockFailure = reason;
    announce();
  };
  /** Beyond the policy's session age: sign-in again (prompt=login); the app unlocks on its success. */
  const reauthenticateToUnlock = () => {
    const attempt = ++unlockAttempts;
    deps.reauthenticate().then(
      (authTime) => {
        feed({ type: 'unlock', at: now(), reauthenticatedAt: authTime });
        // Still locked: the provider did not authenticate the person again (an old auth_time).
        if (lock?.status === 'locked' && attempt === unlockAttempts) unlockFailed('idp-error');
      },
      (error: unknown) => {
        // Superseded by pressing Unlock again, or ended by signing out or closing: nobody waits for it.
        if (attempt !== unlockAttempts || lock?.status !== 'locked') return;
        // The sign-in service logs the failures worth a log line, without the token's claims.
        if (!(error instanceof SignInError)) deps.logError('Signing in again to unlock failed', error);
        unlockFailed(classifySignInError(error).reason);
      },
    );
  };

  return {
    isLocked: () => lock?.status === 'locked',
    state,
    signInChanged(signedIn, authTime) {
      if (signedIn && !lock) {
        lock = initialLockState(now(), authTime ?? now());
        armTimer();
        announce();
      } else if (!signedIn && lock) {
        lock = null;
        unlockFailure = null;
        armTimer();
        announce();
      }
    },
    osLocked: () => void feed({ type: 'os-lock', at: now() }),
    systemSuspended: () => void feed({ type: 'suspend', at: now() }),
    lockNow: () => void feed({ type: 'lock', at: now() }),
    policyChanged: armTimer,
    gateEvents: (listener) => (event, payload) => {
      if (lock?.status !== 'locked' || sentWhileLocked(event)) listener(event, payload);
    },
    onUnlocked: (listener) => void unlockedListeners.push(listener),
    handlers: {
      'session.lockState': state,
      'session.activity': () => {
        feed({ type: 'activity', at: now() });
        return undefined;
      },
      'session.lock': () => {
        feed({ type: 'lock', at: now() });
        return state();
      },
      'session.unlock': () => {
        unlockFailure = null;
        const effects = feed({ type: 'unlock', at: now(), reauthenticatedAt: null });
        if (effects.some((effect) => effect.type === 'reauthentication-required')) reauthenticateToUnlock();
        return state();
      },
      'session.cancelUnlock': () => {
        // Only the sign-in that Unlock started: an unlocked app has none, and a sign-in there is not the lock's.
        if (lock?.status === 'locked') deps.cancelReauthentication();
        return state();
      },
    },
    dispose() {
      lock = null;
      armTimer();
    },
  };
}

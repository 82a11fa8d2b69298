import type { lockReasons } from '../../shared/audit/catalog.js';

/**
 * The session lock as a pure state machine: inputs carry their time, nothing reads a clock, so a test
 * drives it with a fake one and the runtime (powerMonitor, input events, a timer at `idleDeadline`) feeds it.
 */

export type LockReason = (typeof lockReasons)[number];

export interface LockPolicy {
  /** Minutes without input after which the app locks. */
  idleLockMinutes: number;
  /** Hours after the last authentication at the IdP after which unlocking needs the IdP again. */
  sessionMaxAgeHours: number;
}

export type LockState =
  | { status: 'unlocked'; lastActivity: number; authTime: number }
  | { status: 'locked'; reason: LockReason; since: number; authTime: number };

export type LockInput =
  /** Keyboard or pointer input in the app (or the OS reports the user active). */
  | { type: 'activity'; at: number }
  /** Time passed (the runtime's idle timer fired). */
  | { type: 'tick'; at: number }
  | { type: 'os-lock'; at: number }
  | { type: 'suspend'; at: number }
  | { type: 'lock'; at: number }
  /**
   * The person asks to unlock; `reauthenticatedAt` is the `auth_time` of a fresh sign-in at the IdP
   * (`prompt=login` / `max_age`) on this computer's clock, or null when they only asked.
   */
  | { type: 'unlock'; at: number; reauthenticatedAt: number | null };

export type LockEffect =
  | { type: 'locked'; reason: LockReason }
  | { type: 'unlocked'; reauthenticated: boolean }
  /** The session is too old: the IdP must be asked again before the app unlocks. */
  | { type: 'reauthentication-required'; maxAgeHours: number };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * `auth_time` has whole seconds and reaches this computer's clock through an offset measured in whole
 * seconds: a fresh authentication may look this much older than it is.
 */
export const AUTH_TIME_PRECISION_MS = 2000;

export function initialLockState(at: number, authTime: number): LockState {
  return { status: 'unlocked', lastActivity: at, authTime };
}

/** Whether unlocking at `at` needs a fresh authentication at the IdP. */
export function needsReauthentication(state: LockState, policy: LockPolicy, at: number): boolean {
  return at - state.authTime >= policy.sessionMaxAgeHours * HOUR;
}

/** When the idle lock engages if nothing else happens (null while locked). */
export function idleDeadline(state: LockState, policy: LockPolicy): number | null {
  return state.status === 'unlocked' ? state.lastActivity + policy.idleLockMinutes * MINUTE : null;
}

export function stepLock(
  state: LockState,
  input: LockInput,
  policy: LockPolicy,
): { state: LockState; effects: LockEffect[] } {
  const lock = (reason: LockReason) =>
    state.status === 'locked'
      ? { state, effects: [] }
      : {
          state: { status: 'locked' as const, reason, since: input.at, authTime: state.authTime },
          effects: [{ type: 'locked' as const, reason }],
        };

  switch (input.type) {
    case 'activity':
      if (state.status === 'locked') return { state, effects: [] };
      // Input that arrives after the deadline (the timer was late, the machine was busy) still locks first.
      if (input.at >= idleDeadline(state, policy)!) return lock('idle');
      return { state: { ...state, lastActivity: Math.max(state.lastActivity, input.at) }, effects: [] };
    case 'tick':
      if (state.status === 'unlocked' && input.at >= idleDeadline(state, policy)!) return lock('idle');
      return { state, effects: [] };
    case 'os-lock':
      return lock('os-lock');
    case 'suspend':
      return lock('sleep');
    case 'lock':
      return lock('user');
    case 'unlock': {
      if (state.status === 'unlocked') return { state, effects: [] };
      const fresh =
        input.reauthenticatedAt !== null && input.reauthenticatedAt >= state.since - AUTH_TIME_PRECISION_MS;
      const authTime = fresh ? input.reauthenticatedAt! : state.authTime;
      if (!fresh && needsReauthentication(state, policy, input.at))
        return {
          state,
          effects: [{ type: 'reauthentication-required', maxAgeHours: policy.sessionMaxAgeHours }],
        };
      return {
        state: { status: 'unlocked', lastActivity: input.at, authTime },
        effects: [{ type: 'unlocked', reauthenticated: fresh }],
      };
    }
  }
}

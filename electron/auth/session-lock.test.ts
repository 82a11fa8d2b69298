import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../shared/policy/schema.js';
import {
  AUTH_TIME_PRECISION_MS,
  idleDeadline,
  initialLockState,
  stepLock,
  type LockEffect,
  type LockInput,
  type LockPolicy,
  type LockState,
} from './session-lock.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

/** Drives the machine along a fake clock and collects what it asked the app to do. */
function driver(policy: LockPolicy, authTime = T0) {
  let state: LockState = initialLockState(T0, authTime);
  const effects: LockEffect[] = [];
  return {
    send(input: LockInput) {
      const next = stepLock(state, input, policy);
      state = next.state;
      effects.push(...next.effects);
      return next.effects;
    },
    get state() {
      return state;
    },
    effects,
  };
}

describe('session lock', () => {
  const policy = resolvePolicy({});

  it('locks after the policy default of 15 idle minutes, counted from the last input', () => {
    const lock = driver(policy);
    expect(idleDeadline(lock.state, policy)).toBe(T0 + 15 * MINUTE);
    lock.send({ type: 'activity', at: T0 + 5 * MINUTE });
    expect(lock.send({ type: 'tick', at: T0 + 19 * MINUTE })).toEqual([]);
    expect(lock.state.status).toBe('unlocked');
    expect(lock.send({ type: 'tick', at: T0 + 20 * MINUTE })).toEqual([{ type: 'locked', reason: 'idle' }]);
    expect(idleDeadline(lock.state, policy)).toBeNull();
    // Input while locked does not unlock, and a second lock reports nothing new.
    expect(lock.send({ type: 'activity', at: T0 + 21 * MINUTE })).toEqual([]);
    expect(lock.send({ type: 'os-lock', at: T0 + 22 * MINUTE })).toEqual([]);
    expect(lock.state).toMatchObject({ status: 'locked', reason: 'idle', since: T0 + 20 * MINUTE });
  });

  it('follows the policy minutes, and late input after the deadline still locks', () => {
    const lock = driver(resolvePolicy({ idleLockMinutes: 2 }));
    expect(lock.send({ type: 'activity', at: T0 + 2 * MINUTE + 1 })).toEqual([
      { type: 'locked', reason: 'idle' },
    ]);
  });

  it('locks at once on OS lock, on suspend and on request', () => {
    for (const [input, reason] of [
      ['os-lock', 'os-lock'],
      ['suspend', 'sleep'],
      ['lock', 'user'],
    ] as const) {
      const lock = driver(policy);
      expect(lock.send({ type: input, at: T0 + MINUTE })).toEqual([{ type: 'locked', reason }]);
    }
  });

  it('unlocks without the IdP while the session is young, and counts idle time afresh', () => {
    const lock = driver(policy);
    lock.send({ type: 'suspend', at: T0 + HOUR });
    expect(lock.send({ type: 'unlock', at: T0 + 2 * HOUR, reauthenticatedAt: null })).toEqual([
      { type: 'unlocked', reauthenticated: false },
    ]);
    expect(idleDeadline(lock.state, policy)).toBe(T0 + 2 * HOUR + 15 * MINUTE);
  });

  it('needs the IdP again once the session is older than policy allows, then starts a new session age', () => {
    const short = resolvePolicy({ sessionMaxAgeHours: 8 });
    const lock = driver(short);
    lock.send({ type: 'os-lock', at: T0 + 7 * HOUR });
    expect(lock.send({ type: 'unlock', at: T0 + 8 * HOUR, reauthenticatedAt: null })).toEqual([
      { type: 'reauthentication-required', maxAgeHours: 8 },
    ]);
    expect(lock.state.status).toBe('locked');
    // An authentication from before the lock does not count as fresh.
    expect(lock.send({ type: 'unlock', at: T0 + 8 * HOUR, reauthenticatedAt: T0 + 6 * HOUR })).toEqual([
      { type: 'reauthentication-required', maxAgeHours: 8 },
    ]);
    expect(
      lock.send({ type: 'unlock', at: T0 + 8 * HOUR + MINUTE, reauthenticatedAt: T0 + 8 * HOUR }),
    ).toEqual([{ type: 'unlocked', reauthenticated: true }]);
    expect(lock.state).toMatchObject({ status: 'unlocked', authTime: T0 + 8 * HOUR });
    // The next lock within 8 hours of the new sign-in unlocks without the IdP.
    lock.send({ type: 'lock', at: T0 + 9 * HOUR });
    expect(lock.send({ type: 'unlock', at: T0 + 15 * HOUR, reauthenticatedAt: null })).toEqual([
      { type: 'unlocked', reauthenticated: false },
    ]);
  });

  it("takes an authentication within auth_time's precision of the lock as fresh, an older one not", () => {
    const short = resolvePolicy({ sessionMaxAgeHours: 8 });
    const since = T0 + 9 * HOUR + 500;
    const lock = driver(short);
    lock.send({ type: 'lock', at: since });
    // Whole seconds, through a skew measured in whole seconds: a quick sign-in may look older than the lock.
    expect(
      lock.send({ type: 'unlock', at: since + 1000, reauthenticatedAt: since - AUTH_TIME_PRECISION_MS - 1 }),
    ).toEqual([{ type: 'reauthentication-required', maxAgeHours: 8 }]);
    expect(
      lock.send({ type: 'unlock', at: since + 1000, reauthenticatedAt: since - AUTH_TIME_PRECISION_MS }),
    ).toEqual([{ type: 'unlocked', reauthenticated: true }]);
  });
});

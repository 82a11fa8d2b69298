import { create } from 'zustand';
import type { SignInErrorReason } from '../../shared/domain/identity';
import type { SessionLockState } from '../../shared/ipc/contract';
import { call, errorKey, subscribe } from '../ipc/client';

/** Input is reported to main at most this often: enough for an idle lock counted in minutes. */
export const ACTIVITY_REPORT_MS = 30_000;

interface SessionLockStore extends Omit<SessionLockState, 'unlockFailure'> {
  /** Unlocking was refused or signing in again failed to start, as an i18n key. */
  error: string | null;
  /** "Unlock" was pressed and main asked the IdP (sign-in again in the browser). */
  reauthenticating: boolean;
  /** Why signing in again in the browser did not unlock (main reports it with the lock state). */
  unlockFailure: SignInErrorReason | null;
  load(): Promise<void>;
  /** "Lock now". */
  lock(): Promise<void>;
  unlock(): Promise<void>;
  /** Gives up signing in again in the browser; main reports it as a cancelled sign-in and stays locked. */
  cancelUnlock(): Promise<void>;
}

let unsubscribe: (() => void) | null = null;

/** Main's answer as the store keeps it: no failure reported is null. */
const fromMain = (state: SessionLockState) => ({ ...state, unlockFailure: state.unlockFailure ?? null });

/** The session lock as main decides it (electron/auth/session-lock.ts). */
export const useSessionLockStore = create<SessionLockStore>()((set) => ({
  locked: false,
  reauthRequired: false,
  error: null,
  reauthenticating: false,
  unlockFailure: null,
  async load() {
    unsubscribe?.();
    unsubscribe = subscribe('session.lockChanged', (state) => {
      const next = fromMain(state);
      // A failed sign-in ends the wait for the browser; unlocking ends everything the screen said.
      set({
        ...next,
        ...(next.unlockFailure !== null && { reauthenticating: false }),
        ...(!state.locked && { reauthenticating: false, error: null }),
      });
    });
    try {
      set(fromMain(await call('session.lockState', undefined)));
    } catch (error) {
      set({ error: errorKey(error) });
    }
  },
  async lock() {
    try {
      set(fromMain(await call('session.lock', undefined)));
    } catch (error) {
      set({ error: errorKey(error) });
    }
  },
  async unlock() {
    set({ error: null, unlockFailure: null });
    try {
      const state = fromMain(await call('session.unlock', undefined));
      // A failure reported while this answer was on its way stays on screen.
      set((current) => ({
        ...state,
        unlockFailure: current.unlockFailure ?? state.unlockFailure,
        reauthenticating: state.locked && state.reauthRequired && current.unlockFailure === null,
      }));
    } catch (error) {
      set({ error: errorKey(error) });
    }
  },
  async cancelUnlock() {
    try {
      await call('session.cancelUnlock', undefined);
    } catch (error) {
      set({ error: errorKey(error) });
    }
  },
}));

/** Resolves once main says the session is not locked (at once when it is not). */
export function untilUnlocked(): Promise<void> {
  return new Promise((resolve) => {
    if (!useSessionLockStore.getState().locked) return resolve();
    const stop = useSessionLockStore.subscribe((state) => {
      if (state.locked) return;
      stop();
      resolve();
    });
  });
}

/** Reports keyboard and pointer input to main, at most every `ACTIVITY_REPORT_MS`. */
export function watchActivity(target: Window = window, now: () => number = Date.now): () => void {
  let last = -Infinity;
  const report = () => {
    if (now() - last < ACTIVITY_REPORT_MS) return;
    last = now();
    void call('session.activity', undefined).catch(() => undefined);
  };
  const kinds = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;
  for (const kind of kinds) target.addEventListener(kind, report, { passive: true });
  return () => {
    for (const kind of kinds) target.removeEventListener(kind, report);
  };
}

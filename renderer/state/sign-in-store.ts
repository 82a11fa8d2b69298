import { create } from 'zustand';
import type { SignInState, StartSignIn } from '../../shared/domain/identity';
import { call, errorKey, subscribe } from '../ipc/client';

interface SignInStore {
  state: SignInState;
  /** Seconds this computer's clock is ahead of the provider's (null until the provider answered). */
  clockSkew: number | null;
  /** A refused request (policy, keychain), as an i18n key; the flow's own errors are in `state`. */
  requestError: string | null;
  load(): Promise<void>;
  start(request: StartSignIn): Promise<void>;
  cancel(): Promise<void>;
  signOut(): Promise<void>;
}

/** Subscriptions of the last `load`: loading again replaces them instead of adding listeners. */
let unsubscribe: Array<() => void> = [];

/** The sign-in state as main reports it: signed out, in progress (browser open), signed in, or why not. */
export const useSignInStore = create<SignInStore>()((set) => ({
  state: { status: 'signed-out' },
  clockSkew: null,
  requestError: null,
  async load() {
    for (const stop of unsubscribe) stop();
    unsubscribe = [
      subscribe('signIn.changed', (state) => set({ state })),
      subscribe('signIn.clockSkew', ({ seconds }) => set({ clockSkew: seconds })),
    ];
    try {
      const [state, skew] = await Promise.all([
        call('signIn.state', undefined),
        call('signIn.clockSkew', undefined),
      ]);
      set({ state, clockSkew: skew.seconds });
    } catch (error) {
      // Signed out until main answers; the sign-in screen says why.
      set({ requestError: errorKey(error) });
    }
  },
  async start(request) {
    set({ requestError: null });
    try {
      // The outcome (and "in progress") arrives as `signIn.changed`, in order; answers may overtake events.
      await call('signIn.start', request);
    } catch (error) {
      set({ requestError: errorKey(error) });
    }
  },
  async cancel() {
    await call('signIn.cancel', undefined);
  },
  async signOut() {
    set({ requestError: null });
    try {
      await call('signIn.signOut', undefined);
    } catch (error) {
      set({ requestError: errorKey(error) });
    }
  },
}));

/** Whether the signed-in person is an administrator, by the roles of their ID token (never a local setting). */
export function useIsAdmin(): boolean {
  return useSignInStore((s) => s.state.status === 'signed-in' && s.state.user.roles.includes('admin'));
}

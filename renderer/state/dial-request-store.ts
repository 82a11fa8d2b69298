import { create } from 'zustand';
import { subscribe } from '../ipc/client';
import { useAppStore } from './app-store';

interface DialRequestState {
  /** What a tel:/callto:/sip: link asked to dial, until the Phone screen puts it into its number field. */
  pending: string | null;
  /** Takes the pending target (once). */
  take(): string | null;
}

export const useDialRequestStore = create<DialRequestState>()((set, get) => ({
  pending: null,
  take() {
    const { pending } = get();
    if (pending !== null) set({ pending: null });
    return pending;
  },
}));

/**
 * Listens for `dial.request` from main from the start (a link can open the app), and shows the Phone
 * screen with the target. Signed-out people see it after signing in.
 */
export function listenForDialRequests(): () => void {
  return subscribe('dial.request', ({ target }) => {
    useDialRequestStore.setState({ pending: target });
    if (useAppStore.getState().screen !== 'signIn') useAppStore.getState().navigate('phone');
  });
}

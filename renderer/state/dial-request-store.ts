import { create } from 'zustand';
import { hasBridge, subscribe } from '../ipc/client';
import { useAppStore } from './app-store';

interface DialRequestState {
  /** What a tel:/callto:/sip: link asked to dial, until the Phone screen puts it into its number field. */
  pending: string | null;
  /** Whom "Call back" on a missed-call notification asked to call, until the Phone screen dials it. */
  callBack: string | null;
  /** Takes the pending target (once). */
  take(): string | null;
  /** Takes the pending call-back (once). */
  takeCallBack(): string | null;
}

export const useDialRequestStore = create<DialRequestState>()((set, get) => ({
  pending: null,
  callBack: null,
  take() {
    const { pending } = get();
    if (pending !== null) set({ pending: null });
    return pending;
  },
  takeCallBack() {
    const { callBack } = get();
    if (callBack !== null) set({ callBack: null });
    return callBack;
  },
}));

/**
 * Listens for `dial.request` from main from the start (a link can open the app), and shows the Phone
 * screen with the target. Signed-out people see it after signing in.
 */
export function listenForDialRequests(): () => void {
  // Without the bridge the app only says that it cannot start.
  if (!hasBridge()) return () => undefined;
  const stops = [
    subscribe('dial.request', ({ target }) => {
      useDialRequestStore.setState({ pending: target });
      if (useAppStore.getState().screen !== 'signIn') useAppStore.getState().navigate('phone');
    }),
    // Pressed on purpose in a notification: dialled at once, the outcome shown on the Phone screen.
    subscribe('call.callBack', ({ target }) => {
      useDialRequestStore.setState({ callBack: target });
      useAppStore.getState().navigate('phone');
    }),
  ];
  return () => stops.forEach((stop) => stop());
}

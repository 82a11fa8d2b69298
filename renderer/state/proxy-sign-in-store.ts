import { create } from 'zustand';
import type { ProxySignInAnswer, ProxySignInState } from '../../shared/domain/proxy-sign-in';
import { call, errorKey, subscribe } from '../ipc/client';

interface ProxySignInStore {
  /** Main's state of the proxy sign-in (null until it answered). */
  state: ProxySignInState | null;
  /** The dialog's answer is on its way to main. */
  busy: boolean;
  /** The i18n key of the last failed call (shown in the dialog or the Settings section). */
  errorKey: string | null;
  answer(answer: ProxySignInAnswer): Promise<void>;
  cancel(proxy: string): Promise<void>;
  ask(proxy: string): Promise<void>;
  forget(proxy: string): Promise<void>;
}

export const useProxySignInStore = create<ProxySignInStore>()((set) => {
  const act = async (send: () => Promise<ProxySignInState>) => {
    set({ busy: true, errorKey: null });
    try {
      set({ state: await send(), busy: false });
    } catch (error) {
      set({ busy: false, errorKey: errorKey(error) });
    }
  };
  return {
    state: null,
    busy: false,
    errorKey: null,
    answer: (answer) => act(() => call('proxySignIn.answer', answer)),
    cancel: (proxy) => act(() => call('proxySignIn.cancel', { proxy })),
    ask: (proxy) => act(() => call('proxySignIn.ask', { proxy })),
    forget: (proxy) => act(() => call('proxySignIn.forget', { proxy })),
  };
});

/** Follows main's proxy sign-in (the dialog opens when a proxy asks); returns the function that stops. */
export function watchProxySignIn(): () => void {
  // An event is newer than the first answer when it overtakes it.
  let heard = false;
  const stop = subscribe('proxySignIn.changed', (state) => {
    heard = true;
    useProxySignInStore.setState({ state });
  });
  void call('proxySignIn.state', undefined).then(
    (state) => {
      if (!heard) useProxySignInStore.setState({ state });
    },
    () => {
      // Refused while locked; the state comes as an event at unlock.
    },
  );
  return stop;
}

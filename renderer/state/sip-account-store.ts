import { create } from 'zustand';
import type { SaveSipAccount, SipAccountState } from '../../shared/domain/sip-account';
import { call, subscribe } from '../ipc/client';
import { pageAllowsConnect, reloadToConnect } from './connect-reload';
import { usePhoneStore } from './phone-store';

interface SipAccountStore {
  state: SipAccountState | null;
  load(): Promise<void>;
  save(account: SaveSipAccount): Promise<void>;
  remove(): Promise<void>;
  /** The password of the account from the policy's template (entered once after sign-in). */
  setPassword(password: string): Promise<void>;
}

/** The manually entered SIP account as main reports it (never with its password). */
export const useSipAccountStore = create<SipAccountStore>()((set) => ({
  state: null,
  async load() {
    subscribe('sipAccount.changed', (state) => set({ state }));
    set({ state: await call('sipAccount.get', undefined) });
  },
  async save(account) {
    set({ state: await call('sipAccount.save', account) });
    // A server this page may not reach yet: the page reloads with the policy that names it, and says
    // "saved" there. (During a call it reloads once the call ends, and says it here too.)
    if (
      !pageAllowsConnect(account.wssUrl) &&
      reloadToConnect({ calls: usePhoneStore, url: account.wssUrl, notice: 'sipAccount.saved' }) === 'now'
    )
      await new Promise<never>(() => {});
  },
  async remove() {
    set({ state: await call('sipAccount.remove', undefined) });
  },
  async setPassword(password) {
    set({ state: await call('sipAccount.setPassword', { password }) });
  },
}));

import { create } from 'zustand';
import type { SaveSipAccount, SipAccountState } from '../../shared/domain/sip-account';
import { call, subscribe } from '../ipc/client';

interface SipAccountStore {
  state: SipAccountState | null;
  load(): Promise<void>;
  save(account: SaveSipAccount): Promise<void>;
  remove(): Promise<void>;
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
  },
  async remove() {
    set({ state: await call('sipAccount.remove', undefined) });
  },
}));

import { create } from 'zustand';
import { call, subscribe } from '../ipc/client';
import { PhoneEngine, type CallView, type RegistrationStatus } from '../phone/engine';

interface PhoneState {
  registration: RegistrationStatus;
  calls: CallView[];
  /** Registers with the account main holds, and again whenever it changes. */
  connect(): Promise<void>;
  engine(): PhoneEngine;
}

let engine: PhoneEngine | null = null;

export const usePhoneStore = create<PhoneState>()((set, get) => ({
  registration: { state: 'offline' },
  calls: [],
  engine() {
    engine ??= new PhoneEngine({
      report: (event) => {
        call('call.report', event).catch(() => {
          // History and audit are main's; a refused report must not disturb the call.
        });
      },
      probeTls: (url) => call('tls.probe', { url }),
      publish: (update) => set(update),
      now: () => Date.now(),
    });
    return engine;
  },
  async connect() {
    const phone = get().engine();
    const register = async () => {
      // Without registration data (none saved, or main refused) the phone stays offline, and says so.
      const registration = await call('sipAccount.registration', undefined).catch(() => null);
      if (registration) phone.start(registration);
      else phone.stop();
    };
    subscribe('sipAccount.changed', () => void register());
    await register();
  },
}));

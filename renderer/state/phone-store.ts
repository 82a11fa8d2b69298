import { create } from 'zustand';
import { resolvePolicy } from '../../shared/policy/schema';
import { defaultSettings } from '../../shared/settings/settings';
import { SoftphoneError } from '../../shared/ipc/errors';
import { call, subscribe } from '../ipc/client';
import { createCallReporter } from '../phone/call-reporter';
import { PhoneEngine, type CallView, type RegistrationStatus } from '../phone/engine';
import { useAppStore } from './app-store';
import { pageAllowsConnect, reloadToConnect } from './connect-reload';

interface PhoneState {
  registration: RegistrationStatus;
  calls: CallView[];
  /** Calls that ended recently for a reason worth telling (busy, no audio, refused encryption…). */
  ended: CallView[];
  /** Registers with the account main holds, and again whenever it changes. */
  connect(): Promise<void>;
  engine(): PhoneEngine;
}

let engine: PhoneEngine | null = null;

// The engine publishes a call's new state before it reports it: the store knows whether one is being set up.
const reportWhenSettled = createCallReporter({
  send: (event) =>
    void call('call.report', event).catch(() => {
      // History and audit are main's; a refused report must not disturb the call.
    }),
  settingUp: () =>
    usePhoneStore
      .getState()
      .calls.some(
        (view) => view.state === 'dialing' || view.state === 'ringing' || view.state === 'incoming',
      ),
  whenIdle: (task) => void requestIdleCallback(task, { timeout: 300 }),
});

function preferences() {
  return useAppStore.getState().settings?.settings ?? defaultSettings;
}

export const usePhoneStore = create<PhoneState>()((set, get) => ({
  registration: { state: 'offline' },
  calls: [],
  ended: [],
  engine() {
    engine ??= new PhoneEngine({
      report: reportWhenSettled,
      probeTls: (url) => call('tls.probe', { url }),
      publish: (update) => set(update),
      now: () => Date.now(),
      preferences,
      // Before main has sent the policy, its defaults.
      policy: () => useAppStore.getState().policy ?? resolvePolicy({}),
      iceServers: () => useAppStore.getState().policy?.iceServers ?? [],
      pinsConfigured: () => (useAppStore.getState().policy?.pinnedSpkiSha256.length ?? 0) > 0,
    });
    return engine;
  },
  async connect() {
    const phone = get().engine();
    const register = async () => {
      // Without registration data (none saved, or main refused) the phone stays offline, and says so. While
      // the app is locked main gives none out: the phone keeps the registration it has until unlock.
      let registration;
      try {
        registration = await call('sipAccount.registration', undefined);
      } catch (error) {
        if (error instanceof SoftphoneError && error.error.code === 'locked') return;
        registration = null;
      }
      // A server this page's policy does not name yet: the page reloads for it (after the calls in progress).
      if (
        registration &&
        !pageAllowsConnect(registration.wssUrl) &&
        reloadToConnect({ calls: usePhoneStore, url: registration.wssUrl })
      )
        return;
      // Rotated credentials of the same account re-register without touching calls in progress.
      if (registration) phone.updateRegistration(registration);
      else phone.stop();
    };
    subscribe('sipAccount.changed', () => void register());
    // Main tells us when the computer wakes up: reconnect now rather than after the back-off.
    subscribe('system.resumed', () => phone.reconnectNow());
    // A device chosen in Settings applies to calls in progress at once.
    useAppStore.subscribe((state, previous) => {
      const now = state.settings?.settings;
      const before = previous.settings?.settings;
      if (
        now &&
        (now.microphoneId !== before?.microphoneId ||
          now.speakerId !== before?.speakerId ||
          now.ringDeviceId !== before?.ringDeviceId)
      )
        void phone.applyAudioDevices();
    });
    await register();
  },
}));

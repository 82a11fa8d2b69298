import { create } from 'zustand';
import type { CallEvent } from '../../shared/domain/calls';
import { defaultSettings } from '../../shared/settings/settings';
import { call, subscribe } from '../ipc/client';
import { PhoneEngine, type CallView, type RegistrationStatus } from '../phone/engine';
import { useAppStore } from './app-store';

interface PhoneState {
  registration: RegistrationStatus;
  calls: CallView[];
  /** Registers with the account main holds, and again whenever it changes. */
  connect(): Promise<void>;
  engine(): PhoneEngine;
}

let engine: PhoneEngine | null = null;

/**
 * Call events go to main when the renderer is idle (at most 300 ms later), in order: history and audit
 * need them, but not while a call is being set up.
 */
const pendingReports: CallEvent[] = [];
function reportWhenIdle(event: CallEvent): void {
  pendingReports.push(event);
  if (pendingReports.length > 1) return;
  requestIdleCallback(
    () => {
      for (const pending of pendingReports.splice(0)) {
        call('call.report', pending).catch(() => {
          // History and audit are main's; a refused report must not disturb the call.
        });
      }
    },
    { timeout: 300 },
  );
}

function preferences() {
  return useAppStore.getState().settings?.settings ?? defaultSettings;
}

export const usePhoneStore = create<PhoneState>()((set, get) => ({
  registration: { state: 'offline' },
  calls: [],
  engine() {
    engine ??= new PhoneEngine({
      report: reportWhenIdle,
      probeTls: (url) => call('tls.probe', { url }),
      publish: (update) => set(update),
      now: () => Date.now(),
      preferences,
      iceServers: () => useAppStore.getState().policy?.iceServers ?? [],
      pinsConfigured: () => (useAppStore.getState().policy?.pinnedSpkiSha256.length ?? 0) > 0,
    });
    return engine;
  },
  async connect() {
    const phone = get().engine();
    const register = async () => {
      // Without registration data (none saved, or main refused) the phone stays offline, and says so.
      const registration = await call('sipAccount.registration', undefined).catch(() => null);
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

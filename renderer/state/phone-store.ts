import { create } from 'zustand';
import { resolvePolicy } from '../../shared/policy/schema';
import { defaultSettings } from '../../shared/settings/settings';
import { SoftphoneError } from '../../shared/ipc/errors';
import { call, subscribe } from '../ipc/client';
import type { MicrophoneProblem } from '../phone/audio-devices';
import { createCallReporter } from '../phone/call-reporter';
import { formatAddress } from '../format/party';
import { parseDialInput, targetUri, type DialError } from '../phone/dial-target';
import { PhoneEngine, type CallView, type RegistrationStatus } from '../phone/engine';
import { useAppStore } from './app-store';
import { pageAllowsConnect, reloadToConnect } from './connect-reload';
import { nextTaskPublisher } from './next-task-publisher';
import { useSipAccountStore } from './sip-account-store';

/** What the UI uses of the phone engine: the engine implements it, tests stand in for it. */
export type PhoneControls = Pick<
  PhoneEngine,
  | 'domain'
  | 'call'
  | 'answer'
  | 'decline'
  | 'hangup'
  | 'setMuted'
  | 'setHold'
  | 'sendDtmf'
  | 'transfer'
  | 'completeTransfer'
  | 'merge'
  | 'compareSas'
  | 'dismissEnded'
>;

/** Why pressing Call did not start a call: the input, the account, the connection or the microphone. */
export type DialProblem = DialError | 'no-account' | 'not-registered' | 'already-calling' | MicrophoneProblem;

export type DialResult =
  { ok: true; id: string; label: string } | { ok: false; problem: DialProblem; label: string | null };

/** How many failed calls are kept, so that the place a call was started from can say how it ended. */
const FAILED_KEPT = 20;

interface PhoneState {
  registration: RegistrationStatus;
  calls: CallView[];
  /** Calls that ended recently for a reason worth telling (busy, no audio, refused encryption…). */
  ended: CallView[];
  /**
   * The last calls that ended for such a reason, newest last (at most FAILED_KEPT): they stay after their
   * notice has gone, so that the place a call was started from can say how it ended.
   */
  failed: CallView[];
  /** Registers with the account main holds, and again whenever it changes. */
  connect(): Promise<void>;
  engine(): PhoneControls;
  /**
   * The one way to place a call, from the dial field, a contact, History, a link or a notification: reads
   * what was typed or stored (number, extension or SIP address) and calls it.
   */
  dial(target: string): Promise<DialResult>;
}

let engine: PhoneEngine | null = null;

/** The engine's updates reach the store (and the screen) in the next task (next-task-publisher.ts). */
const engineUpdates = nextTaskPublisher<Pick<PhoneState, 'registration' | 'calls' | 'ended'>>((update) =>
  usePhoneStore.setState((state) => ({
    ...update,
    ...(update.ended && { failed: keepFailed(state.failed, update.ended) }),
  })),
);

// Whether a call is being set up is the engine's to say: the screen may not show the call yet.
const reportWhenSettled = createCallReporter({
  send: (event) =>
    void call('call.report', event).catch(() => {
      // History and audit are main's; a refused report must not disturb the call.
    }),
  settingUp: () => engine?.settingUp() ?? false,
  whenIdle: (task) => void requestIdleCallback(task, { timeout: 300 }),
});

function preferences() {
  return useAppStore.getState().settings?.settings ?? defaultSettings;
}

function realEngine(): PhoneEngine {
  engine ??= new PhoneEngine({
    report: reportWhenSettled,
    probeTls: (url) => call('tls.probe', { url }),
    publish: engineUpdates.publish,
    now: () => Date.now(),
    preferences,
    // Before main has sent the policy, its defaults.
    policy: () => useAppStore.getState().policy ?? resolvePolicy({}),
    iceServers: () => useAppStore.getState().policy?.iceServers ?? [],
    pinsConfigured: () => (useAppStore.getState().policy?.pinnedSpkiSha256.length ?? 0) > 0,
  });
  return engine;
}

/** Adds the calls published as ended for a reason to those kept. */
export function keepFailed(kept: CallView[], ended: CallView[]): CallView[] {
  if (ended.length === 0) return kept;
  const ids = new Set(ended.map((view) => view.id));
  return [...kept.filter((view) => !ids.has(view.id)), ...ended].slice(-FAILED_KEPT);
}

export const usePhoneStore = create<PhoneState>()((_set, get) => ({
  registration: { state: 'offline' },
  calls: [],
  ended: [],
  failed: [],
  engine: realEngine,
  async dial(target) {
    const country = preferences().defaultCountry;
    const parsed = parseDialInput(target, country);
    if (!parsed.ok) return { ok: false, problem: parsed.error, label: null };
    const phone = get().engine();
    const uri = targetUri(parsed.target, phone.domain);
    const label = formatAddress(uri, country, phone.domain);
    // Main answered that there is no account (not merely: not loaded yet).
    const account = useSipAccountStore.getState().state;
    if (account && !account.account) return { ok: false, problem: 'no-account', label };
    const result = await phone.call(uri);
    return result.ok ? { ok: true, id: result.id, label } : { ok: false, problem: result.problem, label };
  },
  async connect() {
    const phone = realEngine();
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

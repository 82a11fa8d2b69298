import type { AuditEvent } from '../../shared/audit/catalog.js';
import type { SignInState } from '../../shared/domain/identity.js';
import type { UserRole } from '../../shared/ipc/contract.js';
import type { EffectivePolicy } from '../../shared/policy/schema.js';
import type { CustomFetch } from 'openid-client';
import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { createSignInService, type SignInService, type Timers } from './sign-in-service.js';

export interface SignInUnitDeps {
  policy(): EffectivePolicy;
  secrets: SecretStore;
  openExternal(url: string): Promise<void>;
  record(event: AuditEvent): void;
  /** The language of the "you can close this tab" page. */
  language(): 'de' | 'en';
  /** Refuses (`not-available`) while the keychain does not work: sessions live there. */
  requireKeychain(): void;
  emit: Emit;
  fetch?: CustomFetch;
  now(): number;
  timers?: Timers;
  signInTimeoutMs?: number;
  logError(message: string, error: unknown): void;
}

/** Sign-in with the provider (electron/auth/sign-in-service.ts) and its channels. */
export interface SignInUnit {
  service: SignInService;
  /** The roles of the ID token the session was signed in with; none while signed out or signing in. */
  roles(): readonly UserRole[];
  /** Called on every state change, before the window hears of it. */
  onStateChange(listener: (state: SignInState) => void): void;
  /** The provisioned SIP registration appeared, rotated or went. */
  onRegistrationChange(listener: () => void): void;
  handlers: HandlersFor<
    'signIn.start' | 'signIn.cancel' | 'signIn.state' | 'signIn.signOut' | 'signIn.clockSkew'
  >;
}

export function createSignInUnit(deps: SignInUnitDeps): SignInUnit {
  const stateListeners: ((state: SignInState) => void)[] = [];
  const registrationListeners: (() => void)[] = [];
  const service = createSignInService({
    policy: deps.policy,
    secrets: deps.secrets,
    openExternal: deps.openExternal,
    record: deps.record,
    language: deps.language,
    onStateChange: (state) => {
      for (const listener of stateListeners) listener(state);
      deps.emit('signIn.changed', state);
    },
    onRegistrationChange: () => {
      for (const listener of registrationListeners) listener();
    },
    onClockSkew: (seconds) => deps.emit('signIn.clockSkew', { seconds }),
    fetch: deps.fetch,
    now: deps.now,
    timers: deps.timers,
    signInTimeoutMs: deps.signInTimeoutMs,
    logError: deps.logError,
  });
  return {
    service,
    roles() {
      const state = service.state();
      return state.status === 'signed-in' ? state.user.roles : [];
    },
    onStateChange: (listener) => void stateListeners.push(listener),
    onRegistrationChange: (listener) => void registrationListeners.push(listener),
    handlers: {
      'signIn.start': (input) => {
        deps.requireKeychain();
        return service.start(input);
      },
      'signIn.cancel': () => service.cancel(),
      'signIn.state': () => service.state(),
      'signIn.clockSkew': () => ({ seconds: service.clockSkew() }),
      'signIn.signOut': () => {
        deps.requireKeychain();
        return service.signOut();
      },
    },
  };
}

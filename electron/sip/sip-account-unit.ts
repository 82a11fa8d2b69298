import type { SipAccountState } from '../../shared/domain/sip-account.js';
import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { SignInService } from '../auth/sign-in-service.js';
import { createSipAccountService } from './sip-account-service.js';
import type { TemplatedSipAccount } from './templated-account.js';

/** The SIP account the phone registers with: provisioned by sign-in, or entered by hand where policy allows. */
export interface SipAccountUnit {
  /** Tells the window the account's state (when the keychain works; it holds the account). */
  announce(): void;
  /** The saved account's SIP edge (manual or provisioned), or null (none, or no keychain to read it from). */
  edgeUrl(): Promise<string | null>;
  /** Reads the account's state for `onChange` without telling the window (at start). */
  refresh(): Promise<void>;
  /** Called with the account's state whenever it is read or changed. */
  onChange(listener: (state: SipAccountState) => void): void;
  handlers: HandlersFor<
    | 'sipAccount.get'
    | 'sipAccount.save'
    | 'sipAccount.remove'
    | 'sipAccount.setPassword'
    | 'sipAccount.registration'
  >;
}

export function createSipAccountUnit(deps: {
  secrets: SecretStore;
  manualAllowed(): boolean;
  signIn: Pick<SignInService, 'provisionedAccount' | 'provisionedRegistration'>;
  /** The account from the policy's template, where there is no provider API to provision one. */
  templated?: TemplatedSipAccount;
  keychainUsable(): boolean;
  requireKeychain(): void;
  emit: Emit;
  logError(message: string, error: unknown): void;
}): SipAccountUnit {
  const accounts = createSipAccountService({
    secrets: deps.secrets,
    manualAllowed: deps.manualAllowed,
    provisioned: () => {
      const account = deps.signIn.provisionedAccount();
      const registration = deps.signIn.provisionedRegistration();
      return account && registration ? { account, registration } : null;
    },
    templated: deps.templated,
  });
  const listeners: ((state: SipAccountState) => void)[] = [];
  const learned = (state: SipAccountState) => {
    for (const listener of listeners) listener(state);
    return state;
  };
  const changed = (state: SipAccountState) => {
    learned(state);
    deps.emit('sipAccount.changed', state);
    return state;
  };
  const failed = (error: unknown) => deps.logError('Reading the SIP account failed', error);
  return {
    announce() {
      if (deps.keychainUsable()) accounts.state().then(changed, failed);
    },
    async edgeUrl() {
      if (!deps.keychainUsable()) return null;
      return (await accounts.state()).account?.wssUrl ?? null;
    },
    async refresh() {
      if (deps.keychainUsable()) await accounts.state().then(learned, failed);
    },
    onChange: (listener) => void listeners.push(listener),
    handlers: {
      'sipAccount.get': async () => {
        deps.requireKeychain();
        return learned(await accounts.state());
      },
      'sipAccount.save': async (input) => {
        deps.requireKeychain();
        return changed(await accounts.save(input));
      },
      'sipAccount.remove': async () => {
        deps.requireKeychain();
        return changed(await accounts.remove());
      },
      'sipAccount.setPassword': async ({ password }) => {
        deps.requireKeychain();
        return changed(await accounts.setPassword(password));
      },
      'sipAccount.registration': () => {
        deps.requireKeychain();
        return accounts.registration();
      },
    },
  };
}

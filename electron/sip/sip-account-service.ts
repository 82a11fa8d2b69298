import { createHash } from 'node:crypto';
import { ServiceError } from '../../shared/ipc/errors.js';
import type { TemplatedSipAccount } from './templated-account.js';
import {
  realmOf,
  SipAccount,
  type SaveSipAccount,
  type SipAccountState,
  type SipRegistration,
} from '../../shared/domain/sip-account.js';

/** The part of the SecretStore this service needs. */
export interface SecretSlot {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<unknown>;
}

const ACCOUNT_KEY = 'sip-account';

interface StoredAccount {
  account: SipAccount;
  password: string;
}

export function digestHa1(user: string, realm: string, password: string): string {
  return createHash('md5').update(`${user}:${realm}:${password}`).digest('hex');
}

/**
 * The manually entered SIP account. Account and password are kept together in the OS keychain; the
 * renderer gets the account and an HA1 digest, never the password.
 */
export function createSipAccountService(deps: {
  secrets: SecretSlot;
  manualAllowed(): boolean;
  /**
   * The account provisioned by sign-in (electron/identity), with its registration; it takes precedence
   * over a manual one.
   */
  provisioned?(): { account: SipAccount; registration: SipRegistration } | null;
  /** Without a provider API: the account from the policy's template, whose password is entered once. */
  templated?: TemplatedSipAccount;
}) {
  async function load(): Promise<StoredAccount | null> {
    const raw = await deps.secrets.get(ACCOUNT_KEY);
    if (raw === null) return null;
    try {
      const parsed = JSON.parse(raw) as StoredAccount;
      return { account: SipAccount.parse(parsed.account), password: String(parsed.password) };
    } catch {
      // Unreadable item: treated as no account, and left in place for diagnostics.
      return null;
    }
  }

  async function state(): Promise<SipAccountState> {
    const provisioned = deps.provisioned?.() ?? null;
    if (provisioned)
      return { account: provisioned.account, source: 'provisioned', manualAllowed: deps.manualAllowed() };
    const templated = (await deps.templated?.state()) ?? null;
    if (templated)
      return {
        account: templated.account,
        source: 'template',
        passwordNeeded: templated.passwordNeeded,
        manualAllowed: deps.manualAllowed(),
      };
    const stored = deps.manualAllowed() ? await load() : null;
    return {
      account: stored?.account ?? null,
      source: stored ? 'manual' : null,
      manualAllowed: deps.manualAllowed(),
    };
  }

  return {
    state,
    async save(input: SaveSipAccount): Promise<SipAccountState> {
      if (!deps.manualAllowed())
        throw new ServiceError('refused', 'manual SIP accounts are forbidden by policy');
      const { password, ...account } = input;
      await deps.secrets.set(ACCOUNT_KEY, JSON.stringify({ account, password } satisfies StoredAccount));
      return state();
    },
    /** The password of the templated account, entered once after sign-in. */
    async setPassword(password: string): Promise<SipAccountState> {
      if (!(await deps.templated?.setPassword(password)))
        throw new ServiceError('refused', 'no SIP account template applies to this sign-in');
      return state();
    },
    async remove(): Promise<SipAccountState> {
      await deps.secrets.delete(ACCOUNT_KEY);
      return state();
    },
    async registration(): Promise<SipRegistration | null> {
      const provisioned = deps.provisioned?.() ?? null;
      if (provisioned) return provisioned.registration;
      if (await deps.templated?.state()) return deps.templated!.registration();
      if (!deps.manualAllowed()) return null;
      const stored = await load();
      if (!stored) return null;
      const realm = realmOf(stored.account);
      return {
        displayName: stored.account.displayName,
        sipUri: stored.account.sipUri,
        authorizationUser: stored.account.authorizationUser,
        wssUrl: stored.account.wssUrl,
        realm,
        ha1: digestHa1(stored.account.authorizationUser, realm, stored.password),
      };
    },
  };
}
export type SipAccountService = ReturnType<typeof createSipAccountService>;

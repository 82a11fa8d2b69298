import type { SipAccount, SipRegistration } from '../../shared/domain/sip-account.js';
import type { SipAccountTemplate } from '../../shared/policy/schema.js';
import { digestHa1, type SecretSlot } from './sip-account-service.js';

/** The keychain item with the password of the templated SIP account (a session secret: gone at sign-out). */
export const TEMPLATED_PASSWORD_KEY = 'templated-sip-password';

/** The SIP account a template gave for the signed-in person. */
export interface TemplatedAccount {
  sipUri: string;
  authorizationUser: string;
  realm: string;
}

/** A claim the template needs is missing, or holds characters a SIP user name cannot have. */
export class SipTemplateError extends Error {
  constructor(readonly claim: string) {
    super(`the ID token has no usable ${claim} for the SIP account template`);
    this.name = 'SipTemplateError';
  }
}

/** RFC 3261 user part: unreserved characters and user-unreserved ones, no escapes. */
const SIP_USER = /^[A-Za-z0-9\-_.!~*'()&=+$,]{1,64}$/;
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]{0,63})(?::(localpart))?\}/g;

function expand(template: string, claims: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_match, name: string, localpart?: string) => {
    const value = claims[name];
    if (typeof value !== 'string') throw new SipTemplateError(name);
    const part = localpart ? value.slice(0, Math.max(0, value.lastIndexOf('@'))) || value : value;
    if (!SIP_USER.test(part)) throw new SipTemplateError(name);
    return part;
  });
}

/**
 * The SIP account of a deployment without provider API, from the policy's template over the ID token's
 * claims: `sip:${preferred_username}@pbx.example`, `${email:localpart}` for the part before the `@`.
 */
export function expandSipTemplate(
  template: SipAccountTemplate,
  claims: Record<string, unknown>,
): TemplatedAccount {
  const sipUri = expand(template.uri, claims);
  const user = sipUri.slice(sipUri.indexOf(':') + 1, sipUri.indexOf('@'));
  const authorizationUser = template.authorizationUser ? expand(template.authorizationUser, claims) : user;
  const domain = sipUri.slice(sipUri.indexOf('@') + 1).replace(/:\d+$/, '');
  return { sipUri, authorizationUser, realm: template.realm ?? domain };
}

/**
 * The templated account's password: entered once after sign-in, kept in the keychain for the session
 * (the sign-in service wipes it at sign-out with the other session items), never given to the renderer.
 */
export function createTemplatedSipAccount(deps: {
  secrets: SecretSlot;
  /** The signed-in person's templated account, or null (signed out, provider API in use). */
  account(): (TemplatedAccount & { displayName: string }) | null;
  wssUrl(): string | null;
}) {
  async function password(account: TemplatedAccount): Promise<string | null> {
    const raw = await deps.secrets.get(TEMPLATED_PASSWORD_KEY);
    if (raw === null) return null;
    try {
      const stored = JSON.parse(raw) as { sipUri?: unknown; password?: unknown };
      // Only for the account it was entered for: another person's template gives another URI.
      return stored.sipUri === account.sipUri && typeof stored.password === 'string' ? stored.password : null;
    } catch {
      return null;
    }
  }

  function sipAccount(): SipAccount | null {
    const account = deps.account();
    const wssUrl = deps.wssUrl();
    if (!account || !wssUrl) return null;
    return {
      displayName: account.displayName.slice(0, 128),
      sipUri: account.sipUri,
      authorizationUser: account.authorizationUser,
      wssUrl,
      realm: account.realm,
    };
  }

  return {
    async state(): Promise<{ account: SipAccount; passwordNeeded: boolean } | null> {
      const account = sipAccount();
      if (!account) return null;
      return { account, passwordNeeded: (await password(deps.account()!)) === null };
    },
    async setPassword(value: string): Promise<boolean> {
      const account = deps.account();
      if (!account) return false;
      await deps.secrets.set(
        TEMPLATED_PASSWORD_KEY,
        JSON.stringify({ sipUri: account.sipUri, password: value }),
      );
      return true;
    },
    async registration(): Promise<SipRegistration | null> {
      const account = sipAccount();
      const secret = account ? await password(deps.account()!) : null;
      if (!account || secret === null) return null;
      return {
        displayName: account.displayName,
        sipUri: account.sipUri,
        authorizationUser: account.authorizationUser,
        wssUrl: account.wssUrl,
        realm: account.realm ?? '',
        ha1: digestHa1(account.authorizationUser, account.realm ?? '', secret),
      };
    },
  };
}
export type TemplatedSipAccount = ReturnType<typeof createTemplatedSipAccount>;

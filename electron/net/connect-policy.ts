import type { SipAccountState } from '../../shared/domain/sip-account.js';
import type { EffectivePolicy } from '../../shared/policy/schema.js';
import { contentSecurityPolicy, wssOriginOf } from '../platform/csp.js';

/**
 * Which SIP edges the app's pages may connect to (CSP `connect-src`): the provider's from policy and the
 * account's in use (provisioned, or saved by hand where policy allows). A page gets the policy in force
 * when it loads; one whose account moved to another server reloads to get the new one.
 */
export interface ConnectPolicy {
  /** The account in use changed (saved, removed, provisioned, rotated, or policy changed). */
  accountChanged(state: SipAccountState): void;
  origins(): string[];
  /** The SIP server URL of the account in use, or null. */
  accountUrl(): string | null;
  /** The Content-Security-Policy header of the app's pages now. */
  contentSecurityPolicy(): string;
}

export function createConnectPolicy(deps: { policy(): Pick<EffectivePolicy, 'provider'> }): ConnectPolicy {
  let accountUrl: string | null = null;
  let accountOrigin: string | null = null;
  const origins = () => {
    const provider = deps.policy().provider;
    return [provider ? wssOriginOf(provider.wssUrl) : null, accountOrigin].filter(
      (origin): origin is string => origin !== null,
    );
  };
  return {
    accountChanged(state) {
      accountUrl = state.account?.wssUrl ?? null;
      accountOrigin = accountUrl === null ? null : wssOriginOf(accountUrl);
    },
    origins,
    accountUrl: () => accountUrl,
    contentSecurityPolicy: () => contentSecurityPolicy({ connect: origins() }),
  };
}

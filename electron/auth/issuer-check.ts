import type { CustomFetch } from 'openid-client';
import type { EffectivePolicy } from '../../shared/policy/schema.js';
import type { PolicyWarnings } from '../../shared/provider/policy-warnings.js';
import type { HandlersFor } from '../ipc/router.js';
import { discoverIssuer } from './authorize.js';
import { policyWarningsFor } from './discovery-warnings.js';
import { classifySignInError } from './sign-in-errors.js';

/**
 * Reads the issuer's discovery document for the policy in force (at start and whenever the policy
 * changes) and tells the admin what the issuer cannot meet: on the Policy screen and in the log.
 */
export function createIssuerCheck(deps: {
  policy(): EffectivePolicy;
  fetch: CustomFetch;
  now(): number;
  onWarnings(warnings: PolicyWarnings): void;
  logWarning(message: string): void;
}) {
  let current: PolicyWarnings = { issuer: null, warnings: [] };
  let latest = 0;

  async function check(): Promise<PolicyWarnings> {
    const run = ++latest;
    const policy = deps.policy();
    const provider = policy.provider;
    let next: PolicyWarnings = { issuer: null, warnings: [] };
    if (provider) {
      const discovery = await discoverIssuer(deps, provider).then(
        (config) => ({ metadata: config.serverMetadata() }),
        (error: unknown) => {
          const failure = classifySignInError(error);
          return { error: `${failure.reason}: ${failure.message}` };
        },
      );
      next = { issuer: provider.issuer, warnings: policyWarningsFor(policy, discovery) };
    }
    // A newer policy's check supersedes this one.
    if (run !== latest) return current;
    current = next;
    for (const warning of next.warnings)
      deps.logWarning(
        `Policy warning for ${next.issuer}: ${warning.code}${warning.detail ? ` (${warning.detail})` : ''}`,
      );
    deps.onWarnings(next);
    return next;
  }

  return {
    check,
    warnings: () => current,
    handlers: { 'policy.warnings': () => current } satisfies HandlersFor<'policy.warnings'>,
  };
}
export type IssuerCheck = ReturnType<typeof createIssuerCheck>;

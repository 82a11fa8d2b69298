import type { ProviderEndpoints } from '../../shared/policy/schema.js';
import { IDP_KIND_DEFAULTS, type IdpKind } from '../../shared/provider/idp-kinds.js';

/** A provider's sign-in settings: the policy's values over its kind's defaults. */
export interface IdpSettings {
  kind: IdpKind;
  /** The kind's scopes (asked for when the issuer lists them) and the policy's (always asked for). */
  kindScopes: readonly string[];
  policyScopes: readonly string[];
  authorizationParameters: Readonly<Record<string, string>>;
  consentForOfflineAccess: boolean;
  roleClaims: readonly string[];
  adminRoles: readonly string[];
  rolesFromAccessToken: boolean;
  admins: readonly string[];
  tenants: readonly string[];
  hostedDomain: string | null;
  loopbackPorts: readonly number[];
  clientSecret: string | null;
  sendsIdpHint: boolean;
  neverEmitsMfaEvidence: boolean;
  reauthenticationPrompt: string;
}

export function idpSettingsOf(provider: Partial<ProviderEndpoints>): IdpSettings {
  const kind = provider.kind ?? 'broker';
  const defaults = IDP_KIND_DEFAULTS[kind];
  return {
    kind,
    kindScopes: defaults.scopes,
    policyScopes: provider.scopes ?? [],
    authorizationParameters: {
      ...defaults.authorizationParameters,
      // Google: `hd` is only a hint to its account chooser; the ID token's `hd` is what is checked.
      ...(kind === 'google' && provider.hostedDomain !== undefined && { hd: provider.hostedDomain }),
      ...provider.authorizationParameters,
    },
    consentForOfflineAccess: defaults.consentForOfflineAccess,
    roleClaims: provider.roleClaims ?? defaults.roleClaims,
    adminRoles: provider.adminRoles ?? ['admin'],
    rolesFromAccessToken: provider.rolesFromAccessToken ?? defaults.rolesFromAccessToken,
    admins: provider.admins ?? [],
    tenants: provider.tenants ?? [],
    hostedDomain: provider.hostedDomain ?? null,
    loopbackPorts: provider.loopbackPorts ?? defaults.loopbackPorts,
    clientSecret: provider.clientSecret ?? null,
    sendsIdpHint: defaults.sendsIdpHint,
    neverEmitsMfaEvidence: defaults.neverEmitsMfaEvidence,
    reauthenticationPrompt: defaults.reauthenticationPrompt,
  };
}

/**
 * The scopes of a sign-in: `openid`, the kind's other scopes where the issuer lists them (or lists none),
 * and the policy's. An unknown scope fails the whole sign-in at some IdPs (Google refuses
 * `offline_access`), so the kind's guesses give way to what the issuer says it supports.
 */
export function requestedScopes(
  settings: IdpSettings,
  scopesSupported: readonly string[] | undefined,
): string[] {
  const offered = (scope: string) =>
    scope === 'openid' || !scopesSupported || scopesSupported.includes(scope);
  return [...new Set([...settings.kindScopes.filter(offered), ...settings.policyScopes])];
}

import type { ServerMetadata } from 'openid-client';
import type { EffectivePolicy, ProviderEndpoints } from '../../shared/policy/schema.js';
import type { PolicyWarning } from '../../shared/provider/policy-warnings.js';
import { canRevoke, clientAuthMethod } from './authorize.js';
import { idpSettingsOf } from './idp-settings.js';
import { isTenantTemplate } from './issuer-rules.js';

/** Warnings that follow from the policy alone, whatever the issuer says. */
function policyOnlyWarnings(provider: ProviderEndpoints, policy: EffectivePolicy): PolicyWarning[] {
  const settings = idpSettingsOf(provider);
  const warnings: PolicyWarning[] = [];
  if (policy.requireMfa && policy.mfa.enforcedByIdp) warnings.push({ code: 'mfa-enforced-by-idp' });
  else if (policy.requireMfa && settings.neverEmitsMfaEvidence)
    warnings.push({ code: 'mfa-evidence-never-emitted' });
  if (settings.kind === 'auth0' && provider.roleClaims === undefined && settings.admins.length === 0)
    warnings.push({ code: 'role-claims-missing' });
  if (settings.roleClaims.length === 0 && settings.admins.length === 0)
    warnings.push({ code: 'no-administrators' });
  if (provider.apiBaseUrl === undefined) {
    if (provider.sipAccount === undefined) warnings.push({ code: 'sip-account-manual' });
    warnings.push({ code: 'audit-not-delivered' });
  }
  return warnings;
}

/** Warnings from the issuer's discovery document (OpenID Connect Discovery 1.0, RFC 8414). */
function metadataWarnings(
  provider: ProviderEndpoints,
  policy: EffectivePolicy,
  metadata: ServerMetadata,
): PolicyWarning[] {
  const settings = idpSettingsOf(provider);
  const warnings: PolicyWarning[] = [];
  const template = settings.kind === 'entra' && isTenantTemplate(metadata.issuer);
  if (!template && new URL(metadata.issuer).href !== new URL(provider.issuer).href)
    warnings.push({ code: 'issuer-mismatch', detail: metadata.issuer.slice(0, 300) });
  if (template && settings.tenants.length === 0) warnings.push({ code: 'tenants-missing' });
  const claims = metadata.claims_supported;
  if (
    policy.requireMfa &&
    !policy.mfa.enforcedByIdp &&
    !settings.neverEmitsMfaEvidence &&
    Array.isArray(claims) &&
    !claims.includes('amr') &&
    !claims.includes('acr')
  )
    warnings.push({ code: 'mfa-evidence-not-advertised' });
  const acrs = metadata.acr_values_supported;
  if (policy.requireMfa && policy.mfa.acr.length > 0 && Array.isArray(acrs))
    if (!policy.mfa.acr.some((acr) => acrs.includes(acr)))
      warnings.push({ code: 'mfa-acr-unsupported', detail: policy.mfa.acr.join(' ').slice(0, 300) });
  const scopes = metadata.scopes_supported;
  if (Array.isArray(scopes)) {
    if (settings.kindScopes.includes('offline_access') && !scopes.includes('offline_access'))
      warnings.push({ code: 'offline-access-unsupported' });
    for (const scope of settings.policyScopes)
      if (!scopes.includes(scope)) warnings.push({ code: 'scope-unsupported', detail: scope });
  }
  const pkce = metadata.code_challenge_methods_supported;
  if (Array.isArray(pkce) && !pkce.includes('S256')) warnings.push({ code: 'pkce-unsupported' });
  const methods = metadata.token_endpoint_auth_methods_supported;
  if (settings.clientSecret !== null && Array.isArray(methods) && !methods.includes('client_secret_post'))
    warnings.push({ code: 'client-secret-unsupported', detail: methods.join(' ').slice(0, 300) });
  if (!canRevoke(metadata, clientAuthMethod(provider))) warnings.push({ code: 'revocation-unsupported' });
  if (!metadata.userinfo_endpoint && settings.roleClaims.length > 0 && settings.kind !== 'broker')
    warnings.push({ code: 'userinfo-missing' });
  return warnings;
}

/**
 * What the admin should know about the policy in force: settings the issuer cannot meet, read from its
 * discovery document (or why it could not be read).
 */
export function policyWarningsFor(
  policy: EffectivePolicy,
  discovery: { metadata: ServerMetadata } | { error: string },
): PolicyWarning[] {
  const provider = policy.provider;
  if (!provider) return [];
  const fromIssuer =
    'metadata' in discovery
      ? metadataWarnings(provider, policy, discovery.metadata)
      : [{ code: 'discovery-failed' as const, detail: discovery.error.slice(0, 300) }];
  return [...fromIssuer, ...policyOnlyWarnings(provider, policy)];
}

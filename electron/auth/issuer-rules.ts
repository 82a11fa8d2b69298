import type { IdpSettings } from './idp-settings.js';

/** Entra's issuer template of its `common` and `organizations` discovery documents. */
export const TENANT_PLACEHOLDER = '{tenantid}';

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/** Whether a discovery document's issuer is Entra's multi-tenant template (`.../{tenantid}/v2.0`). */
export function isTenantTemplate(issuer: string): boolean {
  return issuer.includes(TENANT_PLACEHOLDER);
}

/** Whether `value` is Entra's template issuer with some tenant segment (a GUID, `organizations`, ...). */
export function matchesTenantTemplate(template: string, value: string): boolean {
  const parts = template.split(TENANT_PLACEHOLDER).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]+')}$`).test(value);
}

/**
 * The issuer an ID token may name when it is not the discovery document's own, by the kind's documented
 * rules, or null:
 * - Entra multi-tenant: the template with the token's own tenant (`tid`), which policy must then allow;
 * - Google: `accounts.google.com` with or without `https://`, both of which Google documents.
 */
export function alternativeIssuer(
  settings: IdpSettings,
  discovered: string,
  claims: { iss?: unknown; tid?: unknown },
): string | null {
  const { iss, tid } = claims;
  if (typeof iss !== 'string') return null;
  if (settings.kind === 'entra' && isTenantTemplate(discovered)) {
    if (typeof tid !== 'string' || !TENANT_ID.test(tid)) return null;
    const issuer = discovered.replace(TENANT_PLACEHOLDER, tid);
    return iss === issuer ? issuer : null;
  }
  if (settings.kind === 'google' && GOOGLE_ISSUERS.includes(discovered) && GOOGLE_ISSUERS.includes(iss))
    return iss;
  return null;
}

/**
 * Whether the account's organisation is one policy allows: Entra's tenant (`tid`) when `tenants` is set,
 * and always for a multi-tenant issuer (without a list, any Microsoft account of any company could sign
 * in); Google's Workspace domain (`hd` in the ID token, never the request's hint) when `hostedDomain` is set.
 */
export function organisationAllowed(
  settings: IdpSettings,
  discovered: string,
  claims: Record<string, unknown>,
): boolean {
  const tenantRequired =
    settings.tenants.length > 0 || (settings.kind === 'entra' && isTenantTemplate(discovered));
  if (tenantRequired) {
    const tid = typeof claims.tid === 'string' ? claims.tid.toLowerCase() : null;
    if (tid === null || !settings.tenants.some((tenant) => tenant.toLowerCase() === tid)) return false;
  }
  if (settings.hostedDomain !== null) {
    if (typeof claims.hd !== 'string' || claims.hd.toLowerCase() !== settings.hostedDomain.toLowerCase())
      return false;
  }
  return true;
}

/**
 * Whether the app may open an authorization URL in the browser: https only, on the issuer's host or on a
 * host of the policy's `openExternalAllowList`, whatever the discovery document says (a tampered one must
 * not send the person to a look-alike page).
 */
export function isAllowedAuthorizationUrl(url: URL, issuer: string, allowList: readonly string[]): boolean {
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase();
  return (
    host === new URL(issuer).hostname.toLowerCase() || allowList.some((entry) => entry.toLowerCase() === host)
  );
}

import { z } from 'zod';

/**
 * What the app found when it read the issuer's discovery document for the policy in force (at start and
 * whenever the policy changes): settings the issuer cannot meet. Each code has a translated text on the
 * Policy screen (`policyScreen.warnings.<code>`) and goes to the log in English.
 */
export const policyWarningCodes = [
  /** The discovery document could not be read (`detail`: why). */
  'discovery-failed',
  /** The discovery document names another issuer than the policy (`detail`: the one it names). */
  'issuer-mismatch',
  /** MFA is required, and this IdP never puts `amr` or `acr` in its ID tokens. */
  'mfa-evidence-never-emitted',
  /** MFA is required by `amr`, and the issuer lists neither `amr` nor `acr` among its claims. */
  'mfa-evidence-not-advertised',
  /** None of `mfa.acr` is among the issuer's `acr_values_supported` (`detail`: the policy's values). */
  'mfa-acr-unsupported',
  /** IT attests that the IdP enforces a second factor: the app trusts the IdP's policy. */
  'mfa-enforced-by-idp',
  /** `offline_access` is not among the issuer's scopes: sign-ins give no refresh token. */
  'offline-access-unsupported',
  /** A scope of the policy is not among the issuer's scopes (`detail`: the scope). */
  'scope-unsupported',
  /** Roles are to be read from userinfo, and the issuer has no userinfo endpoint. */
  'userinfo-missing',
  /** The issuer does not support PKCE with S256: sign-in will fail. */
  'pkce-unsupported',
  /** The policy gives a client secret the token endpoint does not accept (`detail`: the methods it does). */
  'client-secret-unsupported',
  /** The issuer lets this client not revoke its refresh token: sign-out ends the session on the device only. */
  'revocation-unsupported',
  /** A multi-tenant Entra issuer without `provider.tenants`: every sign-in is refused. */
  'tenants-missing',
  /** This kind of IdP puts roles only where the policy must name them (Auth0's namespaced claim). */
  'role-claims-missing',
  /** No role claim and no `provider.admins`: nobody is an administrator (Google). */
  'no-administrators',
  /** No provider API and no SIP account template: people enter their SIP account by hand. */
  'sip-account-manual',
  /** No provider API: audit events stay on the devices. */
  'audit-not-delivered',
] as const;
export type PolicyWarningCode = (typeof policyWarningCodes)[number];

export const PolicyWarning = z.object({
  code: z.enum(policyWarningCodes),
  detail: z.string().max(300).optional(),
});
export type PolicyWarning = z.infer<typeof PolicyWarning>;

export const PolicyWarnings = z.object({
  /** The issuer these warnings are about; null while no provider is configured. */
  issuer: z.string().nullable(),
  warnings: z.array(PolicyWarning),
});
export type PolicyWarnings = z.infer<typeof PolicyWarnings>;

import type { IdpKind } from '../../shared/provider/idp-kinds.js';

/**
 * The token shapes of real IdPs, for the test broker to stand in for them (oidc-provider configured per
 * shape). Each follows what the IdP's documentation says it puts in its tokens; ../shared/IDP-NOTES.md
 * names the sources ([E1] and so on below).
 */

/** A client registration at the shaped issuer. */
export interface ShapedClient {
  clientId: string;
  /** A desktop client's (not confidential) secret, sent with client_secret_post (Google). */
  clientSecret?: string;
  /** Exact redirect URIs on these loopback ports (Okta, Auth0); none: `http://127.0.0.1/callback`, any port. */
  exactPorts?: number[];
  /** False: the client has no refresh tokens (Keycloak's "Use refresh tokens" off). */
  refreshTokens?: boolean;
}

/** When the issuer hands out a refresh token with the code. */
export type RefreshTokenRule =
  /** Only with the `offline_access` scope (OIDC Core 11): Entra [E9], Okta [O6], Auth0 [AU4]. */
  | 'offline-access-scope'
  /** Only with `access_type=offline`; the scope `offline_access` is refused (Google [G8]). */
  | 'access-type-offline'
  /** With every code, unless the client turned them off (Keycloak [K6]). */
  | 'always';

export interface IssuerShape {
  /** The app's `provider.kind` for this issuer. */
  kind: IdpKind;
  /** The issuer's path below the server's origin, e.g. `/realms/staff` ('' for the origin itself). */
  path: string;
  /** Further discovery documents (path below the origin), naming another issuer (Entra's template). */
  discoveryAliases?: { path: string; issuer: string }[];
  /** oidc-provider's claims configuration: which claims each scope releases. */
  claims: Record<string, string[] | null>;
  /** Scopes the issuer supports beyond oidc-provider's own (openid, offline_access). */
  scopes: string[];
  /** What a finished login puts in the ID token about how the person signed in. */
  evidence(secondFactor: boolean, requestedAcr: string[]): { amr?: string[]; acr?: string };
  acrValues?: string[];
  /** The `claims` request parameter (OIDC Core 5.5). */
  claimsParameter?: boolean;
  refreshTokens: RefreshTokenRule;
  /** Access tokens as JWTs for the client (Keycloak), or opaque ones for userinfo. */
  accessTokenFormat: 'jwt' | 'opaque';
  /** Extra parameters the authorization endpoint takes (and checks). */
  extraParams?: string[];
  /**
   * `offline_access` is granted without `prompt=consent` (Entra, Okta, Auth0 per IDP-NOTES §3), where
   * oidc-provider follows OIDC Core 11 to the letter and drops it.
   */
  offlineAccessWithoutConsent?: boolean;
}

const PROFILE = ['name', 'preferred_username'];
const EMAIL = ['email', 'email_verified'];

/**
 * Microsoft Entra ID, v2.0 endpoint, multi-tenant (`organizations`): ID tokens carry `tid`, `oid`, app
 * `roles` and `groups` (or the overage `_claim_names`) [E1][E4][E10], and neither `amr` nor `acr` [E2].
 * The discovery document of `organizations` names the template issuer `.../{tenantid}/v2.0` [E6].
 */
export function entraShape(tenantId: string): IssuerShape {
  return {
    kind: 'entra',
    path: `/${tenantId}/v2.0`,
    discoveryAliases: [{ path: '/organizations/v2.0', issuer: '/{tenantid}/v2.0' }],
    claims: {
      openid: ['sub', 'tid', 'oid', 'roles', 'groups', '_claim_names', '_claim_sources', 'auth_time'],
      profile: PROFILE,
      email: ['email'],
    },
    scopes: ['profile', 'email'],
    evidence: () => ({}),
    refreshTokens: 'offline-access-scope',
    offlineAccessWithoutConsent: true,
    accessTokenFormat: 'opaque',
  };
}

/** Google: no `amr`, no `acr`, no roles; `hd` for Workspace accounts [G1][G3]; refresh by `access_type` [G8]. */
export const GOOGLE_SHAPE: IssuerShape = {
  kind: 'google',
  path: '',
  claims: { openid: ['sub', 'hd', 'auth_time'], profile: ['name'], email: EMAIL },
  scopes: ['profile', 'email'],
  evidence: () => ({}),
  refreshTokens: 'access-type-offline',
  accessTokenFormat: 'opaque',
  extraParams: ['access_type', 'hd'],
};

const OKTA_2FA = 'urn:okta:loa:2fa:any';
const OKTA_1FA = 'urn:okta:loa:1fa:any';

/**
 * Okta, custom authorization server (`/oauth2/default`): RFC 8176 `amr` in ID tokens by default [O1], the
 * chosen `acr_values` reflected [O2][O3], a `groups` claim with the `groups` scope [O5].
 */
export const OKTA_SHAPE: IssuerShape = {
  kind: 'okta',
  path: '/oauth2/default',
  claims: { openid: ['sub', 'amr', 'acr', 'auth_time'], groups: ['groups'], profile: PROFILE, email: EMAIL },
  scopes: ['profile', 'email', 'groups'],
  evidence: (secondFactor, requested) => ({
    amr: secondFactor ? ['pwd', 'otp', 'mfa'] : ['pwd'],
    ...(requested.length > 0 && { acr: secondFactor ? OKTA_2FA : OKTA_1FA }),
  }),
  acrValues: [OKTA_2FA, OKTA_1FA],
  refreshTokens: 'offline-access-scope',
  offlineAccessWithoutConsent: true,
  accessTokenFormat: 'opaque',
};

/**
 * Keycloak 24-26 realm with step-up (LoA 1 = password, 2 = OTP, mapped to the ACRs `silver` and `gold`)
 * [K1][K2]: `acr` in every ID token, no `amr` (no AMR mapper) [K3], roles only in the access token
 * (`realm_access`, `resource_access`) [K5], the `claims` parameter honoured for an essential `acr` [K1], a
 * refresh token with every sign-in [K6].
 */
export function keycloakShape(realm: string): IssuerShape {
  return {
    kind: 'keycloak',
    path: `/realms/${realm}`,
    claims: { openid: ['sub', 'acr', 'auth_time'], profile: PROFILE, email: EMAIL },
    scopes: ['profile', 'email'],
    evidence: (secondFactor) => ({ acr: secondFactor ? 'gold' : 'silver' }),
    acrValues: ['silver', 'gold'],
    claimsParameter: true,
    refreshTokens: 'always',
    accessTokenFormat: 'jwt',
  };
}

/** Auth0's namespace for the roles claim an Action sets [AU3]. */
export const AUTH0_ROLES_CLAIM = 'https://softphone.example/roles';

/**
 * Auth0: `amr: ["mfa"]` when MFA ran in this login [AU1], roles only in the namespaced claim a post-login
 * Action sets [AU3], refresh tokens with `offline_access` [AU4].
 */
export const AUTH0_SHAPE: IssuerShape = {
  kind: 'auth0',
  path: '',
  claims: {
    openid: ['sub', 'amr', 'auth_time', AUTH0_ROLES_CLAIM],
    profile: ['name', 'nickname'],
    email: EMAIL,
  },
  scopes: ['profile', 'email'],
  evidence: (secondFactor) => (secondFactor ? { amr: ['mfa'] } : {}),
  refreshTokens: 'offline-access-scope',
  offlineAccessWithoutConsent: true,
  accessTokenFormat: 'opaque',
};

import { BROKER_ACR, BROKER_ROLES_CLAIM, BROKER_SCOPES } from './broker.js';

/**
 * The kinds of OpenID issuer the app knows (policy `provider.kind`), each with the defaults its
 * documentation calls for (../shared/IDP-NOTES.md has the sources):
 * - `broker`: the provider's login broker (default), which federates Google, Apple and company IdPs;
 * - `generic`: any OpenID Connect issuer;
 * - `entra`, `google`, `okta`, `keycloak`, `auth0`: these IdPs as the company's own issuer.
 * Sign in with Apple is never an issuer of its own: it cannot redirect to a loopback address, so it stays
 * behind the broker.
 */
export const idpKinds = ['broker', 'generic', 'entra', 'google', 'okta', 'keycloak', 'auth0'] as const;
export type IdpKind = (typeof idpKinds)[number];

/**
 * RFC 8176 authentication method references that show more than one factor, or a second factor beside a
 * password: the default of `mfa.amr`. Knowledge (`pwd`, `pin`, `kba`), risk (`geo`, `rba`), presence
 * (`user`) and Windows sign-in (`wia`) are single factors.
 */
export const MULTI_FACTOR_AMR = [
  'mfa',
  'mca',
  'otp',
  'hwk',
  'swk',
  'sms',
  'tel',
  'sc',
  'pop',
  'fpt',
  'face',
  'iris',
  'retina',
  'vbm',
] as const;

export interface IdpKindDefaults {
  /**
   * Scopes asked for. Beyond `openid`, one is asked for only when the issuer's discovery document lists
   * it (or lists no scopes): an unknown scope fails the whole sign-in at Okta and Google.
   */
  scopes: readonly string[];
  /** Extra authorization parameters (the policy's `provider.authorizationParameters` add to them). */
  authorizationParameters: Readonly<Record<string, string>>;
  /**
   * `prompt=consent` whenever `offline_access` is asked for (OIDC Core section 11: the refresh token is
   * granted only with consent asked for); without it, the IdP's own prompt.
   */
  consentForOfflineAccess: boolean;
  /** JSON Pointers (RFC 6901) to the claims that carry roles; `{clientId}` stands for the client id. */
  roleClaims: readonly string[];
  /** Roles are also read from the access token when it is a JWT for this client (Keycloak's default home). */
  rolesFromAccessToken: boolean;
  /** `acr` values that prove a second factor (sent as `acr_values`). */
  mfaAcr: readonly string[];
  /**
   * Fixed loopback ports for IdPs that match redirect URIs exactly, tried in order; empty: a port the
   * system picks (RFC 8252 section 7.3).
   */
  loopbackPorts: readonly number[];
  /** The broker's upstream IdP hint (`idp_hint`) is sent. */
  sendsIdpHint: boolean;
  /** The IdP never puts `amr` or `acr` in its ID tokens, whatever its discovery document says. */
  neverEmitsMfaEvidence: boolean;
  /** The prompt that makes the person authenticate again (Google has no `prompt=login`). */
  reauthenticationPrompt: string;
}

/** Fixed ports for IdPs without port flexibility (Okta matches exactly; Auth0 is documented to as well). */
export const DEFAULT_FIXED_LOOPBACK_PORTS = [47613, 47614, 47615] as const;

const OIDC_SCOPES = ['openid', 'email', 'profile'] as const;

export const IDP_KIND_DEFAULTS: Readonly<Record<IdpKind, IdpKindDefaults>> = {
  broker: {
    scopes: BROKER_SCOPES,
    authorizationParameters: {},
    consentForOfflineAccess: true,
    roleClaims: [`/${BROKER_ROLES_CLAIM}`],
    rolesFromAccessToken: false,
    mfaAcr: [BROKER_ACR.multiFactor],
    loopbackPorts: [],
    sendsIdpHint: true,
    neverEmitsMfaEvidence: false,
    reauthenticationPrompt: 'login',
  },
  generic: {
    scopes: [...OIDC_SCOPES, 'offline_access'],
    authorizationParameters: {},
    consentForOfflineAccess: true,
    roleClaims: ['/roles'],
    rolesFromAccessToken: false,
    mfaAcr: [],
    loopbackPorts: [],
    sendsIdpHint: false,
    neverEmitsMfaEvidence: false,
    reauthenticationPrompt: 'login',
  },
  entra: {
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    authorizationParameters: {},
    consentForOfflineAccess: false,
    roleClaims: ['/roles'],
    rolesFromAccessToken: false,
    mfaAcr: [],
    loopbackPorts: [],
    sendsIdpHint: false,
    neverEmitsMfaEvidence: true,
    reauthenticationPrompt: 'login',
  },
  google: {
    // Google refuses `offline_access`; `access_type=offline` with `prompt=consent` gives the refresh token.
    scopes: OIDC_SCOPES,
    authorizationParameters: { access_type: 'offline', prompt: 'consent' },
    consentForOfflineAccess: false,
    roleClaims: [],
    rolesFromAccessToken: false,
    mfaAcr: [],
    loopbackPorts: [],
    sendsIdpHint: false,
    neverEmitsMfaEvidence: true,
    reauthenticationPrompt: 'consent select_account',
  },
  okta: {
    scopes: [...OIDC_SCOPES, 'offline_access', 'groups'],
    authorizationParameters: {},
    consentForOfflineAccess: false,
    roleClaims: ['/groups'],
    rolesFromAccessToken: false,
    mfaAcr: [],
    loopbackPorts: DEFAULT_FIXED_LOOPBACK_PORTS,
    sendsIdpHint: false,
    neverEmitsMfaEvidence: false,
    reauthenticationPrompt: 'login',
  },
  keycloak: {
    // A refresh token comes without `offline_access` (which would make it an offline token).
    scopes: OIDC_SCOPES,
    authorizationParameters: {},
    consentForOfflineAccess: false,
    roleClaims: ['/realm_access/roles', '/resource_access/{clientId}/roles'],
    rolesFromAccessToken: true,
    mfaAcr: [],
    loopbackPorts: [],
    sendsIdpHint: false,
    neverEmitsMfaEvidence: false,
    reauthenticationPrompt: 'login',
  },
  auth0: {
    // Roles only in the namespaced claim an Action sets: the policy names it in `roleClaims`.
    scopes: [...OIDC_SCOPES, 'offline_access'],
    authorizationParameters: {},
    consentForOfflineAccess: false,
    roleClaims: [],
    rolesFromAccessToken: false,
    mfaAcr: [],
    loopbackPorts: DEFAULT_FIXED_LOOPBACK_PORTS,
    sendsIdpHint: false,
    neverEmitsMfaEvidence: false,
    reauthenticationPrompt: 'login',
  },
};

/** Authorization parameters the app sets itself; the policy cannot replace them. */
export const RESERVED_AUTHORIZATION_PARAMETERS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'acr_values',
  'claims',
  'login_hint',
  'max_age',
  'request',
  'request_uri',
  'response_mode',
  'idp_hint',
] as const;

/**
 * What the provider's login broker adds to OpenID Connect, for the app and the test broker alike
 * (e2e/provider/login-broker.ts): neither restates these values.
 */

/** The broker's Authentication Context Class References: single factor and multi-factor. */
export const BROKER_ACR = {
  singleFactor: 'urn:softphone:acr:pwd',
  multiFactor: 'urn:softphone:acr:mfa',
} as const;

/**
 * The authorization parameter that names the upstream IdP the broker federates, one of the policy's
 * sign-in methods (google, apple, company, provider).
 */
export const IDP_HINT_PARAMETER = 'idp_hint';

/** The scopes the app asks the broker for; `offline_access` needs `prompt=consent` (OIDC Core section 11). */
export const BROKER_SCOPES = ['openid', 'email', 'profile', 'offline_access'] as const;

/** The claim in which the broker names the person's roles (in the ID token, also after a refresh). */
export const BROKER_ROLES_CLAIM = 'roles';

/**
 * The redirect URI a native client registers: loopback without a port, any port accepted at sign-in
 * (RFC 8252 section 7.3). The app listens on 127.0.0.1, never on `localhost`.
 */
export const LOOPBACK_REDIRECT_URI = 'http://127.0.0.1/callback';
export const LOOPBACK_CALLBACK_PATH = '/callback';

/** Paths of the provider API below its base URL (provider-api.openapi.yaml). */
export const PROVIDER_API_PATHS = {
  sipCredentials: 'v1/sip-credentials',
  auditEvents: 'v1/audit-events',
  status: 'v1/status',
} as const;

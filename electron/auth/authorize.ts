import * as client from 'openid-client';
import { markSignIn, signInMarks } from '../../shared/domain/sign-in-marks.js';
import type { EffectivePolicy, ProviderEndpoints, SignInMethod } from '../../shared/policy/schema.js';
import { IDP_HINT_PARAMETER } from '../../shared/provider/broker.js';
import { idpSettingsOf, requestedScopes, type IdpSettings } from './idp-settings.js';
import {
  alternativeIssuer,
  isAllowedAuthorizationUrl,
  isTenantTemplate,
  matchesTenantTemplate,
  organisationAllowed,
} from './issuer-rules.js';
import { listenForRedirect, type PageLanguage } from './loopback.js';
import { describeMfaRefusal, evaluateMfa, mfaRefusalOf, type MfaEvidence } from './mfa-rule.js';
import { issuerMismatchClaims, SignInError } from './sign-in-errors.js';

export interface AuthorizeDeps {
  /** HTTPS to the issuer (the app's trusted fetch). */
  fetch: client.CustomFetch;
  /** Opens the system browser. */
  openExternal(url: string): Promise<void>;
  /** The language of the "you can close this tab" page. */
  language(): PageLanguage;
  /** The app's idea of now (tests move it): ID tokens are checked against it. */
  now(): number;
  logError(message: string, error: unknown): void;
}

export interface AuthorizeRequest {
  provider: ProviderEndpoints;
  policy: EffectivePolicy;
  method: SignInMethod;
  loginHint?: string;
  /** The session lock asks the signed-in person to authenticate again (`prompt=login`, `max_age=0`). */
  reauthenticate: boolean;
  signal: AbortSignal;
  /** The browser came back to the loopback listener: the person's part is done. */
  onCallback?(): void;
}

/** What names an issuer and this app's registration there. */
export type IssuerRef = Pick<ProviderEndpoints, 'issuer' | 'clientId'> &
  Partial<Pick<ProviderEndpoints, 'kind' | 'clientSecret'>>;

export type SignInTokens = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

/** An interactive sign-in that passed every check, with the evidence of its second factor. */
export interface Authorized {
  /** The issuer's configuration, for the ID token's own issuer (Entra: the tenant's). */
  config: client.Configuration;
  tokenIssuer: string;
  tokens: SignInTokens;
  claims: client.IDToken;
  mfa: MfaEvidence;
}

/** Rejects with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

interface ClientParts {
  clientId: string;
  metadata: Partial<client.ClientMetadata>;
  auth: client.ClientAuth;
}

function clientParts(provider: IssuerRef, settings: IdpSettings, now: () => number): ClientParts {
  return {
    clientId: provider.clientId,
    metadata: {
      // The injected clock is the app's idea of now (tests move it); 30 s of tolerance for exp/iat/nbf.
      [client.clockSkew]: Math.round((now() - Date.now()) / 1000),
      [client.clockTolerance]: 30,
    },
    // Google's desktop clients send their (not confidential) secret on code exchange and refresh.
    auth: settings.clientSecret !== null ? client.ClientSecretPost(settings.clientSecret) : client.None(),
  };
}

function configure(
  metadata: client.ServerMetadata,
  parts: ClientParts,
  fetch: client.CustomFetch,
): client.Configuration {
  const config = new client.Configuration(metadata, parts.clientId, parts.metadata, parts.auth);
  config[client.customFetch] = fetch;
  // ID tokens are verified against the issuer's published keys, also those from the token endpoint
  // (openid-client would otherwise rely on TLS alone for them, OIDC Core 3.1.3.7).
  client.enableNonRepudiationChecks(config);
  return config;
}

/**
 * Entra's `common`/`organizations` discovery names a template issuer (`.../{tenantid}/v2.0`), which
 * openid-client accepts only at the global cloud's origin; read here for every Entra origin.
 */
async function entraMetadata(fetch: client.CustomFetch, issuer: string): Promise<client.ServerMetadata> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, {
    method: 'GET',
    headers: { accept: 'application/json' },
    body: undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new SignInError('idp-error', `discovery answered ${response.status}`);
  const metadata = (await response.json()) as client.ServerMetadata;
  const named = typeof metadata.issuer === 'string' ? metadata.issuer : '';
  const matches = isTenantTemplate(named)
    ? matchesTenantTemplate(named, issuer)
    : new URL(named).href === new URL(issuer).href;
  if (!matches) throw new SignInError('wrong-issuer', `discovery names the issuer ${named}`);
  return metadata;
}

/** The issuer's configuration from its discovery document. */
export async function discoverIssuer(
  deps: Pick<AuthorizeDeps, 'fetch' | 'now'>,
  provider: IssuerRef,
): Promise<client.Configuration> {
  const settings = idpSettingsOf(provider);
  const parts = clientParts(provider, settings, deps.now);
  if (settings.kind === 'entra')
    return configure(await entraMetadata(deps.fetch, provider.issuer), parts, deps.fetch);
  const discovered = await client.discovery(
    new URL(provider.issuer),
    parts.clientId,
    parts.metadata,
    parts.auth,
    {
      [client.customFetch]: deps.fetch,
      timeout: 15,
    },
  );
  return configure(discovered.serverMetadata(), parts, deps.fetch);
}

/** The same issuer's configuration for another issuer identifier (a session's tenant, Google's spelling). */
export function configurationFor(
  deps: Pick<AuthorizeDeps, 'fetch' | 'now'>,
  provider: IssuerRef,
  discovered: client.Configuration,
  issuer: string,
): client.Configuration {
  // As JSON: serverMetadata() carries helper functions beside the metadata.
  const metadata = JSON.parse(JSON.stringify(discovered.serverMetadata())) as client.ServerMetadata;
  if (metadata.issuer === issuer) return discovered;
  const parts = clientParts(provider, idpSettingsOf(provider), deps.now);
  return configure({ ...metadata, issuer }, parts, deps.fetch);
}

interface Checks {
  pkceCodeVerifier: string;
  expectedState: string;
  expectedNonce: string;
}

function authorizationParameters(
  request: AuthorizeRequest,
  settings: IdpSettings,
  metadata: client.ServerMetadata,
  redirectUri: string,
  checks: Checks & { codeChallenge: string },
): Record<string, string> {
  const { policy } = request;
  const scopes = requestedScopes(settings, metadata.scopes_supported);
  const params: Record<string, string> = {
    ...(settings.consentForOfflineAccess && scopes.includes('offline_access') && { prompt: 'consent' }),
    ...settings.authorizationParameters,
    redirect_uri: redirectUri,
    scope: scopes.join(' '),
    code_challenge: checks.codeChallenge,
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
  };
  if (request.reauthenticate) {
    params.prompt = settings.reauthenticationPrompt;
    params.max_age = '0';
  }
  if (settings.sendsIdpHint) params[IDP_HINT_PARAMETER] = request.method;
  if (request.loginHint !== undefined) params.login_hint = request.loginHint;
  if (policy.requireMfa && policy.mfa.acr.length > 0) {
    params.acr_values = policy.mfa.acr.join(' ');
    // Essential where the IdP takes the claims parameter: Keycloak then refuses what it cannot meet.
    if (metadata.claims_parameter_supported === true)
      params.claims = JSON.stringify({ id_token: { acr: { essential: true, values: policy.mfa.acr } } });
  }
  return params;
}

/**
 * Redeems the code. An ID token that names another spelling of the issuer than discovery (Google) or its
 * own tenant (Entra multi-tenant) is checked once more, in full, against that issuer, from the same token
 * response: the code is redeemed once.
 */
async function redeem(
  deps: AuthorizeDeps,
  provider: ProviderEndpoints,
  config: client.Configuration,
  callback: URL,
  checks: Checks,
): Promise<{ config: client.Configuration; tokens: SignInTokens; tokenIssuer: string }> {
  const metadata = config.serverMetadata();
  const answered: { response: Response | null } = { response: null };
  config[client.customFetch] = async (url, options) => {
    const response = await deps.fetch(url, options);
    if (url === metadata.token_endpoint) answered.response = response.clone();
    return response;
  };
  try {
    const tokens = await client.authorizationCodeGrant(config, callback, checks);
    return { config, tokens, tokenIssuer: metadata.issuer };
  } catch (error) {
    const claims = issuerMismatchClaims(error);
    const issuer = claims && alternativeIssuer(idpSettingsOf(provider), metadata.issuer, claims);
    const { response } = answered;
    if (!issuer || !response) throw error;
    const retry = configurationFor(deps, provider, config, issuer);
    retry[client.customFetch] = (url, options) =>
      url === metadata.token_endpoint ? Promise.resolve(response.clone()) : deps.fetch(url, options);
    const tokens = await client.authorizationCodeGrant(retry, callback, checks);
    retry[client.customFetch] = deps.fetch;
    return { config: retry, tokens, tokenIssuer: issuer };
  } finally {
    config[client.customFetch] = deps.fetch;
  }
}

/** How this app authenticates at the token and revocation endpoints. */
export function clientAuthMethod(provider: Partial<ProviderEndpoints>): 'none' | 'client_secret_post' {
  return idpSettingsOf(provider).clientSecret !== null ? 'client_secret_post' : 'none';
}

/**
 * Whether the issuer lets this client revoke its refresh token (RFC 7009): it has the endpoint, and takes
 * the client's way of authenticating there (Glewlwyd, for one, takes only client_secret_basic).
 */
export function canRevoke(metadata: client.ServerMetadata, method: string): boolean {
  const methods = metadata.revocation_endpoint_auth_methods_supported;
  return !!metadata.revocation_endpoint && (!Array.isArray(methods) || methods.includes(method));
}

export async function revokeQuietly(
  deps: Pick<AuthorizeDeps, 'logError'>,
  config: client.Configuration,
  refreshToken: string | undefined,
  method: string = 'none',
): Promise<void> {
  // Where revocation is not offered to this client, the Policy screen says so (revocation-unsupported).
  if (!refreshToken || !canRevoke(config.serverMetadata(), method)) return;
  await client
    .tokenRevocation(config, refreshToken, { token_type_hint: 'refresh_token' })
    .catch((error: unknown) => deps.logError('Revoking a refresh token failed', error));
}

/**
 * An `iss` in the redirect (RFC 9207) from a multi-tenant issuer names the tenant's issuer, which
 * openid-client would compare with the template: checked here against the template instead (and then
 * against the ID token), and taken off the redirect.
 */
function tenantIssuerOf(discovered: string, callback: URL): string | null {
  const named = callback.searchParams.get('iss');
  if (named === null || !isTenantTemplate(discovered)) return null;
  if (!matchesTenantTemplate(discovered, named))
    throw new SignInError('wrong-issuer', 'the redirect names another issuer than the tenant template');
  callback.searchParams.delete('iss');
  return named;
}

/** The checks on the person's sign-in that policy adds to openid-client's: organisation and second factor. */
async function checkPerson(
  deps: AuthorizeDeps,
  request: AuthorizeRequest,
  discoveredIssuer: string,
  redeemed: { config: client.Configuration; tokens: SignInTokens },
): Promise<{ claims: client.IDToken; mfa: MfaEvidence }> {
  const { tokens, config } = redeemed;
  const claims = tokens.claims();
  if (!claims) throw new SignInError('invalid-token', 'no ID token');
  const settings = idpSettingsOf(request.provider);
  if (!organisationAllowed(settings, discoveredIssuer, claims)) {
    await revokeQuietly(deps, config, tokens.refresh_token);
    throw new SignInError(
      'organisation-not-allowed',
      'the account belongs to an organisation policy does not allow',
    );
  }
  const { policy } = request;
  const mfa = evaluateMfa(claims, policy.mfa);
  if (policy.requireMfa && !mfa.proven) {
    await revokeQuietly(deps, config, tokens.refresh_token, clientAuthMethod(request.provider));
    const refusal = mfaRefusalOf(mfa, policy.mfa);
    throw new SignInError('mfa-missing', describeMfaRefusal(refusal), { mfa: refusal });
  }
  return { claims, mfa };
}

/**
 * What first sign-in and unlocking share: discovery, the loopback listener, PKCE, the browser, the code
 * grant, and the policy's checks of the person (organisation, second factor). openid-client checks
 * issuer, audience, signature, nonce, state and expiry.
 */
export async function authorize(deps: AuthorizeDeps, request: AuthorizeRequest): Promise<Authorized> {
  const { provider, policy, signal } = request;
  const settings = idpSettingsOf(provider);
  const discovered = await abortable(discoverIssuer(deps, provider), signal);
  const metadata = discovered.serverMetadata();
  const listener = await listenForRedirect(deps.language, settings.loopbackPorts);
  try {
    const pkceCodeVerifier = client.randomPKCECodeVerifier();
    const checks: Checks = {
      pkceCodeVerifier,
      expectedState: client.randomState(),
      expectedNonce: client.randomNonce(),
    };
    const codeChallenge = await client.calculatePKCECodeChallenge(pkceCodeVerifier);
    const url = client.buildAuthorizationUrl(
      discovered,
      authorizationParameters(request, settings, metadata, listener.redirectUri, {
        ...checks,
        codeChallenge,
      }),
    );
    if (!isAllowedAuthorizationUrl(url, provider.issuer, policy.openExternalAllowList))
      throw new SignInError(
        'unexpected-sign-in-page',
        `the sign-in page is on ${url.host}, not the issuer's host`,
      );
    await abortable(deps.openExternal(url.href), signal);
    const callback = await abortable(listener.callback, signal);
    markSignIn(signInMarks.callback);
    request.onCallback?.();
    if (callback.searchParams.get('state') !== checks.expectedState)
      throw new SignInError('state-mismatch', 'the redirect carried another state than this sign-in sent');
    const tenantIssuer = tenantIssuerOf(metadata.issuer, callback);
    const redeemed = await abortable(redeem(deps, provider, discovered, callback, checks), signal);
    if (tenantIssuer !== null && redeemed.tokenIssuer !== tenantIssuer)
      throw new SignInError('wrong-issuer', 'the ID token names another tenant than the redirect');
    markSignIn(signInMarks.tokens);
    const person = await checkPerson(deps, request, metadata.issuer, redeemed);
    markSignIn(signInMarks.checked);
    return { ...redeemed, ...person };
  } finally {
    listener.close();
  }
}

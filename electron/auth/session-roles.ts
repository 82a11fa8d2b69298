import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import * as client from 'openid-client';
import type { SignedInUser } from '../../shared/domain/identity.js';
import type { ProviderEndpoints } from '../../shared/policy/schema.js';
import { idpSettingsOf } from './idp-settings.js';
import { appRoles, findRoles, type ClaimSet, type RolesFound } from './roles.js';

export interface RoleDeps {
  fetch: client.CustomFetch;
  now(): number;
  logError(message: string, error: unknown): void;
}

/**
 * The claims of an access token when it is a JWT of this issuer for this client (`azp` or `aud`), its
 * signature checked against the issuer's keys; null for an opaque token or one for someone else.
 */
export async function accessTokenClaims(
  deps: RoleDeps,
  config: client.Configuration,
  token: string,
  clientId: string,
): Promise<ClaimSet> {
  const metadata = config.serverMetadata();
  if (token.split('.').length !== 3 || !metadata.jwks_uri) return null;
  const response = await deps.fetch(metadata.jwks_uri, {
    method: 'GET',
    headers: { accept: 'application/json' },
    body: undefined,
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  if (!response.ok) throw new Error(`the issuer's keys answered ${response.status}`);
  const { payload } = await jwtVerify(token, createLocalJWKSet((await response.json()) as JSONWebKeySet), {
    issuer: metadata.issuer,
    currentDate: new Date(deps.now()),
    clockTolerance: 30,
  });
  const audience = [payload.aud ?? []].flat();
  return payload.azp === clientId || audience.includes(clientId) ? payload : null;
}

interface TokenSet {
  config: client.Configuration;
  claims: client.IDToken;
  accessToken: string;
}

/** Userinfo, when the issuer has it (Entra's lives at Microsoft Graph and never carries app roles). */
async function userinfoClaims(
  deps: RoleDeps,
  tokens: TokenSet,
  provider: ProviderEndpoints,
): Promise<ClaimSet> {
  if (!tokens.config.serverMetadata().userinfo_endpoint || idpSettingsOf(provider).kind === 'entra')
    return null;
  return client.fetchUserInfo(tokens.config, tokens.accessToken, tokens.claims.sub);
}

/**
 * Looks for roles where policy says, in order: the ID token, userinfo, then (opt-in) the access token. A
 * source is asked only when the ones before had nothing; one that fails counts as having nothing (logged).
 */
export async function findSessionRoles(
  deps: RoleDeps,
  tokens: TokenSet,
  provider: ProviderEndpoints,
  options: { userinfo: boolean },
): Promise<RolesFound> {
  const settings = idpSettingsOf(provider);
  const sources: Record<'id-token' | 'userinfo' | 'access-token', ClaimSet> = {
    'id-token': tokens.claims,
    userinfo: null,
    'access-token': null,
  };
  const search = () => findRoles(sources, settings.roleClaims, provider.clientId);
  let found = search();
  if (found.status === 'absent' && settings.roleClaims.length > 0 && options.userinfo) {
    sources.userinfo = await userinfoClaims(deps, tokens, provider).catch((error: unknown) => {
      deps.logError('Reading userinfo for roles failed', error);
      return null;
    });
    found = search();
  }
  if (found.status === 'absent' && settings.rolesFromAccessToken) {
    sources['access-token'] = await accessTokenClaims(
      deps,
      tokens.config,
      tokens.accessToken,
      provider.clientId,
    ).catch((error: unknown) => {
      deps.logError('Reading roles from the access token failed', error);
      return null;
    });
    found = search();
  }
  return found;
}

/** The app's roles of a person at sign-in. */
export async function signInRoles(
  deps: RoleDeps,
  tokens: TokenSet,
  provider: ProviderEndpoints,
): Promise<Pick<SignedInUser, 'roles' | 'rolesUnknown'>> {
  const settings = idpSettingsOf(provider);
  const found = await findSessionRoles(deps, tokens, provider, { userinfo: true });
  return appRoles(found, tokens.claims, settings);
}

/**
 * The roles after a refresh: those of the new tokens when they carry roles (a revoked role takes effect),
 * otherwise the sign-in's (Auth0 and others leave claims out of refreshed ID tokens; an overage is no
 * reason to demote).
 */
export async function refreshedRoles(
  deps: RoleDeps,
  tokens: TokenSet,
  provider: ProviderEndpoints,
  current: Pick<SignedInUser, 'roles' | 'rolesUnknown'>,
): Promise<Pick<SignedInUser, 'roles' | 'rolesUnknown'>> {
  const found = await findSessionRoles(deps, tokens, provider, { userinfo: false });
  if (found.status !== 'found') return current;
  return appRoles(found, tokens.claims, idpSettingsOf(provider));
}

import * as client from 'openid-client';
import type { AuditEvent } from '../../shared/audit/catalog.js';
import {
  SignedInUser,
  type SignInState,
  type StartSignIn,
  type SignInErrorReason,
} from '../../shared/domain/identity.js';
import type { SipAccount, SipRegistration } from '../../shared/domain/sip-account.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import type { EffectivePolicy, ProviderEndpoints, SignInMethod } from '../../shared/policy/schema.js';
import { SipCredentials } from '../../shared/provider/api.js';
import { digestHa1, type SecretSlot } from '../sip/sip-account-service.js';
import { listenForRedirect, type PageLanguage } from './loopback.js';
import { auditReasonOf, classifySignInError, SignInError } from './sign-in-errors.js';
import { createTrustedFetch, type TrustedFetch } from '../net/http-client.js';

/** Keychain items of a session: everything `signOut` wipes. */
export const SESSION_SECRET_KEYS = ['identity-session', 'provisioned-sip-credentials'] as const;
const [SESSION_KEY, SIP_KEY] = SESSION_SECRET_KEYS;

/** What the app asks for: `offline_access` (with `prompt=consent`) gives the refresh token. */
export const SIGN_IN_SCOPE = 'openid email profile offline_access';
/** The ACR the app asks for when policy requires a second factor. */
export const MFA_ACR = 'urn:softphone:acr:mfa';
/** RFC 8176 `amr` values that show a second factor. */
const SECOND_FACTORS = new Set(['mfa', 'otp', 'hwk']);

const MINUTE = 60_000;

/** openid-client's fetch over the app's trusted fetch (its options are a subset of fetch's RequestInit). */
export function asCustomFetch(fetch: TrustedFetch): client.CustomFetch {
  return (url, options) => fetch(url, options as RequestInit);
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Node's timers, unref'd: a pending refresh or lock deadline never keeps the process alive. */
export const realTimers: Timers = {
  set(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SignInServiceDeps {
  policy(): EffectivePolicy;
  /** The OS keychain: refresh token and SIP credentials, never anywhere else. */
  secrets: SecretSlot;
  /** Opens the system browser (in the e2e shell: a new page). */
  openExternal(url: string): Promise<void>;
  record(event: AuditEvent): void;
  /** The language of the "you can close this tab" page. */
  language(): PageLanguage;
  onStateChange(state: SignInState): void;
  /** The provisioned SIP registration appeared, rotated or went. */
  onRegistrationChange(): void;
  /**
   * The offset of this computer's clock against the provider's `Date` header changed (seconds, positive
   * when this clock is ahead). TOTP codes and token checks depend on it.
   */
  onClockSkew?(seconds: number): void;
  /**
   * HTTPS to the issuer and the provider API; default: the app's trusted fetch (system roots plus the
   * policy's extra CAs, and its pins), as for every connection to the provider.
   */
  fetch?: client.CustomFetch;
  now?(): number;
  timers?: Timers;
  /** How long the browser may take (default 5 minutes). */
  signInTimeoutMs?: number;
  logError?(message: string, error: unknown): void;
}

interface StoredSession {
  issuer: string;
  clientId: string;
  refreshToken: string;
  user: SignedInUser;
  /** The ID token's subject: who the audit log says was signed in (absent in sessions stored before). */
  subject?: string;
  /** When the person last authenticated at the IdP (ms, on this computer's clock). */
  authTime: number;
  amr: string[];
}

function rolesOf(claims: client.IDToken): SignedInUser['roles'] {
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  return roles.filter((role): role is 'admin' | 'user' => role === 'admin' || role === 'user');
}

function userOf(claims: client.IDToken, method: SignInMethod): SignedInUser {
  return SignedInUser.parse({
    name: typeof claims.name === 'string' ? claims.name.slice(0, 256) : '',
    email: typeof claims.email === 'string' ? claims.email.slice(0, 320) : '',
    roles: rolesOf(claims),
    method,
  });
}

/**
 * Whether the ID token names the stored session's account. The subject identifies it at its issuer (an
 * e-mail address can pass to another account); sessions stored before the subject was kept fall back to
 * the e-mail address, which must then not be empty.
 */
function isSameAccount(
  stored: StoredSession,
  issuer: string,
  claims: client.IDToken,
  method: SignInMethod,
): boolean {
  if (stored.issuer !== issuer) return false;
  if (stored.subject !== undefined) return claims.sub === stored.subject;
  const email = userOf(claims, method).email;
  return email !== '' && email === stored.user.email;
}

function amrOf(claims: client.IDToken): string[] {
  return Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Sign-in with the provider's login broker (OIDC Authorization Code + PKCE in the system browser, loopback
 * redirect), the session's tokens and the SIP credentials it provisions. openid-client checks issuer,
 * audience, signature, nonce, state and expiry; this service adds the MFA policy and the token lifecycle.
 */
export function createSignInService(deps: SignInServiceDeps) {
  const now = deps.now ?? Date.now;
  const timers = deps.timers ?? realTimers;
  const timeoutMs = deps.signInTimeoutMs ?? 5 * MINUTE;
  const logError = deps.logError ?? (() => undefined);
  const owned = deps.fetch
    ? null
    : createTrustedFetch(() => {
        const policy = deps.policy();
        return { extraCaCertificates: policy.extraCaCertificates, pinnedSpkiSha256: policy.pinnedSpkiSha256 };
      });
  const transport: client.CustomFetch = deps.fetch ?? asCustomFetch(owned!);
  let clockSkew: number | null = null;
  // Every answer of the issuer and the provider API tells the provider's time (`Date`, whole seconds).
  const fetch: client.CustomFetch = async (url, options) => {
    const response = await transport(url, options);
    const date = Date.parse(response.headers.get('date') ?? '');
    if (Number.isFinite(date)) {
      const seconds = Math.round((now() - date) / 1000);
      if (seconds !== clockSkew) {
        clockSkew = seconds;
        deps.onClockSkew?.(seconds);
      }
    }
    return response;
  };
  /**
   * A time of the provider's clock (ms) on this computer's clock, by the offset its `Date` headers showed:
   * `auth_time` and the credentials' expiry are compared with `now()`, and the clocks may disagree.
   */
  const localTimeOf = (providerTime: number) => providerTime + (clockSkew ?? 0) * 1000;

  let state: SignInState = { status: 'signed-out' };
  let attempt: AbortController | null = null;
  let session: StoredSession | null = null;
  let config: client.Configuration | null = null;
  let access: { token: string; expiresAt: number } | null = null;
  let sip: SipCredentials | null = null;
  let refreshTimer: unknown = null;
  let rotateTimer: unknown = null;
  let refreshing: Promise<string> | null = null;
  let disposed = false;

  const setState = (next: SignInState) => {
    state = next;
    deps.onStateChange(next);
  };

  async function discover(
    provider: Pick<ProviderEndpoints, 'issuer' | 'clientId'>,
  ): Promise<client.Configuration> {
    const discovered = await client.discovery(
      new URL(provider.issuer),
      provider.clientId,
      {
        // The injected clock is the app's idea of now (tests move it); 30 s of tolerance for exp/iat/nbf.
        [client.clockSkew]: Math.round((now() - Date.now()) / 1000),
        [client.clockTolerance]: 30,
      },
      client.None(),
      { [client.customFetch]: fetch, timeout: 15 },
    );
    discovered[client.customFetch] = fetch;
    // ID tokens are verified against the issuer's published keys, also those from the token endpoint
    // (openid-client would otherwise rely on TLS alone for them, OIDC Core 3.1.3.7).
    client.enableNonRepudiationChecks(discovered);
    return discovered;
  }

  async function sessionConfig(): Promise<client.Configuration> {
    if (config) return config;
    const provider = deps.policy().provider;
    if (!provider) throw new SignInError('network', 'no provider is configured');
    config = await discover(provider);
    return config;
  }

  function clearTimers() {
    if (refreshTimer !== null) timers.clear(refreshTimer);
    if (rotateTimer !== null) timers.clear(rotateTimer);
    refreshTimer = null;
    rotateTimer = null;
  }

  // --- Sign-in ------------------------------------------------------------------------------------

  async function start(input: StartSignIn): Promise<SignInState> {
    const policy = deps.policy();
    const provider = policy.provider;
    if (!provider) throw new ServiceError('not-available', 'no provider is configured by policy');
    if (!policy.signInMethods.includes(input.method))
      throw new ServiceError('refused', `sign-in with ${input.method} is turned off by policy`);
    if (session) throw new ServiceError('refused', 'already signed in: sign out first');
    attempt?.abort(new SignInError('cancelled', 'a new sign-in started'));
    let loginHint: string | undefined;
    if (input.method === 'company') {
      if (!input.email)
        throw new ServiceError('invalid-input', 'company sign-in needs a work e-mail address');
      const domain = input.email.slice(input.email.lastIndexOf('@') + 1).toLowerCase();
      if (policy.companyDomains.length > 0 && !policy.companyDomains.includes(domain)) {
        deps.record({ type: 'auth.signInFailed', details: { method: 'company', reason: 'error' } });
        setState({ status: 'error', reason: 'unknown-company', method: 'company' });
        return state;
      }
      loginHint = input.email;
    }
    const controller = new AbortController();
    attempt = controller;
    setState({ status: 'in-progress', method: input.method });
    void run(controller, provider, policy, input.method, loginHint);
    return state;
  }

  /**
   * The session lock asks the person to authenticate again (`prompt=login`, `max_age=0`) with the
   * signed-in account; resolves with the fresh `auth_time` (ms), or rejects with a SignInError that names
   * why. The sign-in state stays "signed-in" throughout, also when this fails.
   */
  function reauthenticate(): Promise<number> {
    const policy = deps.policy();
    const provider = policy.provider;
    const current = session;
    if (!provider || !current) return Promise.reject(new ServiceError('not-available', 'not signed in'));
    attempt?.abort(new SignInError('cancelled', 'a new sign-in started'));
    const controller = new AbortController();
    attempt = controller;
    return new Promise<number>((resolve, reject) => {
      void run(controller, provider, policy, current.user.method, current.user.email || undefined, {
        resolve,
        reject,
      });
    });
  }

  async function run(
    controller: AbortController,
    provider: ProviderEndpoints,
    policy: EffectivePolicy,
    method: SignInMethod,
    loginHint: string | undefined,
    reauth?: { resolve(authTime: number): void; reject(error: unknown): void },
  ): Promise<void> {
    const aborted = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), {
        once: true,
      });
    });
    aborted.catch(() => undefined);
    const timer = timers.set(
      () => controller.abort(new SignInError('timeout', 'nobody came back from the browser in time')),
      timeoutMs,
    );
    let listener: Awaited<ReturnType<typeof listenForRedirect>> | null = null;
    let refusedForMfa = false;
    try {
      const discovered = await Promise.race([discover(provider), aborted]);
      listener = await listenForRedirect(deps.language);
      const verifier = client.randomPKCECodeVerifier();
      const expectedState = client.randomState();
      const expectedNonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(discovered, {
        redirect_uri: listener.redirectUri,
        scope: SIGN_IN_SCOPE,
        prompt: reauth ? 'login' : 'consent',
        ...(reauth && { max_age: '0' }),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: expectedState,
        nonce: expectedNonce,
        idp_hint: method,
        ...(loginHint !== undefined && { login_hint: loginHint }),
        ...(policy.requireMfa && { acr_values: MFA_ACR }),
      });
      await Promise.race([deps.openExternal(url.href), aborted]);
      const callback = await Promise.race([listener.callback, aborted]);
      timers.clear(timer);
      if (callback.searchParams.get('state') !== expectedState)
        throw new SignInError('state-mismatch', 'the redirect carried another state than this sign-in sent');
      const tokens = await Promise.race([
        client.authorizationCodeGrant(discovered, callback, {
          pkceCodeVerifier: verifier,
          expectedState,
          expectedNonce,
          idTokenExpected: true,
        }),
        aborted,
      ]);
      const claims = tokens.claims();
      if (!claims) throw new SignInError('invalid-token', 'no ID token');
      const amr = amrOf(claims);
      const mfa = amr.some((value) => SECOND_FACTORS.has(value));
      if (policy.requireMfa && !mfa) {
        refusedForMfa = true;
        deps.record({ type: 'auth.signInRefusedNoMfa', details: { method, amr: amr.join(',') } });
        await revokeQuietly(discovered, tokens.refresh_token);
        throw new SignInError('mfa-missing', 'policy requires a second factor and the ID token shows none');
      }
      if (reauth) {
        // Unlocking needs the same person, freshly authenticated: another account or no auth_time fails.
        // The session keeps its refresh token and SIP credentials; only its authentication time renews.
        // This sign-in's refresh token is never kept: revoked first, also when it is another account's.
        await revokeQuietly(discovered, tokens.refresh_token);
        const current = session;
        if (!current || !isSameAccount(current, provider.issuer, claims, method))
          throw new SignInError('wrong-account', 'another account signed in to unlock');
        if (typeof claims.auth_time !== 'number')
          throw new SignInError('invalid-token', 'the ID token does not say when the person authenticated');
        if (controller.signal.aborted) throw controller.signal.reason as Error;
        const renewed: StoredSession = { ...current, authTime: localTimeOf(claims.auth_time * 1000), amr };
        await deps.secrets.set(SESSION_KEY, JSON.stringify(renewed));
        session = renewed;
        deps.record({ type: 'auth.signInSucceeded', details: { method, mfa } });
        if (attempt === controller) attempt = null;
        reauth.resolve(renewed.authTime);
        return;
      }
      if (!tokens.refresh_token) throw new SignInError('idp-error', 'the provider gave no refresh token');
      const stored: StoredSession = {
        issuer: provider.issuer,
        clientId: provider.clientId,
        refreshToken: tokens.refresh_token,
        user: userOf(claims, method),
        subject: claims.sub,
        authTime: typeof claims.auth_time === 'number' ? localTimeOf(claims.auth_time * 1000) : now(),
        amr,
      };
      config = discovered;
      access = { token: tokens.access_token, expiresAt: now() + (tokens.expiresIn() ?? 60) * 1000 };
      let credentials: SipCredentials;
      try {
        credentials = await fetchSipCredentials();
      } catch (error) {
        await revokeQuietly(discovered, tokens.refresh_token);
        config = null;
        access = null;
        throw new SignInError('provisioning', 'no usable SIP credentials', { cause: error });
      }
      if (controller.signal.aborted) {
        await revokeQuietly(discovered, tokens.refresh_token);
        throw controller.signal.reason as Error;
      }
      await deps.secrets.set(SESSION_KEY, JSON.stringify(stored));
      await deps.secrets.set(SIP_KEY, JSON.stringify(credentials));
      session = stored;
      sip = credentials;
      deps.record({ type: 'auth.signInSucceeded', details: { method, mfa } });
      deps.record({
        type: 'sip.credentialsProvisioned',
        details: { source: 'provider', expiresAt: Date.parse(credentials.expiresAt) },
      });
      scheduleRefresh(tokens.expiresIn() ?? 60);
      scheduleRotation();
      if (attempt === controller) attempt = null;
      setState({ status: 'signed-in', user: stored.user });
      deps.onRegistrationChange();
    } catch (error) {
      const failure = classifySignInError(error);
      if (attempt !== controller || disposed) {
        reauth?.reject(error);
        return;
      }
      attempt = null;
      if (!refusedForMfa)
        deps.record({
          type: 'auth.signInFailed',
          details: { method, reason: auditReasonOf(failure.reason) },
        });
      // The reason and openid-client's message only: its error's cause carries the token's claims.
      if (
        failure.reason === 'idp-error' ||
        failure.reason === 'network' ||
        failure.reason === 'invalid-token'
      )
        logError(`Sign-in failed (${failure.reason})`, new Error(failure.message));
      // Named, like the state's reason: the session lock tells the person why unlocking failed.
      if (reauth) reauth.reject(failure);
      else setState({ status: 'error', reason: failure.reason, method });
    } finally {
      timers.clear(timer);
      listener?.close();
    }
  }

  async function revokeQuietly(of: client.Configuration, refreshToken: string | undefined) {
    if (!refreshToken) return;
    await client
      .tokenRevocation(of, refreshToken, { token_type_hint: 'refresh_token' })
      .catch((error: unknown) => logError('Revoking a refresh token failed', error));
  }

  function cancel(): SignInState {
    attempt?.abort(new SignInError('cancelled', 'the person cancelled'));
    return state;
  }

  // --- Tokens -------------------------------------------------------------------------------------

  function scheduleRefresh(expiresInSeconds: number) {
    if (refreshTimer !== null) timers.clear(refreshTimer);
    // At 80 % of the access token's life, so that the SIP rotation always finds a valid one.
    refreshTimer = timers.set(
      () => {
        refreshTimer = null;
        void refresh().catch(() => undefined);
      },
      Math.max(1000, expiresInSeconds * 800),
    );
  }

  /** A new access token with the refresh token, which rotates (the old one is spent). */
  function refresh(): Promise<string> {
    refreshing ??= (async () => {
      const current = session;
      if (!current) throw new SignInError('cancelled', 'signed out');
      try {
        const tokens = await client.refreshTokenGrant(await sessionConfig(), current.refreshToken);
        if (session !== current) throw new SignInError('cancelled', 'signed out during the refresh');
        const claims = tokens.claims();
        const next: StoredSession = {
          ...current,
          refreshToken: tokens.refresh_token ?? current.refreshToken,
          user: claims ? userOf(claims, current.user.method) : current.user,
        };
        await deps.secrets.set(SESSION_KEY, JSON.stringify(next));
        session = next;
        access = { token: tokens.access_token, expiresAt: now() + (tokens.expiresIn() ?? 60) * 1000 };
        deps.record({ type: 'token.refreshed', details: {} });
        scheduleRefresh(tokens.expiresIn() ?? 60);
        if (state.status === 'signed-in' && JSON.stringify(state.user) !== JSON.stringify(next.user))
          setState({ status: 'signed-in', user: next.user });
        return tokens.access_token;
      } catch (error) {
        if (session !== current) throw error;
        const failure = classifySignInError(error);
        if (failure.reason === 'code-replayed') {
          // invalid_grant: the provider ended the session (revoked, expired or signed out elsewhere).
          deps.record({ type: 'token.refreshFailed', details: { reason: 'invalid-grant' } });
          await endSession('refresh-failed', false);
        } else {
          deps.record({
            type: 'token.refreshFailed',
            details: { reason: failure.reason === 'network' ? 'network' : 'server' },
          });
          // Try again soon; the SIP credentials still hold for a while.
          if (refreshTimer !== null) timers.clear(refreshTimer);
          refreshTimer = timers.set(() => {
            refreshTimer = null;
            void refresh().catch(() => undefined);
          }, 30_000);
        }
        throw failure;
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function accessToken(): Promise<string> {
    if (access && access.expiresAt - 30_000 > now()) return access.token;
    return refresh();
  }

  async function fetchSipCredentials(): Promise<SipCredentials> {
    const provider = deps.policy().provider;
    if (!provider) throw new SignInError('network', 'no provider is configured');
    const token = await accessToken();
    const response = await client.fetchProtectedResource(
      await sessionConfig(),
      token,
      new URL(
        'v1/sip-credentials',
        provider.apiBaseUrl.endsWith('/') ? provider.apiBaseUrl : `${provider.apiBaseUrl}/`,
      ),
      'GET',
    );
    if (!response.ok) throw new SignInError('provisioning', `the provider API answered ${response.status}`);
    const parsed = SipCredentials.safeParse(await response.json());
    if (!parsed.success) {
      deps.record({ type: 'sip.credentialsRejected', details: { reason: 'invalid-response' } });
      throw new SignInError('provisioning', 'the provider API gave credentials the app cannot use');
    }
    return parsed.data;
  }

  function scheduleRotation() {
    if (rotateTimer !== null) timers.clear(rotateTimer);
    if (!sip) return;
    // New credentials at 80 % of their life: the phone re-registers with them long before they expire.
    const remaining = localTimeOf(Date.parse(sip.expiresAt)) - now();
    rotateTimer = timers.set(
      () => {
        rotateTimer = null;
        void rotate().catch((error: unknown) => logError('Rotating the SIP credentials failed', error));
      },
      Math.max(1000, remaining * 0.8),
    );
  }

  /** Fetches new SIP credentials, keeps them in the keychain, and tells the phone to re-register. */
  async function rotate(): Promise<void> {
    const current = session;
    if (!current) return;
    try {
      const credentials = await fetchSipCredentials();
      if (session !== current) return;
      await deps.secrets.set(SIP_KEY, JSON.stringify(credentials));
      sip = credentials;
      deps.record({
        type: 'sip.credentialsRotated',
        details: { expiresAt: Date.parse(credentials.expiresAt) },
      });
      scheduleRotation();
      deps.onRegistrationChange();
    } catch (error) {
      if (session !== current) return;
      if (error instanceof client.WWWAuthenticateChallengeError) {
        deps.record({ type: 'sip.credentialsRejected', details: { reason: 'authentication' } });
        await endSession('session-expired', false);
        return;
      }
      rotateTimer = timers.set(() => {
        rotateTimer = null;
        void rotate().catch((retryError: unknown) =>
          logError('Rotating the SIP credentials failed', retryError),
        );
      }, 30_000);
      throw error;
    }
  }

  // --- Sign-out and restore -----------------------------------------------------------------------

  /** Revokes the refresh token (the provider removes the SIP user), wipes the keychain items, unregisters. */
  async function endSession(
    reason: 'user' | 'session-expired' | 'refresh-failed' | 'policy' | 'data-deleted',
    revoke: boolean,
  ): Promise<void> {
    const current = session;
    const currentConfig = config;
    // Recorded first, while the audit log still knows whose session ends.
    if (current) deps.record({ type: 'auth.signedOut', details: { reason } });
    clearTimers();
    session = null;
    access = null;
    sip = null;
    config = null;
    if (revoke && current) {
      // Revoked at the issuer the session came from, also when policy now names another one.
      const of = currentConfig ?? (await discover(current).catch(() => null));
      if (of) await revokeQuietly(of, current.refreshToken);
    }
    for (const key of SESSION_SECRET_KEYS) await deps.secrets.delete(key);
    setState({ status: 'signed-out' });
    deps.onRegistrationChange();
  }

  async function signOut(): Promise<SignInState> {
    attempt?.abort(new SignInError('cancelled', 'signed out'));
    await endSession('user', true);
    return state;
  }

  /** At start: a session in the keychain is signed in again with its refresh token. */
  async function restore(): Promise<void> {
    const raw = await deps.secrets.get(SESSION_KEY);
    if (raw === null) return;
    let stored: StoredSession;
    try {
      stored = JSON.parse(raw) as StoredSession;
      stored.user = SignedInUser.parse(stored.user);
      if (typeof stored.refreshToken !== 'string') throw new Error('no refresh token');
    } catch (error) {
      logError('The stored session is unreadable; it is removed', error);
      for (const key of SESSION_SECRET_KEYS) await deps.secrets.delete(key);
      return;
    }
    const provider = deps.policy().provider;
    if (!provider || provider.issuer !== stored.issuer || provider.clientId !== stored.clientId) {
      session = stored;
      await endSession('policy', true);
      return;
    }
    session = stored;
    const rawSip = await deps.secrets.get(SIP_KEY);
    const parsedSip = rawSip === null ? null : SipCredentials.safeParse(JSON.parse(rawSip));
    sip = parsedSip?.success ? parsedSip.data : null;
    setState({ status: 'signed-in', user: stored.user });
    if (sip && localTimeOf(Date.parse(sip.expiresAt)) - now() > 2 * MINUTE) {
      scheduleRotation();
      deps.onRegistrationChange();
      void refresh().catch(() => undefined);
    } else {
      sip = null;
      void rotate().catch((error: unknown) => logError('Provisioning after restart failed', error));
    }
  }

  // --- The provisioned account --------------------------------------------------------------------

  function provisionedAccount(): SipAccount | null {
    if (!session || !sip) return null;
    return {
      displayName: session.user.name.slice(0, 128),
      sipUri: sip.sipUri,
      authorizationUser: sip.authorizationUser,
      wssUrl: sip.wssUrl,
      realm: sip.realm,
    };
  }

  function provisionedRegistration(): SipRegistration | null {
    const account = provisionedAccount();
    if (!account || !sip) return null;
    return {
      displayName: account.displayName,
      sipUri: sip.sipUri,
      authorizationUser: sip.authorizationUser,
      wssUrl: sip.wssUrl,
      realm: sip.realm,
      ha1: sip.ha1 ?? digestHa1(sip.authorizationUser, sip.realm, sip.password ?? ''),
    };
  }

  return {
    state: () => state,
    start,
    reauthenticate,
    cancel,
    signOut,
    restore,
    /**
     * The policy changed: a session with another provider than the one now configured ends (revoked at
     * the provider it came from), and so does one whose sign-in method policy no longer offers.
     */
    async policyChanged(): Promise<void> {
      const current = session;
      if (!current) return;
      const policy = deps.policy();
      const provider = policy.provider;
      if (
        !provider ||
        provider.issuer !== current.issuer ||
        provider.clientId !== current.clientId ||
        !policy.signInMethods.includes(current.user.method)
      )
        await endSession('policy', true);
    },
    /** Revokes and forgets the session before all data is deleted (the keychain is shredded next). */
    forget: () => endSession('data-deleted', true),
    provisionedAccount,
    provisionedRegistration,
    /**
     * The access token for the provider API (in memory only; refreshed first when it is about to expire),
     * or null while signed out or when no token can be had now.
     */
    async accessToken(): Promise<string | null> {
      if (!session) return null;
      return accessToken().catch(() => null);
    },
    /** A new access token now (the API refused the current one), or null. */
    async refreshAccessToken(): Promise<string | null> {
      if (!session) return null;
      return refresh().catch(() => null);
    },
    /** Seconds this computer's clock is ahead of the provider's (null before the provider answered). */
    clockSkew: () => clockSkew,
    /** The session's age for the lock: when the person last authenticated at the IdP. */
    authTime: () => session?.authTime ?? null,
    /** The signed-in user's ID-token subject, for the audit log; null while signed out. */
    subject: () => session?.subject ?? null,
    dispose() {
      disposed = true;
      attempt?.abort(new SignInError('cancelled', 'the app is closing'));
      clearTimers();
      void owned?.close();
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
export type { SignInErrorReason };

import * as client from 'openid-client';
import type { AuditEvent } from '../../shared/audit/catalog.js';
import {
  SignedInUser,
  type SignInState,
  type StartSignIn,
  type SignInErrorReason,
} from '../../shared/domain/identity.js';
import { markSignIn, signInMarks } from '../../shared/domain/sign-in-marks.js';
import type { SipAccount, SipRegistration } from '../../shared/domain/sip-account.js';
import { ServiceError } from '../../shared/ipc/errors.js';
import type { EffectivePolicy, ProviderEndpoints, SignInMethod } from '../../shared/policy/schema.js';
import { PROVIDER_API_PATHS } from '../../shared/provider/broker.js';
import type { IdpKind } from '../../shared/provider/idp-kinds.js';
import { SipCredentials } from '../../shared/provider/api.js';
import { digestHa1, type SecretSlot } from '../sip/sip-account-service.js';
import {
  expandSipTemplate,
  SipTemplateError,
  TEMPLATED_PASSWORD_KEY,
  type TemplatedAccount,
} from '../sip/templated-account.js';
import { createTrustedFetch, type TrustedFetch } from '../net/http-client.js';
import {
  authorize,
  clientAuthMethod,
  configurationFor,
  discoverIssuer,
  revokeQuietly,
  type Authorized,
  type IssuerRef,
} from './authorize.js';
import type { PageLanguage } from './loopback.js';
import type { MfaProof } from './mfa-rule.js';
import { refreshedRoles, signInRoles } from './session-roles.js';
import { auditReasonOf, classifySignInError, SignInError } from './sign-in-errors.js';

/** Keychain items of a session: everything `signOut` wipes. */
export const SESSION_SECRET_KEYS = [
  'identity-session',
  'provisioned-sip-credentials',
  TEMPLATED_PASSWORD_KEY,
] as const;
const [SESSION_KEY, SIP_KEY] = SESSION_SECRET_KEYS;

const MINUTE = 60_000;
/** How soon a failed refresh, SIP rotation or keychain write is tried again. */
const RETRY_MS = 30_000;

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
  /** The OS keychain: tokens and SIP credentials, never anywhere else. */
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
  /** The policy's issuer; `tokenIssuer` is the one the ID token names (Entra: the tenant's). */
  issuer: string;
  tokenIssuer?: string;
  clientId: string;
  /** The policy's kind of issuer at sign-in (for revoking at it after the policy changed). */
  kind?: IdpKind;
  /** Null when the IdP gave none: the session lasts as long as its tokens, then the browser again. */
  refreshToken: string | null;
  /** Kept only without a refresh token, so that a restart within its life needs no new sign-in. */
  access?: { token: string; expiresAt: number };
  user: SignedInUser;
  /** The ID token's subject: who the audit log says was signed in (absent in sessions stored before). */
  subject?: string;
  /** When the person last authenticated at the IdP (ms, on this computer's clock). */
  authTime: number;
  /** The second factor as the interactive sign-in showed it; never judged again on a refresh. */
  amr: string[];
  acr?: string | null;
  mfaProof?: MfaProof | null;
  /** Without a provider API: the SIP account from the policy's template. */
  sipAccount?: TemplatedAccount;
}

/** How a session ends; the audit catalog's sign-out reasons. */
type EndReason = 'user' | 'session-expired' | 'refresh-failed' | 'policy' | 'data-deleted';

/**
 * Whether the ID token names the stored session's account. The subject identifies it at its issuer (an
 * e-mail address can pass to another account); sessions stored before the subject was kept fall back to
 * the e-mail address, which must then not be empty.
 */
function isSameAccount(stored: StoredSession, issuer: string, claims: client.IDToken): boolean {
  if (stored.issuer !== issuer) return false;
  if (stored.subject !== undefined) return claims.sub === stored.subject;
  const email = typeof claims.email === 'string' ? claims.email : '';
  return email !== '' && email === stored.user.email;
}

/** The HTTP status of the answer an error came from, if it came from one. */
function httpStatusOf(error: unknown): number | null {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth += 1) {
    const status = (current as { status?: unknown }).status;
    if (typeof status === 'number') return status;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

function readStoredSession(raw: string): StoredSession {
  const stored = JSON.parse(raw) as StoredSession;
  stored.user = SignedInUser.parse(stored.user);
  if (stored.refreshToken !== null && typeof stored.refreshToken !== 'string')
    throw new Error('no refresh token');
  return stored;
}

/**
 * Sign-in with the policy's issuer (OIDC Authorization Code + PKCE in the system browser, loopback
 * redirect), the session's tokens, and the SIP account it gives: provisioned by the provider API, or from
 * the policy's template. `authorize()` does what first sign-in and unlocking share; this service keeps the
 * session.
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
  const issuerDeps = { fetch, now, logError, openExternal: deps.openExternal, language: deps.language };
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
  const scheduled = { refresh: null as unknown, rotate: null as unknown, persist: null as unknown };
  let refreshing: Promise<string> | null = null;
  let disposed = false;

  const setState = (next: SignInState) => {
    state = next;
    deps.onStateChange(next);
  };

  /** Runs `task` in `ms` in the named slot, replacing what was due there; its failure is logged. */
  function retryIn(slot: keyof typeof scheduled, ms: number, task: () => Promise<unknown>, what: string) {
    if (scheduled[slot] !== null) timers.clear(scheduled[slot]);
    scheduled[slot] = timers.set(() => {
      scheduled[slot] = null;
      void task().catch((error: unknown) => logError(what, error));
    }, ms);
  }

  function clearTimers() {
    for (const slot of Object.keys(scheduled) as (keyof typeof scheduled)[]) {
      if (scheduled[slot] !== null) timers.clear(scheduled[slot]);
      scheduled[slot] = null;
    }
  }

  const requireProvider = (): ProviderEndpoints => {
    const provider = deps.policy().provider;
    if (!provider) throw new SignInError('not-configured', 'no provider is configured by policy');
    return provider;
  };

  /** The session's issuer configuration, for the ID token's own issuer. */
  async function sessionConfig(): Promise<client.Configuration> {
    if (config) return config;
    const provider = requireProvider();
    const discovered = await discoverIssuer(issuerDeps, provider);
    config = configurationFor(
      issuerDeps,
      provider,
      discovered,
      session?.tokenIssuer ?? discovered.serverMetadata().issuer,
    );
    return config;
  }

  // --- Sign-in ------------------------------------------------------------------------------------

  async function start(input: StartSignIn): Promise<SignInState> {
    const policy = deps.policy();
    if (!policy.provider) throw new ServiceError('not-available', 'no provider is configured by policy');
    if (!policy.signInMethods.includes(input.method))
      throw new ServiceError('refused', `sign-in with ${input.method} is turned off by policy`);
    if (session) throw new ServiceError('refused', 'already signed in: sign out first');
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
    setState({ status: 'in-progress', method: input.method });
    void run(input.method, loginHint, null, (authorized, provider, signal) =>
      completeFirstSignIn(authorized, provider, input.method, signal),
    );
    return state;
  }

  /**
   * The session lock asks the person to authenticate again (`prompt=login`, `max_age=0`) with the
   * signed-in account; resolves with the fresh `auth_time` (ms), or rejects with a SignInError that names
   * why. The sign-in state stays "signed-in" throughout, also when this fails.
   */
  function reauthenticate(): Promise<number> {
    const current = session;
    if (!current) return Promise.reject(new ServiceError('not-available', 'not signed in'));
    // Named for the lock screen: the provider went from the policy while the app was locked.
    if (!deps.policy().provider)
      return Promise.reject(new SignInError('not-configured', 'no provider is configured by policy'));
    return new Promise<number>((resolve, reject) => {
      void run(
        current.user.method,
        current.user.email || undefined,
        { resolve, reject },
        (authorized, provider, signal) => completeUnlock(authorized, provider, current.user.method, signal),
      );
    });
  }

  /** Runs one interactive sign-in to its completion, with the browser's timeout, and reports its failure. */
  async function run<T>(
    method: SignInMethod,
    loginHint: string | undefined,
    reauth: { resolve(value: T): void; reject(error: unknown): void } | null,
    complete: (authorized: Authorized, provider: ProviderEndpoints, signal: AbortSignal) => Promise<T>,
  ): Promise<void> {
    attempt?.abort(new SignInError('cancelled', 'a new sign-in started'));
    const controller = new AbortController();
    attempt = controller;
    const timer = timers.set(
      () => controller.abort(new SignInError('timeout', 'nobody came back from the browser in time')),
      timeoutMs,
    );
    try {
      const provider = requireProvider();
      const authorized = await authorize(issuerDeps, {
        provider,
        policy: deps.policy(),
        method,
        loginHint,
        reauthenticate: reauth !== null,
        signal: controller.signal,
        onCallback: () => timers.clear(timer),
      });
      const result = await complete(authorized, provider, controller.signal);
      if (attempt === controller) attempt = null;
      reauth?.resolve(result);
    } catch (error) {
      failed(error, method, controller, reauth);
    } finally {
      timers.clear(timer);
    }
  }

  function failed(
    error: unknown,
    method: SignInMethod,
    controller: AbortController,
    reauth: { reject(error: unknown): void } | null,
  ) {
    const failure = classifySignInError(error);
    if (attempt !== controller || disposed) {
      reauth?.reject(error);
      return;
    }
    attempt = null;
    // Refused for the second factor by the app's rule, or by the IdP (unmet_authentication_requirements).
    if (failure.reason === 'mfa-missing')
      deps.record({
        type: 'auth.signInRefusedNoMfa',
        details: {
          method,
          amr: failure.mfa?.amr.join(',') ?? '',
          ...(failure.mfa && failure.mfa.acr !== null && { acr: failure.mfa.acr }),
        },
      });
    else
      deps.record({ type: 'auth.signInFailed', details: { method, reason: auditReasonOf(failure.reason) } });
    // The reason and openid-client's message only: its error's cause carries the token's claims.
    if (['idp-error', 'network', 'invalid-token', 'mfa-missing', 'provisioning'].includes(failure.reason))
      logError(`Sign-in failed (${failure.reason})`, new Error(failure.message));
    // Named, like the state's reason: the session lock tells the person why unlocking failed.
    if (reauth) reauth.reject(failure);
    else
      setState({ status: 'error', reason: failure.reason, method, ...(failure.mfa && { mfa: failure.mfa }) });
  }

  /** The access token a sign-in or refresh gave, with its expiry on this computer's clock. */
  const accessOf = (tokens: client.TokenEndpointResponseHelpers & { access_token: string }) => ({
    token: tokens.access_token,
    expiresAt: now() + (tokens.expiresIn() ?? 60) * 1000,
  });

  async function completeFirstSignIn(
    authorized: Authorized,
    provider: ProviderEndpoints,
    method: SignInMethod,
    signal: AbortSignal,
  ) {
    const { tokens, claims } = authorized;
    const roles = await signInRoles(
      issuerDeps,
      { ...authorized, accessToken: tokens.access_token },
      provider,
    );
    markSignIn(signInMarks.roles);
    const stored: StoredSession = {
      issuer: provider.issuer,
      tokenIssuer: authorized.tokenIssuer,
      clientId: provider.clientId,
      ...(provider.kind && { kind: provider.kind }),
      refreshToken: tokens.refresh_token ?? null,
      ...(!tokens.refresh_token && { access: accessOf(tokens) }),
      user: SignedInUser.parse({
        name: typeof claims.name === 'string' ? claims.name.slice(0, 256) : '',
        email: typeof claims.email === 'string' ? claims.email.slice(0, 320) : '',
        ...roles,
        method,
      }),
      subject: claims.sub,
      authTime: typeof claims.auth_time === 'number' ? localTimeOf(claims.auth_time * 1000) : now(),
      amr: authorized.mfa.amr,
      acr: authorized.mfa.acr,
      mfaProof: authorized.mfa.proof,
    };
    config = authorized.config;
    access = accessOf(tokens);
    const credentials = await provisionFirst(provider, stored, authorized, signal);
    markSignIn(signInMarks.sipAccount);
    await deps.secrets.set(SESSION_KEY, JSON.stringify(stored));
    if (credentials) await deps.secrets.set(SIP_KEY, JSON.stringify(credentials));
    session = stored;
    sip = credentials;
    deps.record({
      type: 'auth.signInSucceeded',
      details: {
        method,
        mfa: authorized.mfa.proven,
        ...(authorized.mfa.proof && { mfaProof: authorized.mfa.proof }),
      },
    });
    if (credentials)
      deps.record({
        type: 'sip.credentialsProvisioned',
        details: { source: 'provider', expiresAt: Date.parse(credentials.expiresAt) },
      });
    scheduleTokens(tokens.expiresIn() ?? 60);
    scheduleRotation();
    setState({ status: 'signed-in', user: stored.user });
    markSignIn(signInMarks.signedIn);
    deps.onRegistrationChange();
  }

  /**
   * The SIP account of a first sign-in: credentials from the provider API, or the policy's template over
   * the ID token (kept in the session). A failure revokes the sign-in's refresh token.
   */
  async function provisionFirst(
    provider: ProviderEndpoints,
    stored: StoredSession,
    authorized: Authorized,
    signal: AbortSignal,
  ): Promise<SipCredentials | null> {
    const revoke = () =>
      revokeQuietly(
        issuerDeps,
        authorized.config,
        authorized.tokens.refresh_token,
        clientAuthMethod(provider),
      );
    try {
      if (provider.apiBaseUrl !== undefined) return await fetchSipCredentials(provider);
      if (provider.sipAccount) stored.sipAccount = expandSipTemplate(provider.sipAccount, authorized.claims);
      return null;
    } catch (error) {
      await revoke();
      config = null;
      access = null;
      const what = error instanceof SipTemplateError ? error.message : 'no usable SIP credentials';
      throw new SignInError('provisioning', what, { cause: error });
    } finally {
      if (signal.aborted) await revoke();
      signal.throwIfAborted();
    }
  }

  /**
   * Unlocking: the same person, freshly authenticated (another account or no auth_time fails). The session
   * keeps its refresh token and SIP credentials; its authentication time renews, and a session without a
   * refresh token takes the new tokens. A refresh token of this sign-in is otherwise revoked at once.
   */
  async function completeUnlock(
    authorized: Authorized,
    provider: ProviderEndpoints,
    method: SignInMethod,
    signal: AbortSignal,
  ): Promise<number> {
    const { tokens, claims } = authorized;
    const current = session;
    const adopt = current !== null && current.refreshToken === null;
    if (!adopt)
      await revokeQuietly(issuerDeps, authorized.config, tokens.refresh_token, clientAuthMethod(provider));
    if (!current || !isSameAccount(current, provider.issuer, claims))
      throw new SignInError('wrong-account', 'another account signed in to unlock');
    if (typeof claims.auth_time !== 'number')
      throw new SignInError('invalid-token', 'the ID token does not say when the person authenticated');
    signal.throwIfAborted();
    const renewed: StoredSession = {
      ...current,
      authTime: localTimeOf(claims.auth_time * 1000),
      amr: authorized.mfa.amr,
      acr: authorized.mfa.acr,
      mfaProof: authorized.mfa.proof,
      ...(adopt && {
        refreshToken: tokens.refresh_token ?? null,
        access: tokens.refresh_token ? undefined : accessOf(tokens),
      }),
    };
    await deps.secrets.set(SESSION_KEY, JSON.stringify(renewed));
    session = renewed;
    if (adopt) {
      config = authorized.config;
      access = accessOf(tokens);
      scheduleTokens(tokens.expiresIn() ?? 60);
    }
    deps.record({
      type: 'auth.signInSucceeded',
      details: {
        method,
        mfa: authorized.mfa.proven,
        ...(authorized.mfa.proof && { mfaProof: authorized.mfa.proof }),
      },
    });
    return renewed.authTime;
  }

  function cancel(): SignInState {
    attempt?.abort(new SignInError('cancelled', 'the person cancelled'));
    return state;
  }

  // --- Tokens -------------------------------------------------------------------------------------

  /**
   * With a refresh token: a refresh at 80 % of the access token's life, so that the SIP rotation always
   * finds a valid one. Without one: the session lasts while it needs no token, or until the access token
   * expires when the provider API needs it; then the person signs in again in the browser.
   */
  function scheduleTokens(expiresInSeconds: number) {
    const current = session;
    if (!current) return;
    if (current.refreshToken !== null) {
      retryIn('refresh', Math.max(1000, expiresInSeconds * 800), refreshInBackground, 'Refreshing failed');
    } else if (deps.policy().provider?.apiBaseUrl !== undefined) {
      const remaining = (current.access?.expiresAt ?? now()) - now();
      retryIn(
        'refresh',
        Math.max(0, remaining - 30_000),
        () => endSession('session-expired', false, 'expired'),
        'Ending an expired session failed',
      );
    }
  }

  /** Keeps the session in the keychain; a failed write is tried again (the refresh token in memory is the live one). */
  async function persist(next: StoredSession): Promise<void> {
    try {
      await deps.secrets.set(SESSION_KEY, JSON.stringify(next));
    } catch (error) {
      logError('Keeping the refreshed session in the keychain failed; trying again', error);
      retryIn(
        'persist',
        RETRY_MS,
        async () => {
          if (session === next) await persist(next);
        },
        'Keeping the session in the keychain failed',
      );
    }
  }

  /** A new access token with the refresh token, which may rotate (the old one is then spent). */
  function refresh(): Promise<string> {
    refreshing ??= (async () => {
      const current = session;
      if (!current?.refreshToken) throw new SignInError('cancelled', 'no session to refresh');
      try {
        const of = await sessionConfig();
        const tokens = await client.refreshTokenGrant(of, current.refreshToken);
        if (session !== current) throw new SignInError('cancelled', 'signed out during the refresh');
        const claims = tokens.claims();
        const roles = claims
          ? await refreshedRoles(
              issuerDeps,
              { config: of, claims, accessToken: tokens.access_token },
              requireProvider(),
              current.user,
            )
          : current.user;
        const next: StoredSession = {
          ...current,
          // A rotated refresh token replaces the old one at once: the old one is never sent again.
          refreshToken: tokens.refresh_token ?? current.refreshToken,
          user: { ...current.user, roles: roles.roles, rolesUnknown: roles.rolesUnknown },
        };
        if (next.user.rolesUnknown === undefined) delete next.user.rolesUnknown;
        session = next;
        access = accessOf(tokens);
        await persist(next);
        deps.record({ type: 'token.refreshed', details: {} });
        scheduleTokens(tokens.expiresIn() ?? 60);
        if (state.status === 'signed-in' && JSON.stringify(state.user) !== JSON.stringify(next.user))
          setState({ status: 'signed-in', user: next.user });
        return tokens.access_token;
      } catch (error) {
        if (session !== current) throw error;
        await refreshFailed(error);
        throw classifySignInError(error);
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  /** A refresh nobody waits for: its failure is recorded (and acted on) by `refreshFailed`. */
  const refreshInBackground = () =>
    refresh().then(
      () => undefined,
      () => undefined,
    );

  async function refreshFailed(error: unknown) {
    const failure = classifySignInError(error);
    if (failure.reason === 'code-replayed') {
      // invalid_grant: the IdP ended the session (revoked, expired or signed out elsewhere).
      deps.record({ type: 'token.refreshFailed', details: { reason: 'invalid-grant' } });
      await endSession('refresh-failed', false, 'revoked');
      return;
    }
    deps.record({
      type: 'token.refreshFailed',
      details: { reason: failure.reason === 'network' ? 'network' : 'server' },
    });
    const status = httpStatusOf(error);
    if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 429) {
      // The IdP refuses refreshing for this client (its refresh grant is off): the refresh token is of no
      // use, and the session goes on as one without (until its access token expires, where that matters).
      logError('The IdP refuses to refresh tokens for this app; the session goes on without', error);
      await dropRefreshToken();
      return;
    }
    // Try again soon; the SIP credentials still hold for a while.
    retryIn('refresh', RETRY_MS, refreshInBackground, 'Refreshing failed');
  }

  async function dropRefreshToken() {
    const current = session;
    if (!current) return;
    const next: StoredSession = { ...current, refreshToken: null, ...(access && { access }) };
    session = next;
    await persist(next);
    scheduleTokens(((access?.expiresAt ?? now()) - now()) / 1000);
  }

  async function accessToken(): Promise<string> {
    if (access && access.expiresAt - 30_000 > now()) return access.token;
    if (session && session.refreshToken === null)
      throw new SignInError('expired-token', 'the access token expired and there is no refresh token');
    return refresh();
  }

  // --- The provider API's SIP credentials ----------------------------------------------------------

  async function fetchSipCredentials(provider = requireProvider()): Promise<SipCredentials> {
    const base = provider.apiBaseUrl;
    if (base === undefined) throw new SignInError('not-configured', 'policy names no provider API');
    const token = await accessToken();
    const response = await client.fetchProtectedResource(
      await sessionConfig(),
      token,
      new URL(PROVIDER_API_PATHS.sipCredentials, base.endsWith('/') ? base : `${base}/`),
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
    if (!sip) return;
    // New credentials at 80 % of their life: the phone re-registers with them long before they expire.
    const remaining = localTimeOf(Date.parse(sip.expiresAt)) - now();
    retryIn('rotate', Math.max(1000, remaining * 0.8), rotate, 'Rotating the SIP credentials failed');
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
        await endSession('session-expired', false, 'expired');
        return;
      }
      if (error instanceof SignInError && error.reason === 'expired-token') {
        await endSession('session-expired', false, 'expired');
        return;
      }
      retryIn('rotate', RETRY_MS, rotate, 'Rotating the SIP credentials failed');
      throw error;
    }
  }

  // --- Sign-out and restore -----------------------------------------------------------------------

  /** Revokes the refresh token (the provider removes the SIP user), wipes the keychain items, unregisters. */
  async function endSession(
    reason: EndReason,
    revoke: boolean,
    ended?: 'expired' | 'revoked',
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
    if (revoke && current?.refreshToken) {
      // Revoked at the issuer the session came from, also when policy now names another one.
      const of = currentConfig ?? (await configForRevocation(current).catch(() => null));
      const method = clientAuthMethod(
        deps.policy().provider?.issuer === current.issuer ? (deps.policy().provider ?? {}) : {},
      );
      if (of) await revokeQuietly(issuerDeps, of, current.refreshToken, method);
    }
    for (const key of SESSION_SECRET_KEYS) await deps.secrets.delete(key);
    setState(ended ? { status: 'signed-out', ended } : { status: 'signed-out' });
    deps.onRegistrationChange();
  }

  /** The configuration of the issuer a stored session came from (policy's settings if it is still that one). */
  async function configForRevocation(stored: StoredSession): Promise<client.Configuration> {
    const provider = deps.policy().provider;
    const issuer: IssuerRef =
      provider?.issuer === stored.issuer && provider.clientId === stored.clientId
        ? provider
        : { issuer: stored.issuer, clientId: stored.clientId, ...(stored.kind && { kind: stored.kind }) };
    const discovered = await discoverIssuer(issuerDeps, issuer);
    return configurationFor(
      issuerDeps,
      issuer,
      discovered,
      stored.tokenIssuer ?? discovered.serverMetadata().issuer,
    );
  }

  async function signOut(): Promise<SignInState> {
    attempt?.abort(new SignInError('cancelled', 'signed out'));
    await endSession('user', true);
    return state;
  }

  /** At start: a session in the keychain is signed in again with its refresh token (or its access token). */
  async function restore(): Promise<void> {
    const raw = await deps.secrets.get(SESSION_KEY);
    if (raw === null) return;
    let stored: StoredSession;
    try {
      stored = readStoredSession(raw);
    } catch (error) {
      logError('The stored session is unreadable; it is removed', error);
      for (const key of SESSION_SECRET_KEYS) await deps.secrets.delete(key);
      return;
    }
    session = stored;
    const provider = deps.policy().provider;
    if (!provider || provider.issuer !== stored.issuer || provider.clientId !== stored.clientId) {
      await endSession('policy', true);
      return;
    }
    if (stored.refreshToken === null && provider.apiBaseUrl !== undefined) {
      if (!stored.access || stored.access.expiresAt - 30_000 <= now()) {
        await endSession('session-expired', false, 'expired');
        return;
      }
      access = stored.access;
    }
    const rawSip = await deps.secrets.get(SIP_KEY);
    const parsedSip = rawSip === null ? null : SipCredentials.safeParse(JSON.parse(rawSip));
    sip = parsedSip?.success ? parsedSip.data : null;
    setState({ status: 'signed-in', user: stored.user });
    resumeAfterRestore(provider, stored);
  }

  function resumeAfterRestore(provider: ProviderEndpoints, stored: StoredSession) {
    if (stored.refreshToken === null) scheduleTokens(((stored.access?.expiresAt ?? now()) - now()) / 1000);
    if (provider.apiBaseUrl === undefined) {
      deps.onRegistrationChange();
      if (stored.refreshToken !== null) void refresh().catch(() => undefined);
    } else if (sip && localTimeOf(Date.parse(sip.expiresAt)) - now() > 2 * MINUTE) {
      scheduleRotation();
      deps.onRegistrationChange();
      if (stored.refreshToken !== null) void refresh().catch(() => undefined);
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
    /** Without a provider API: the signed-in person's account from the policy's template. */
    templatedAccount: (): (TemplatedAccount & { displayName: string }) | null =>
      session?.sipAccount ? { ...session.sipAccount, displayName: session.user.name } : null,
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
      if (!session?.refreshToken) return null;
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

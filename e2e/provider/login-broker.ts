import { createHash, generateKeyPair, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { Agent, fetch as undiciFetch } from 'undici';
import { promisify } from 'node:util';
import Provider, {
  errors,
  interactionPolicy,
  type Configuration,
  type InteractionResults,
  type JWK,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import { Secret, TOTP } from 'otpauth';
import { z } from 'zod';
import { listenOnLoopback } from '../../electron/net/listen-on-loopback.js';
import { SipCredentials } from '../../shared/provider/api.js';
import {
  BROKER_ACR,
  BROKER_ROLES_CLAIM,
  BROKER_SCOPES,
  IDP_HINT_PARAMETER,
  LOOPBACK_REDIRECT_URI,
  PROVIDER_API_PATHS,
} from '../../shared/provider/broker.js';
import { signInMethods } from '../../shared/policy/schema.js';
import { createAuditEndpoint, type AuditEndpoint } from './audit-endpoint.js';
import type { IssuerShape, ShapedClient } from './login-broker-shapes.js';
import { OidcMemoryStore } from './oidc-memory-store.js';
import { createStatusEndpoint } from './status-endpoint.js';

const generateKeyPairAsync = promisify(generateKeyPair);

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Where a test user signs in: the broker's own login, or a stand-in for an upstream IdP the broker federates. */
export const IDENTITY_PROVIDERS = signInMethods;
export type IdentityProvider = (typeof IDENTITY_PROVIDERS)[number];

/**
 * The second factor the user's IdP asks for: none, a TOTP code (RFC 6238, from `totpSecret`), or a
 * hardware security key (a stand-in: the page's confirmation button takes the place of the key).
 */
export const SECOND_FACTORS = ['none', 'otp', 'hwk'] as const;
export type SecondFactor = (typeof SECOND_FACTORS)[number];

/** The broker's Authentication Context Class References (shared with the app). */
export const ACR = BROKER_ACR;

/** The app's client registration at the broker (a native public client, RFC 8252). */
export const APP_CLIENT_ID = 'secure-softphone-desktop';
/** The registered redirect URI; the app may add any port (RFC 8252 section 7.3). */
export const APP_REDIRECT_URI = LOOPBACK_REDIRECT_URI;
/** The scopes the app asks for; `offline_access` needs `prompt=consent` (OIDC Core section 11). */
export const APP_SCOPES = BROKER_SCOPES.join(' ');

const IDP_NAMES: Record<IdentityProvider, string> = {
  google: 'Google (test stand-in)',
  apple: 'Apple (test stand-in)',
  company: 'Company IdP (test stand-in)',
  provider: 'Provider account',
};

const CHOICE_LABELS: Record<IdentityProvider, string> = {
  google: 'Continue with Google',
  apple: 'Continue with Apple',
  company: 'Company SSO',
  provider: 'Provider account',
};

const TestUserInput = z
  .object({
    username: z.string().regex(/^[A-Za-z0-9._@+-]{1,64}$/, 'letters, digits and . _ @ + - only'),
    password: z.string().min(1),
    /** Base32 TOTP seed (SHA-1, 6 digits, 30 s), required when `secondFactor` is 'otp'. */
    totpSecret: z
      .string()
      .regex(/^[A-Z2-7]+=*$/, 'a base32 seed')
      .optional(),
    upstream: z.enum(IDENTITY_PROVIDERS),
    secondFactor: z.enum(SECOND_FACTORS),
    roles: z.union([z.tuple([z.literal('admin')]), z.tuple([z.literal('user')])]),
    email: z.email(),
    name: z.string().min(1),
    /** The SIP user the credentials are issued for; derived from `username` when absent. */
    sipUsername: z
      .string()
      .regex(/^[a-z0-9._-]{1,64}$/)
      .optional(),
    /** Lifetime of this user's SIP credentials, instead of the broker's `sipCredentialLifetimeMs`. */
    sipCredentialLifetimeMs: z.number().int().min(1000).optional(),
    /** False: the broker gives this user's sign-ins no refresh token (as IdPs may). */
    refreshTokens: z.boolean().optional(),
    /** Claims of this user that a shaped issuer releases (its `claims` configuration decides where). */
    claims: z.record(z.string(), z.unknown()).optional(),
    /** Claims of this user in JWT access tokens (Keycloak's `realm_access`). */
    accessTokenClaims: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((user) => user.secondFactor !== 'otp' || user.totpSecret !== undefined, {
    message: "secondFactor 'otp' needs a totpSecret",
    path: ['totpSecret'],
  });
export type TestUserInput = z.input<typeof TestUserInput>;

export interface TestAccount extends Omit<z.output<typeof TestUserInput>, 'sipUsername'> {
  /** The `sub` of the user's ID tokens. */
  sub: string;
  sipUsername: string;
}

/** Puts SIP credentials into the SIP edge and takes them out again (Kamailio's ctl socket in the stack). */
export interface SipProvisioner {
  /** Creates the SIP user, or replaces its password: earlier credentials of that user stop working. */
  add(username: string, password: string): Promise<void>;
  /** Removes the SIP user: the edge refuses its credentials from then on. */
  remove(username: string): Promise<void>;
}

export interface LoginBrokerOptions {
  /** PEM files of the test PKI (e2e/provider/certs.ts): the server certificate (it must cover IP 127.0.0.1), its key, and the CA that issued it. */
  pki: { serverCertPath: string; serverKeyPath: string; caCertPath: string };
  /** The SIP edge the credentials are for: its wss:// URL and SIP domain (= digest realm). */
  sip: { wssUrl: string; domain: string };
  provisioner: SipProvisioner;
  /** Lifetime of issued SIP credentials (default 15 minutes). */
  sipCredentialLifetimeMs?: number;
  /** Lifetime of access tokens for the provider API (default 10 minutes). */
  accessTokenLifetimeSeconds?: number;
  /** Lifetime of ID tokens (default 1 hour). */
  idTokenLifetimeSeconds?: number;
  /** Errors nobody awaits (a timed removal that failed); default: printed to stderr. */
  onError?(error: unknown): void;
  /** The audit ingest's database file (default: in memory). */
  auditDatabasePath?: string;
  /** The file that sets what `GET /v1/status` says (status-endpoint.ts; default: all operational). */
  statusControlPath?: string;
  /**
   * Stand in for another IdP (e2e/provider/login-broker-shapes.ts): its issuer path, claims, second-factor
   * evidence, refresh tokens and access token format, with `clients` registered instead of the app's
   * client at the broker. Its users sign in on the company IdP stand-in's page.
   */
  shape?: { issuer: IssuerShape; clients: ShapedClient[] };
}

export interface LoginBroker {
  /** The OIDC issuer, `https://127.0.0.1:PORT` (discovery at `/.well-known/openid-configuration`). */
  issuer: string;
  /** Base URL of the provider API (`GET /v1/sip-credentials`), on the same HTTPS server. */
  apiBaseUrl: string;
  /** The resource indicator (RFC 8707) access tokens are issued for; the default resource of every request. */
  apiResource: string;
  caCertPath: string;
  clientId: string;
  redirectUri: string;
  /** The policy's `provider` that points the app at this broker and its API, for the SIP edge `wssUrl`. */
  providerFor(wssUrl: string): { issuer: string; clientId: string; wssUrl: string; apiBaseUrl: string };
  /** Adds a test user; returns it with its `sub`. */
  addUser(user: TestUserInput): TestAccount;
  /**
   * Signs the user out everywhere: ends its sessions, revokes its grants, tokens and codes, and removes
   * its SIP credentials from the edge (awaited).
   */
  revokeAllFor(sub: string): Promise<void>;
  /** `POST /v1/audit-events`: what it stored, and its misbehaviour switches (e2e/provider/audit-endpoint.ts). */
  audit: AuditEndpoint;
  /** The human status page `GET /v1/status` links to. */
  statusPageUrl: string;
  stop(): Promise<void>;
}

interface IssuedSipCredentials {
  sub: string;
  grantId: string;
  expiresAt: number;
  timer: NodeJS.Timeout;
}

/** Progress of one login interaction between its pages (keyed by the interaction's uid). */
interface LoginProgress {
  idp?: IdentityProvider;
  /** Set once the password was right and the second factor is still to come. */
  pendingAccount?: string;
  expiresAt: number;
}

const INTERACTION_TTL_SECONDS = 10 * 60;
const FORM_LIMIT_BYTES = 16 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The provider's login broker for the test stack: an OIDC provider (oidc-provider) with its own login
 * (password, then TOTP) and stand-ins for the upstream IdPs it federates (Google, Apple, a company IdP),
 * chosen by the `idp_hint` authorization parameter; and the provider API's `GET /v1/sip-credentials`, which
 * provisions short-lived SIP credentials at the edge and hands out only their HA1.
 */
export async function startLoginBroker(options: LoginBrokerOptions): Promise<LoginBroker> {
  const [cert, key] = await Promise.all([
    readFile(options.pki.serverCertPath, 'utf8'),
    readFile(options.pki.serverKeyPath, 'utf8'),
  ]);
  const sipLifetimeMs = options.sipCredentialLifetimeMs ?? 15 * 60_000;
  const accessTokenTtl = options.accessTokenLifetimeSeconds ?? 10 * 60;
  const idTokenTtl = options.idTokenLifetimeSeconds ?? 60 * 60;
  const onError =
    options.onError ??
    ((error: unknown) => console.error('login broker:', (error as Error).message ?? error));

  const accounts = new Map<string, TestAccount>();
  const issued = new Map<string, IssuedSipCredentials>();
  const progress = new Map<string, LoginProgress>();
  const store = new OidcMemoryStore();
  let stopped = false;
  // Provisioning runs one operation at a time, so the edge and `issued` never disagree.
  let provisioning: Promise<unknown> = Promise.resolve();
  const serially = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = provisioning.then(operation);
    provisioning = result.catch(() => undefined);
    return result;
  };

  // Requests are routed once the provider exists; nobody knows the port before that.
  const server = createServer({ cert, key, minVersion: 'TLSv1.2' });
  const port = await listenOnLoopback(server);
  const origin = `https://127.0.0.1:${port}`;
  const shape = options.shape?.issuer;
  const issuer = `${origin}${shape?.path ?? ''}`;
  const apiBaseUrl = origin;
  const apiResource = `${origin}/v1/`;
  const clients: ShapedClient[] = options.shape?.clients ?? [{ clientId: APP_CLIENT_ID }];
  // The broker reads its own discovery document (for aliases of it) over HTTPS with the test CA.
  const selfDispatcher = new Agent({ connect: { ca: await readFile(options.pki.caCertPath, 'utf8') } });
  // Google's refresh tokens: the grants whose authorization asked for access_type=offline.
  const offlineGrants = new Set<string>();

  let provider: Provider;
  try {
    provider = new Provider(issuer, await providerConfiguration());
  } catch (error) {
    server.close();
    throw error;
  }
  // Okta and Auth0 compare redirect URIs exactly, port included; oidc-provider lets native clients change the
  // loopback port (RFC 8252 section 7.3) unless told otherwise.
  if (clients.some((client) => client.exactPorts))
    provider.Client.prototype.redirectUriAllowed = function (
      this: { redirectUris: string[] },
      value: string,
    ) {
      return this.redirectUris.includes(value);
    };
  if (shape?.accessTokenFormat === 'jwt') acceptOwnJwtsAtUserinfo(provider);
  provider.on('grant.revoked', (_ctx: KoaContextWithOIDC, grantId: string) => {
    // The app signed out (revoked its refresh token): the SIP credentials of that sign-in go too.
    withdrawSipCredentials((entry) => entry.grantId === grantId).catch(onError);
  });
  const providerCallback = provider.callback();
  const audit = createAuditEndpoint({
    subjectOf: async (req) => (await apiAccount(req))?.sub ?? null,
    ...(options.auditDatabasePath !== undefined && { databasePath: options.auditDatabasePath }),
  });
  const status = createStatusEndpoint({
    controlPath: options.statusControlPath ?? null,
    baseUrl: apiBaseUrl,
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    let handled: Promise<void>;
    const alias = shape?.discoveryAliases?.find(
      (entry) => url.pathname === `${entry.path}/.well-known/openid-configuration`,
    );
    if (alias) handled = serveAliasDiscovery(res, `${origin}${alias.issuer}`);
    else if (url.pathname.startsWith('/interaction/')) handled = handleInteraction(req, res, url);
    else if (url.pathname === `/${PROVIDER_API_PATHS.sipCredentials}`)
      handled = handleSipCredentials(req, res);
    else if (url.pathname === `/${PROVIDER_API_PATHS.auditEvents}`) handled = audit.handle(req, res);
    else if (url.pathname === '/v1/status' || url.pathname === '/status')
      handled = status.handle(req, res, url.pathname);
    else {
      if (shape?.offlineAccessWithoutConsent) grantOfflineAccessWithoutConsent(req, url);
      if (shape?.path) {
        // Mounted below the issuer's path, as Express or Koa would mount it (oidc-provider reads originalUrl).
        if (!url.pathname.startsWith(shape.path)) return void sendPage(res, 404, 'Not found', '');
        Object.assign(req, { originalUrl: req.url, url: (req.url ?? '/').slice(shape.path.length) || '/' });
      }
      void providerCallback(req, res);
      return;
    }
    handled.catch((error: unknown) => {
      if (res.headersSent) {
        onError(error);
        res.end();
      } else if (error instanceof HttpError) {
        sendPage(res, error.status, 'Sign-in failed', `<p role="alert">${escapeHtml(error.message)}</p>`);
      } else if (error instanceof errors.OIDCProviderError) {
        // SessionNotFound and friends: the interaction cookie is missing, expired or for another sign-in.
        sendPage(
          res,
          400,
          'Sign-in failed',
          '<p role="alert">This sign-in has expired or was opened elsewhere. Start again from the app.</p>',
        );
      } else {
        onError(error);
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      }
    });
  });

  /**
   * An authorization request with `offline_access` and no `prompt=consent`, as Entra, Okta and Auth0 grant
   * it: oidc-provider is given the consent prompt it needs for that (the person sees no page more: this
   * broker's login grants the app's scopes at once).
   */
  function grantOfflineAccessWithoutConsent(req: IncomingMessage, url: URL) {
    const scope = url.searchParams.get('scope')?.split(' ') ?? [];
    if (!url.pathname.endsWith('/auth') || !scope.includes('offline_access')) return;
    const prompts = new Set((url.searchParams.get('prompt') ?? '').split(' ').filter(Boolean));
    if (prompts.has('consent') || prompts.has('none')) return;
    url.searchParams.set('prompt', [...prompts, 'consent'].join(' '));
    req.url = `${url.pathname}${url.search}`;
  }

  /** A discovery document under another path that names another issuer (Entra's `organizations`). */
  async function serveAliasDiscovery(res: ServerResponse, aliasIssuer: string): Promise<void> {
    const response = await undiciFetch(`${issuer}/.well-known/openid-configuration`, {
      dispatcher: selfDispatcher,
    });
    const metadata = (await response.json()) as Record<string, unknown>;
    delete metadata.authorization_response_iss_parameter_supported;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ ...metadata, issuer: aliasIssuer }));
  }

  async function providerConfiguration(): Promise<Configuration> {
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    const signingKey = {
      ...privateKey.export({ format: 'jwk' }),
      kid: randomUUID(),
      alg: 'RS256',
      use: 'sig',
    };

    const policy = interactionPolicy.base();
    const login = policy.get('login');
    if (!login) throw new Error('oidc-provider has no login prompt');
    login.checks.add(
      new interactionPolicy.Check(
        IDP_HINT_PARAMETER,
        'the session comes from another identity provider than the one asked for',
        'login_required',
        (ctx) => {
          const hint = ctx.oidc.params?.[IDP_HINT_PARAMETER];
          const accountId = ctx.oidc.session?.accountId;
          if (hint === undefined || !accountId || ctx.oidc.result?.login) return false;
          return accounts.get(accountId)?.upstream !== hint;
        },
      ),
    );
    login.checks.add(
      new interactionPolicy.Check(
        'acr_values',
        'none of the requested ACRs is met by the session',
        'login_required',
        (ctx) => {
          const requested = ctx.oidc.params?.acr_values;
          if (typeof requested !== 'string' || !ctx.oidc.session?.accountId || ctx.oidc.result?.login)
            return false;
          return !requested.split(' ').includes(ctx.oidc.acr ?? '');
        },
      ),
    );

    return {
      adapter: store.adapterFactory,
      clients: clients.map((client) => ({
        client_id: client.clientId,
        client_name: 'Secure Softphone',
        application_type: 'native',
        token_endpoint_auth_method: client.clientSecret ? 'client_secret_post' : 'none',
        ...(client.clientSecret && { client_secret: client.clientSecret }),
        redirect_uris: client.exactPorts
          ? client.exactPorts.map((p) => `http://127.0.0.1:${p}/callback`)
          : [APP_REDIRECT_URI],
        grant_types:
          client.refreshTokens === false ? ['authorization_code'] : ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: 'RS256',
      })),
      jwks: { keys: [signingKey as JWK] },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      acrValues: shape ? (shape.acrValues ?? []) : [ACR.singleFactor, ACR.multiFactor],
      // How the person signed in and what they may do travel in every ID token, with the `openid` scope.
      claims: shape?.claims ?? {
        sid: null,
        iss: null,
        openid: ['sub', BROKER_ROLES_CLAIM, 'acr', 'amr', 'auth_time'],
        email: ['email', 'email_verified'],
        profile: ['name', 'preferred_username'],
      },
      ...(shape && { scopes: ['openid', 'offline_access', ...shape.scopes] }),
      // The app reads identity and roles from the ID token only, also after a refresh.
      conformIdTokenClaims: false,
      extraParams: {
        ...Object.fromEntries((shape?.extraParams ?? []).map((name) => [name, null])),
        [IDP_HINT_PARAMETER](_ctx, value) {
          if (value !== undefined && !(IDENTITY_PROVIDERS as readonly string[]).includes(value)) {
            throw new errors.InvalidRequest(
              `${IDP_HINT_PARAMETER} must be one of ${IDENTITY_PROVIDERS.join(', ')}`,
            );
          }
        },
      },
      // oidc-provider's own rule (the client may refresh, offline_access granted) or the shape's, and the
      // user's switch.
      issueRefreshToken: (_ctx, client, code) => {
        if (!client.grantTypeAllowed('refresh_token')) return false;
        if (accounts.get(code.accountId ?? '')?.refreshTokens === false) return false;
        const rule = shape?.refreshTokens ?? 'offline-access-scope';
        if (rule === 'always') return true;
        if (rule === 'access-type-offline') return offlineGrants.has(code.grantId ?? '');
        return code.scopes.has('offline_access');
      },
      features: {
        devInteractions: { enabled: false },
        // Sign-out: the app revokes its refresh token, which revokes the whole grant (and its SIP credentials).
        revocation: {
          enabled: true,
          // A client revokes only its own tokens; anything else is silently ignored (RFC 7009 section 2.2).
          allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
        },
        claimsParameter: { enabled: shape?.claimsParameter === true },
        resourceIndicators: {
          // The broker's API, or (Keycloak) the realm's `account` audience in JWT access tokens; other
          // shapes' access tokens are opaque and for userinfo.
          enabled: !shape || shape.accessTokenFormat === 'jwt',
          defaultResource: () => (shape ? `${issuer}/account` : apiResource),
          useGrantedResource: () => true,
          getResourceServerInfo(_ctx, resource) {
            if (shape) {
              if (resource !== `${issuer}/account`) throw new errors.InvalidTarget();
              return {
                scope: 'openid profile email',
                audience: 'account',
                accessTokenFormat: 'jwt',
                jwt: { sign: { alg: 'RS256' } },
                accessTokenTTL: accessTokenTtl,
              };
            }
            if (resource !== apiResource) throw new errors.InvalidTarget();
            return {
              scope: 'sip',
              audience: apiResource,
              accessTokenFormat: 'opaque',
              accessTokenTTL: accessTokenTtl,
            };
          },
        },
      },
      // Keycloak puts the client (azp) and the person's roles into its JWT access tokens.
      extraTokenClaims(_ctx, token) {
        if (!shape || !('accountId' in token)) return undefined;
        const account = accounts.get(token.accountId ?? '');
        return { azp: token.clientId, ...account?.accessTokenClaims };
      },
      pkce: { required: () => true },
      interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      findAccount(_ctx, sub) {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return {
          accountId: sub,
          claims: () => ({
            sub,
            email: account.email,
            email_verified: true,
            name: account.name,
            preferred_username: account.username,
            // A shaped issuer releases roles only where its users' claims put them.
            ...(!shape && { [BROKER_ROLES_CLAIM]: [...account.roles] }),
            ...account.claims,
          }),
        };
      },
      ttl: {
        AccessToken: accessTokenTtl,
        AuthorizationCode: 60,
        IdToken: idTokenTtl,
        RefreshToken: 24 * 60 * 60,
        Interaction: INTERACTION_TTL_SECONDS,
        Session: 24 * 60 * 60,
        Grant: 24 * 60 * 60,
      },
      renderError(ctx, out) {
        ctx.type = 'html';
        ctx.body = pageHtml(
          'Sign-in failed',
          `<p role="alert">${escapeHtml(out.error_description ?? out.error)}</p>`,
        ).html;
      },
    };
  }

  // --- Interaction pages -------------------------------------------------------------------------

  async function handleInteraction(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const match = /^\/interaction\/([\w-]+)(?:\/(idp|password|otp|hwk|consent|abort))?$/.exec(url.pathname);
    if (!match) throw new HttpError(404, 'No such page.');
    const [, uid, action] = match as unknown as [string, string, string | undefined];
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new HttpError(400, 'This sign-in belongs to another page.');
    const state = progressOf(uid);

    if (!action) {
      if (req.method !== 'GET') throw new HttpError(405, 'Method not allowed.');
      return showStep(res, details.uid, details.prompt.name, details.params, details.session?.accountId);
    }
    if (req.method !== 'POST') throw new HttpError(405, 'Method not allowed.');
    const form = await readForm(req);

    if (action === 'abort') {
      progress.delete(uid);
      return provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The person cancelled the sign-in.' },
        { mergeWithLastSubmission: false },
      );
    }

    if (action === 'consent') {
      if (details.prompt.name !== 'consent' || !details.session?.accountId)
        throw new HttpError(400, 'Nothing to confirm.');
      const grantId = await saveGrant(details.session.accountId, details.params, details.grantId);
      progress.delete(uid);
      return provider.interactionFinished(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
    }

    if (details.prompt.name !== 'login') throw new HttpError(400, 'This sign-in is not asking for a login.');

    if (action === 'idp') {
      const idp = form.get('idp');
      if (!isIdentityProvider(idp)) throw new HttpError(400, 'Choose how to sign in.');
      state.idp = idp;
      state.pendingAccount = undefined;
      return redirect(res, `/interaction/${uid}`);
    }

    if (action === 'password') {
      const idp = state.idp ?? hintOf(details.params) ?? (shape ? 'company' : undefined);
      if (!idp) return redirect(res, `/interaction/${uid}`);
      const username = form.get('username') ?? '';
      const password = form.get('password') ?? '';
      const account = [...accounts.values()].find(
        (candidate) =>
          candidate.username === username &&
          candidate.upstream === idp &&
          sameSecret(candidate.password, password),
      );
      if (!account) {
        return sendPage(
          res,
          401,
          IDP_NAMES[idp],
          passwordForm(uid, idp, username, 'Wrong user name or password.'),
        );
      }
      state.idp = idp;
      if (account.secondFactor === 'none') return finishLogin(req, res, details, account, ['pwd']);
      state.pendingAccount = account.sub;
      return redirect(res, `/interaction/${uid}`);
    }

    // The second factor: the account whose password was right must be waiting for it.
    const account = state.pendingAccount ? accounts.get(state.pendingAccount) : undefined;
    if (!account || account.secondFactor !== action)
      throw new HttpError(400, 'Sign in with your password first.');
    if (action === 'otp') {
      const code = (form.get('code') ?? '').replace(/\s/g, '');
      const totp = new TOTP({
        secret: Secret.fromBase32(account.totpSecret ?? ''),
        algorithm: 'SHA1',
        digits: 6,
        period: 30,
      });
      if (!/^\d{6}$/.test(code) || totp.validate({ token: code, window: 1 }) === null) {
        return sendPage(
          res,
          401,
          'Two-step verification',
          otpForm(uid, 'That code is not right. Try the current one.'),
        );
      }
      return finishLogin(req, res, details, account, ['pwd', 'otp', 'mfa']);
    }
    return finishLogin(req, res, details, account, ['pwd', 'hwk', 'mfa']);
  }

  function showStep(
    res: ServerResponse,
    uid: string,
    prompt: string,
    params: Record<string, unknown>,
    sessionAccount: string | undefined,
  ): void {
    if (prompt === 'consent') {
      const account = sessionAccount ? accounts.get(sessionAccount) : undefined;
      if (!account)
        throw new HttpError(400, 'The account of this session is gone. Start again from the app.');
      return sendPage(res, 200, 'Continue to Secure Softphone?', consentForm(uid, account));
    }
    if (prompt !== 'login') throw new HttpError(400, `Unsupported step: ${prompt}.`);
    const state = progressOf(uid);
    if (state.pendingAccount) {
      const account = accounts.get(state.pendingAccount);
      if (account?.secondFactor === 'otp') return sendPage(res, 200, 'Two-step verification', otpForm(uid));
      if (account?.secondFactor === 'hwk') return sendPage(res, 200, 'Security key', hwkForm(uid));
    }
    const idp = state.idp ?? hintOf(params) ?? (shape ? 'company' : undefined);
    if (!idp) return sendPage(res, 200, 'Sign in to your provider', choiceForm(uid));
    const loginHint = typeof params.login_hint === 'string' ? params.login_hint : '';
    return sendPage(res, 200, IDP_NAMES[idp], passwordForm(uid, idp, loginHint));
  }

  async function finishLogin(
    req: IncomingMessage,
    res: ServerResponse,
    details: Interaction,
    account: TestAccount,
    amr: string[],
  ): Promise<void> {
    progress.delete(details.uid);
    // The person just signed in on this page: that is the interaction a native client needs (RFC 8252
    // section 8.6), so the app's first-party grant is given here instead of on a second page.
    const sameAccount = details.session?.accountId === account.sub;
    const grantId = await saveGrant(account.sub, details.params, sameAccount ? details.grantId : undefined);
    const requestedAcr =
      typeof details.params.acr_values === 'string' ? details.params.acr_values.split(' ') : [];
    const evidence = shape
      ? shape.evidence(amr.includes('mfa'), requestedAcr)
      : { amr, acr: amr.includes('mfa') ? ACR.multiFactor : ACR.singleFactor };
    // An essential acr that this login did not meet: Keycloak refuses, as OIDC's "Unmet Authentication
    // Requirements" defines it, instead of issuing a token with a lower level.
    const essential = essentialAcr(details.params.claims);
    if (essential && !essential.includes(evidence.acr ?? ''))
      return provider.interactionFinished(
        req,
        res,
        {
          error: 'unmet_authentication_requirements',
          error_description: `the sign-in did not reach ${essential.join(' or ')}`,
        },
        { mergeWithLastSubmission: false },
      );
    const result: InteractionResults = {
      login: { accountId: account.sub, ...evidence, remember: true },
      consent: { grantId },
    };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  /** Grants the app what it asked for (it is the provider's own app) and returns the grant's ID. */
  async function saveGrant(
    accountId: string,
    params: Record<string, unknown>,
    existingGrantId: string | undefined,
  ): Promise<string> {
    const existing = existingGrantId ? await provider.Grant.find(existingGrantId) : undefined;
    const clientId = typeof params.client_id === 'string' ? params.client_id : APP_CLIENT_ID;
    const grant = existing ?? new provider.Grant({ accountId, clientId });
    grant.addOIDCScope(typeof params.scope === 'string' ? params.scope : 'openid');
    if (!shape) grant.addResourceScope(apiResource, 'sip');
    else if (shape.accessTokenFormat === 'jwt')
      grant.addResourceScope(`${issuer}/account`, 'openid profile email');
    const grantId = await grant.save();
    if (params.access_type === 'offline') offlineGrants.add(grantId);
    return grantId;
  }

  function progressOf(uid: string): LoginProgress {
    const now = Date.now();
    for (const [key, entry] of progress) if (entry.expiresAt <= now) progress.delete(key);
    let state = progress.get(uid);
    if (!state) {
      state = { expiresAt: now + INTERACTION_TTL_SECONDS * 1000 };
      progress.set(uid, state);
    }
    return state;
  }

  // --- Provider API ------------------------------------------------------------------------------

  async function handleSipCredentials(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET', 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'method_not_allowed' }));
      return;
    }
    if (!bearerToken(req)) return unauthorized(res, 'Bearer realm="provider-api"');
    const caller = await apiAccount(req);
    const credentials = caller ? await issueSipCredentials(caller.account, caller.grantId) : undefined;
    if (!credentials) {
      return unauthorized(
        res,
        'Bearer realm="provider-api", error="invalid_token", error_description="missing, expired or revoked access token"',
      );
    }
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(credentials));
  }

  function bearerToken(req: IncomingMessage): string | undefined {
    return /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(req.headers.authorization ?? '')?.[1];
  }

  /** The account of a valid access token for the provider API, or undefined. */
  async function apiAccount(
    req: IncomingMessage,
  ): Promise<{ account: TestAccount; sub: string; grantId: string } | undefined> {
    const value = bearerToken(req);
    if (!value) return undefined;
    const token = await provider.AccessToken.find(value);
    const audience = token ? [token.aud ?? []].flat() : [];
    const account = token ? accounts.get(token.accountId) : undefined;
    if (!token?.isValid || token.isSenderConstrained() || !audience.includes(apiResource) || !account)
      return undefined;
    return { account, sub: account.sub, grantId: token.grantId ?? '' };
  }

  async function grantIsLive(grantId: string): Promise<boolean> {
    const grant = await provider.Grant.find(grantId);
    return grant !== undefined && !grant.isExpired;
  }

  function unauthorized(res: ServerResponse, challenge: string): void {
    res.writeHead(401, {
      'www-authenticate': challenge,
      'content-type': 'application/json',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify({ error: 'unauthorized' }));
  }

  /** New credentials for the account, or undefined when the grant is gone (checked in turn with withdrawals). */
  function issueSipCredentials(account: TestAccount, grantId: string): Promise<SipCredentials | undefined> {
    return serially(async () => {
      if (stopped) throw new Error('the login broker is stopped');
      if (!(await grantIsLive(grantId))) return undefined;
      const username = account.sipUsername;
      const password = randomBytes(24).toString('base64url');
      await options.provisioner.add(username, password);
      const lifetimeMs = account.sipCredentialLifetimeMs ?? sipLifetimeMs;
      const expiresAt = Date.now() + lifetimeMs;
      const previous = issued.get(username);
      if (previous) clearTimeout(previous.timer);
      const timer = setTimeout(() => {
        if (stopped) return;
        withdrawSipCredentials((entry, name) => name === username && entry.expiresAt === expiresAt).catch(
          onError,
        );
      }, lifetimeMs);
      issued.set(username, { sub: account.sub, grantId, expiresAt, timer });
      const realm = options.sip.domain;
      return SipCredentials.parse({
        wssUrl: options.sip.wssUrl,
        sipUri: `sip:${username}@${options.sip.domain}`,
        authorizationUser: username,
        realm,
        ha1: createHash('md5').update(`${username}:${realm}:${password}`).digest('hex'),
        expiresAt: new Date(expiresAt).toISOString(),
      });
    });
  }

  /** Removes the matching SIP credentials from the edge and forgets them. */
  function withdrawSipCredentials(
    matches: (entry: IssuedSipCredentials, username: string) => boolean,
  ): Promise<void> {
    return serially(async () => {
      for (const [username, entry] of [...issued]) {
        if (!matches(entry, username)) continue;
        clearTimeout(entry.timer);
        issued.delete(username);
        await options.provisioner.remove(username);
      }
    });
  }

  // --- Test control ------------------------------------------------------------------------------

  return {
    issuer,
    apiBaseUrl,
    apiResource,
    caCertPath: options.pki.caCertPath,
    clientId: clients[0]!.clientId,
    redirectUri: APP_REDIRECT_URI,
    providerFor: (wssUrl) => ({ issuer, clientId: clients[0]!.clientId, wssUrl, apiBaseUrl }),
    addUser(input) {
      const user = TestUserInput.parse(input);
      const sipUsername = user.sipUsername ?? user.username.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
      for (const other of accounts.values()) {
        if (other.username === user.username) throw new Error(`user ${user.username} exists already`);
        if (other.sipUsername === sipUsername) throw new Error(`SIP user ${sipUsername} is taken`);
      }
      const account: TestAccount = { ...user, sipUsername, sub: randomUUID() };
      accounts.set(account.sub, account);
      return { ...account };
    },
    audit,
    statusPageUrl: status.pageUrl,
    async revokeAllFor(sub) {
      store.removeAccount(sub);
      await withdrawSipCredentials((entry) => entry.sub === sub);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Provisioning under way ends first (no new credentials start once stopped); then no timer is left.
      await provisioning;
      for (const entry of issued.values()) clearTimeout(entry.timer);
      issued.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      progress.clear();
      store.clear();
      audit.close();
      await selfDispatcher.close();
    },
  };
}

/** Compares secrets in constant time (by their digests, so lengths do not matter). */
function sameSecret(expected: string, given: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** The `acr` values an authorization request's `claims` parameter asks for as essential, if any. */
function essentialAcr(claims: unknown): string[] | null {
  if (typeof claims !== 'string') return null;
  try {
    const acr = (JSON.parse(claims) as { id_token?: { acr?: { essential?: unknown; values?: unknown } } })
      .id_token?.acr;
    return acr?.essential === true && Array.isArray(acr.values) ? acr.values.map(String) : null;
  } catch {
    return null;
  }
}

function isIdentityProvider(value: unknown): value is IdentityProvider {
  return typeof value === 'string' && (IDENTITY_PROVIDERS as readonly string[]).includes(value);
}

function hintOf(params: Record<string, unknown>): IdentityProvider | undefined {
  const hint = params[IDP_HINT_PARAMETER];
  return isIdentityProvider(hint) ? hint : undefined;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpError(415, 'Send the form.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT_BYTES) throw new HttpError(413, 'The form is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { location, 'cache-control': 'no-store' });
  res.end();
}

// --- HTML -----------------------------------------------------------------------------------------

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

function pageHtml(title: string, body: string): { html: string; nonce: string } {
  const nonce = randomBytes(16).toString('base64');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:600}
input{display:block;width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}
button{margin-top:1rem;padding:.5rem 1rem;font-size:1rem}
.choices button{display:block;width:100%}
[role=alert]{color:#a00000;font-weight:600}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>`;
  return { html, nonce };
}

function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  const { html, nonce } = pageHtml(title, body);
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; frame-ancestors 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

function cancelForm(uid: string): string {
  return `<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Cancel</button></form>`;
}

function choiceForm(uid: string): string {
  const buttons = IDENTITY_PROVIDERS.map(
    (idp) => `<button type="submit" name="idp" value="${idp}">${escapeHtml(CHOICE_LABELS[idp])}</button>`,
  ).join('\n');
  return `<form class="choices" method="post" action="/interaction/${escapeHtml(uid)}/idp">
${buttons}
</form>
${cancelForm(uid)}`;
}

function passwordForm(uid: string, idp: IdentityProvider, username: string, error?: string): string {
  const note =
    idp === 'provider'
      ? '<p>Sign in with your provider account.</p>'
      : `<p>This page stands in for ${escapeHtml(IDP_NAMES[idp].replace(' (test stand-in)', ''))}'s sign-in in the test stack.</p>`;
  const invalid = error ? ' aria-invalid="true" aria-describedby="error"' : '';
  return `${note}
${error ? `<p id="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/password">
<label for="username">User name</label>
<input id="username" name="username" autocomplete="username" required value="${escapeHtml(username)}"${invalid}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${invalid}>
<button type="submit">Sign in</button>
</form>
${cancelForm(uid)}`;
}

function otpForm(uid: string, error?: string): string {
  const invalid = error ? ' aria-invalid="true" aria-describedby="error"' : '';
  return `<p>Enter the 6-digit code from your authenticator app.</p>
${error ? `<p id="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}/otp">
<label for="code">Authentication code</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required${invalid}>
<button type="submit">Verify</button>
</form>
${cancelForm(uid)}`;
}

function hwkForm(uid: string): string {
  return `<p>Insert and touch your security key. (Test stand-in: the button below takes the place of the key.)</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/hwk">
<button type="submit">Use security key</button>
</form>
${cancelForm(uid)}`;
}

function consentForm(uid: string, account: TestAccount): string {
  return `<p>You are signed in as ${escapeHtml(account.name)} (${escapeHtml(account.email)}).</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/consent">
<button type="submit">Continue</button>
</form>
${cancelForm(uid)}`;
}

/**
 * Keycloak's userinfo takes the realm's own access tokens, JWTs with `aud: account` [K5]. oidc-provider keeps
 * no copy of a JWT access token (so it finds none at userinfo) and refuses one with an audience there. The
 * stand-in remembers the JWTs it issued, by their exact value, and hands userinfo such a token (unexpired,
 * its grant still live: userinfo checks that) without its audience.
 */
function acceptOwnJwtsAtUserinfo(provider: Provider): void {
  type Token = InstanceType<Provider['AccessToken']>;
  const issued = new Map<string, Token>();
  const { AccessToken } = provider;
  const save = AccessToken.prototype.save;
  AccessToken.prototype.save = async function (this: Token, ...args: Parameters<Token['save']>) {
    const value = await save.apply(this, args);
    if ((this as { format?: string }).format === 'jwt') issued.set(value, this);
    return value;
  };
  const find = AccessToken.find.bind(AccessToken);
  AccessToken.find = (async (value: string, options?: { ignoreExpiration?: boolean }) => {
    const token = issued.get(value);
    if (!token) return find(value, options);
    if (token.isExpired) {
      issued.delete(value);
      return undefined;
    }
    // Issued already: only userinfo and revocation look it up again, neither for its audience.
    delete (token as { aud?: unknown }).aud;
    return token;
  }) as typeof AccessToken.find;
}

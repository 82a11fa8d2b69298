import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Agent, fetch as undiciFetch } from 'undici';
import { freePort } from '../provider/ports.js';
import { stopProcess, trackChild } from '../provider/processes.js';

/**
 * Glewlwyd (Debian package `glewlwyd` 2.7), a real OpenID provider nobody here wrote, set up as its
 * documentation says: Debian's configuration file and database schema, its own web application for the
 * login pages, and its administration API (docs: /usr/share/doc/glewlwyd/{GETTING_STARTED,API,OIDC,OTP}.md)
 * for what an administrator would click in its admin page:
 * - an HOTP/TOTP scheme instance `otp` (OTP.md), required with the password by the scope `softphone`;
 * - the OpenID Connect plugin `oidc` (OIDC.md) with an RSA key, PKCE, refresh tokens, the user property
 *   `groups` as the `groups` claim and `username` as `preferred_username`;
 * - a second instance `oidc-no-refresh` of that plugin with refresh tokens turned off ("Authentication type
 *   refresh enabled", OIDC.md): another issuer whose sign-ins give no refresh token;
 * - the app as a public client with its loopback redirect URIs, one port each (Glewlwyd compares redirect
 *   URIs exactly).
 */

const DEBIAN_CONFIG = '/etc/glewlwyd/glewlwyd.conf';
const DEBIAN_SCHEMA = '/usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz';
const DEBIAN_WEBAPP = '/usr/share/glewlwyd/webapp';
// Debian links the web application's config.json to this folder's file (its `GlewlwydUrl` is "./").
const DEBIAN_WEBAPP_CONFIG = '/etc/glewlwyd/config-2.7.json/config.json';
/** Glewlwyd's initial administrator (GETTING_STARTED.md: "Use the default login admin ..."). */
const ADMIN = { username: 'admin', password: 'password' };
/** The scope whose authentication needs the password and a TOTP code. */
export const MFA_SCOPE = 'softphone';
export const OTP_SCHEME = 'otp';
/** The app's client id (a public client with the loopback redirect URIs). */
export const GLEWLWYD_CLIENT_ID = 'secure-softphone';

export interface GlewlwydUser {
  username: string;
  password: string;
  name: string;
  email: string;
  /** Values of the `groups` claim. */
  groups: string[];
  /** A base32 TOTP seed (SHA-1, 6 digits, 30 s): the user is given the `softphone` scope; none: not. */
  totpSecret?: string;
}

export interface Glewlwyd {
  /** The OpenID issuer (`https://127.0.0.1:PORT/api/oidc`). */
  issuer: string;
  /** The issuer of the plugin instance without refresh tokens (`.../api/oidc-no-refresh`). */
  issuerWithoutRefresh: string;
  /** The loopback ports registered as redirect URIs (`http://127.0.0.1:PORT/callback`). */
  loopbackPorts: number[];
  addUser(user: GlewlwydUser): Promise<void>;
  /** Glewlwyd's log (console mode), for a failing test's report. */
  logPath: string;
  stop(): Promise<void>;
}

export interface GlewlwydOptions {
  dir: string;
  pki: { serverCertPath: string; serverKeyPath: string; caCertPem: string };
  /** How many loopback ports to register for the app's redirect (default 3). */
  loopbackPortCount?: number;
  /** Lifetime of access tokens (default 600 s); short, the app refreshes within a test. */
  accessTokenSeconds?: number;
}

/** Debian's glewlwyd.conf with what this run needs: port, TLS, the database and the web application. */
async function writeConfig(options: GlewlwydOptions, port: number, paths: { db: string; webapp: string }) {
  const debian = await readFile(DEBIAN_CONFIG, 'utf8');
  const set: Record<string, string> = {
    port: String(port),
    bind_address: '"127.0.0.1"',
    external_url: `"https://127.0.0.1:${port}"`,
    log_mode: '"console"',
    log_level: '"INFO"',
    cookie_secure: '1',
    use_secure_connection: 'true',
    secure_connection_key_file: `"${options.pki.serverKeyPath}"`,
    secure_connection_pem_file: `"${options.pki.serverCertPath}"`,
    static_files_path: `"${paths.webapp}"`,
  };
  const lines = debian
    .split('\n')
    // The CA file would ask clients for certificates; the database comes below instead of Debian's.
    .filter((line) => !/^(secure_connection_ca_file|@include)\b/.test(line.trim()))
    .filter((line) => !Object.keys(set).some((key) => new RegExp(`^#?\\s*${key}\\s*=`).test(line.trim())));
  const extra = Object.entries(set).map(([key, value]) => `${key}=${value}`);
  const database = `database =\n{\n  type = "sqlite3"\n  path = "${paths.db}"\n}`;
  const path = join(options.dir, 'glewlwyd.conf');
  await writeFile(path, [...extra, database, ...lines].join('\n'));
  return path;
}

/** The schema Debian ships (docs/database/init.sqlite3.sql), run by the sqlite3 shell. */
async function initDatabase(path: string) {
  const sql = gunzipSync(await readFile(DEBIAN_SCHEMA));
  const child = spawn('sqlite3', [path], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(sql);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`sqlite3 could not create Glewlwyd's database: ${stderr}`);
}

/** The administration API with the admin's session cookie. */
function adminApi(base: string, caCertPem: string) {
  const dispatcher = new Agent({ connect: { ca: caCertPem } });
  let cookie = '';
  async function request(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await undiciFetch(`${base}/api${path}`, {
      method,
      dispatcher,
      headers: { 'content-type': 'application/json', ...(cookie && { cookie }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('GLEWLWYD2_SESSION_ID='));
    if (setCookie) cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    if (!response.ok) throw new Error(`Glewlwyd ${method} ${path} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : null;
  }
  return { request, close: () => dispatcher.close() };
}

async function waitUntilUp(base: string, caCertPem: string, child: ChildProcess, timeoutMs: number) {
  const dispatcher = new Agent({ connect: { ca: caCertPem } });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`glewlwyd exited with ${child.exitCode}`);
      const up = await undiciFetch(`${base}/config/`, { dispatcher }).then(
        (response) => response.ok,
        () => false,
      );
      if (up) return;
      if (Date.now() > deadline) throw new Error('glewlwyd did not come up');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await dispatcher.close();
  }
}

/** The OpenID Connect plugin's parameters: the admin page's defaults (GlwdOIDCParams.js) and ours. */
function oidcPluginParameters(issuer: string, accessTokenSeconds: number, refreshTokens: boolean) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const claim = (name: string, property: string) => ({
    name,
    'user-property': property,
    type: 'string',
    'boolean-value-true': '',
    'boolean-value-false': '',
    mandatory: true,
    'on-demand': false,
    scope: [],
  });
  return {
    iss: issuer,
    'jwt-type': 'rsa',
    'jwt-key-size': '256',
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert: publicKey.export({ type: 'spki', format: 'pem' }),
    'access-token-duration': accessTokenSeconds,
    'refresh-token-duration': 86_400,
    'code-duration': 60,
    'refresh-token-rolling': true,
    // A new refresh token on each use; a reused one breaks the chain (OIDC.md "One-time use refresh token").
    'refresh-token-one-use': 'always',
    'allow-non-oidc': false,
    'auth-type-code-enabled': true,
    'auth-type-code-revoke-replayed': true,
    'auth-type-token-enabled': false,
    'auth-type-id-token-enabled': false,
    'auth-type-none-enabled': false,
    'auth-type-password-enabled': false,
    'auth-type-client-enabled': false,
    'auth-type-device-enabled': false,
    'auth-type-refresh-enabled': refreshTokens,
    scope: [],
    'additional-parameters': [],
    claims: [claim('groups', 'groups'), claim('preferred_username', 'username')],
    'name-claim': 'mandatory',
    'name-claim-scope': [],
    'email-claim': 'mandatory',
    'email-claim-scope': [],
    'scope-claim': 'no',
    'scope-claim-scope': [],
    'address-claim': { type: 'no', mandatory: false },
    'allowed-scope': ['openid', MFA_SCOPE],
    'secret-type': 'pairwise',
    'jwks-show': true,
    'pkce-allowed': true,
    'pkce-method-plain-allowed': false,
    'pkce-required': false,
    'pkce-required-public-client': true,
    'pkce-scopes': [],
    'introspection-revocation-allowed': true,
    'introspection-revocation-auth-scope': [],
    'introspection-revocation-allow-target-client': true,
    'register-client-allowed': false,
    'session-management-allowed': true,
    'session-cookie-name': 'GLEWLWYD2_OIDC_SID',
    'session-cookie-expiration': 2_419_200,
    'front-channel-logout-allowed': false,
    'back-channel-logout-allowed': false,
    'request-parameter-allow': false,
  };
}

async function configure(
  api: ReturnType<typeof adminApi>,
  base: string,
  redirectUris: string[],
  accessTokenSeconds: number,
) {
  await api.request('POST', '/auth/', ADMIN);
  // The user database gets the multi-valued property `groups` (USER_DATABASE.md "data-format").
  const userModule = (await api.request('GET', '/mod/user/database')) as {
    parameters: Record<string, unknown>;
  };
  const dataFormat = userModule.parameters['data-format'] as Record<string, unknown>;
  await api.request('PUT', '/mod/user/database', {
    ...userModule,
    parameters: {
      ...userModule.parameters,
      'data-format': {
        ...dataFormat,
        groups: { multiple: true, read: true, write: true, 'profile-read': true, 'profile-write': false },
      },
    },
  });
  // The instance reads its parameters when it starts (API.md: "reset" restarts it), as after Save in the admin page.
  await api.request('PUT', '/mod/user/database/reset');
  await api.request('POST', '/mod/scheme/', {
    module: 'otp',
    name: OTP_SCHEME,
    display_name: 'Authenticator code',
    expiration: 600,
    max_use: 0,
    allow_user_register: false,
    parameters: {
      issuer: base,
      'secret-minimum-size': 16,
      'otp-length': 6,
      'hotp-allow': false,
      'hotp-window': 0,
      'totp-allow': true,
      'totp-window': 30,
      'totp-start-offset': 0,
    },
  });
  // Every OpenID sign-in needs the password; the softphone scope needs the TOTP code too.
  await api.request('PUT', '/scope/openid', {
    name: 'openid',
    display_name: 'Open ID',
    description: 'Open ID Connect scope',
    password_required: true,
    password_max_age: 0,
    scheme: {},
  });
  await api.request('POST', '/scope/', {
    name: MFA_SCOPE,
    display_name: 'Secure Softphone',
    description: 'Calls with Secure Softphone, with a second factor',
    password_required: true,
    password_max_age: 0,
    scheme: { '0': [{ scheme_type: 'otp', scheme_name: OTP_SCHEME }] },
    scheme_required: { '0': 1 },
  });
  for (const [name, refreshTokens] of [
    ['oidc', true],
    ['oidc-no-refresh', false],
  ] as const)
    await api.request('POST', '/mod/plugin/', {
      module: 'oidc',
      name,
      display_name: 'OpenID Connect',
      enabled: true,
      parameters: oidcPluginParameters(`${base}/api/${name}`, accessTokenSeconds, refreshTokens),
    });
  await api.request('POST', '/client/', {
    client_id: GLEWLWYD_CLIENT_ID,
    name: 'Secure Softphone',
    enabled: true,
    confidential: false,
    redirect_uri: redirectUris,
    authorization_type: ['code', 'refresh_token'],
    scope: [],
    token_endpoint_auth_method: ['none'],
  });
}

/** Starts Glewlwyd on 127.0.0.1 at a port chosen now, configured for the app as an administrator would. */
export async function startGlewlwyd(options: GlewlwydOptions): Promise<Glewlwyd> {
  await mkdir(options.dir, { recursive: true });
  const webapp = join(options.dir, 'webapp');
  const db = join(options.dir, 'glewlwyd.db');
  // Its own copy, Debian's links (jQuery, Bootstrap, Popper, Fork Awesome from their packages) resolved:
  // the static file server serves nothing from outside its folder.
  await cp(DEBIAN_WEBAPP, webapp, {
    recursive: true,
    dereference: true,
    filter: (src) => !src.endsWith('/config.json'),
  });
  await cp(DEBIAN_WEBAPP_CONFIG, join(webapp, 'config.json'));
  await initDatabase(db);
  const port = await freePort();
  const loopbackPorts = await Promise.all(
    Array.from({ length: options.loopbackPortCount ?? 3 }, () => freePort()),
  );
  const configPath = await writeConfig(options, port, { db, webapp });
  const logPath = join(options.dir, 'glewlwyd.log');
  const log = createWriteStream(logPath);
  const child = spawn('glewlwyd', [`--config-file=${configPath}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const base = `https://127.0.0.1:${port}`;
  const issuer = `${base}/api/oidc`;
  const api = adminApi(base, options.pki.caCertPem);
  try {
    await waitUntilUp(base, options.pki.caCertPem, child, 20_000);
    await configure(
      api,
      base,
      loopbackPorts.map((p) => `http://127.0.0.1:${p}/callback`),
      options.accessTokenSeconds ?? 600,
    );
  } catch (error) {
    await api.close();
    await stopProcess(child);
    throw new Error(`${(error as Error).message} (log: ${logPath})`, { cause: error });
  }
  return {
    issuer,
    issuerWithoutRefresh: `${base}/api/oidc-no-refresh`,
    loopbackPorts,
    logPath,
    async addUser(user) {
      await api.request('POST', '/user/', {
        username: user.username,
        password: user.password,
        name: user.name,
        email: user.email,
        enabled: true,
        scope: user.totpSecret ? ['openid', MFA_SCOPE] : ['openid'],
        groups: user.groups,
      });
      if (user.totpSecret)
        // OTP.md: only an administrator registers a TOTP when users may not (profile delegation, whose
        // route names the user in the path: src/glewlwyd.c, `/delegate/:username/...`).
        await api.request('POST', `/delegate/${encodeURIComponent(user.username)}/profile/scheme/register/`, {
          username: user.username,
          scheme_type: 'otp',
          scheme_name: OTP_SCHEME,
          value: { type: 'TOTP', secret: user.totpSecret, time_step_size: 30 },
        });
    },
    async stop() {
      await api.close();
      await stopProcess(child);
      log.end();
      await rm(webapp, { recursive: true, force: true });
    },
  };
}

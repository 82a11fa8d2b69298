import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Agent, Client, fetch as undiciFetch, ProxyAgent, type Dispatcher } from 'undici';
import {
  envRoutes,
  ProxyConfigurationError,
  proxyPort,
  type ProxyRoute,
  type ProxyRoutes,
} from './proxy-routes.js';
import type { ProxyAuthenticator, ProxyLogin } from './proxy-sign-in.js';
import { trustedCas, type TlsTrust } from './tls-trust.js';
import { trustedTlsOptions } from './trusted-connection.js';

export type TrustedFetch = typeof globalThis.fetch;

/** Why a request through a proxy failed before it reached the server. */
export type ProxyFailure = 'auth-required' | 'refused' | 'unreachable';

/** The proxy, not the server, failed the request; the `cause` of the fetch's `TypeError`. */
export class ProxyError extends Error {
  override readonly name = 'ProxyError';
  constructor(
    readonly reason: ProxyFailure,
    /** host:port of the proxy (never its credentials). */
    readonly proxy: string,
    options?: { cause?: unknown },
  ) {
    super(
      reason === 'auth-required'
        ? `the proxy ${proxy} asks for credentials or refused the ones given`
        : reason === 'refused'
          ? `the proxy ${proxy} refused the connection`
          : `the proxy ${proxy} cannot be reached`,
      options,
    );
  }
}

export interface HttpClientOptions {
  /** The policy's extra CAs and pins, read for every request (a change starts new connections). */
  trust(): TlsTrust;
  /** How to reach a URL: the system's proxy configuration (proxy-routes.ts). */
  routes: ProxyRoutes;
  /**
   * Sign-in to a proxy whose route carries no credentials (the system's configuration, electron/net/
   * proxy-sign-in.ts): known credentials are sent, and a proxy that asks (407) or refuses them makes the
   * request wait for the person's answer, then try again. Credentials in a proxy URL are never replaced.
   */
  proxySignIn?: ProxyAuthenticator;
}

/**
 * Main's one HTTP client: discovery and tokens at the issuer, the provider API, audit sync and updates.
 * Requests follow the system's proxy configuration (CONNECT tunnels through HTTP(S) proxies, or SOCKS5);
 * TLS to the origin server is verified behind the proxy exactly as on a direct connection: system roots
 * plus the policy's extra CAs, its SPKI pins, through the one certificate decision.
 */
export interface HttpClient {
  /**
   * `fetch` (openid-client's `customFetch` too). A refused certificate rejects with a `TypeError` whose
   * `cause` is the `CertificateRejectedError`; a failing proxy with one whose `cause` is a `ProxyError`.
   */
  fetch: TrustedFetch;
  /**
   * A byte stream to `host:port` of an https:// or wss:// URL, reached as `fetch` would reach it: directly
   * or through the proxy's CONNECT tunnel. TLS is the caller's (the TLS probe verifies it itself).
   */
  tunnel(url: string, signal: AbortSignal): Promise<Duplex>;
  close(): Promise<void>;
}

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

type ErrorLink = { code?: unknown; port?: unknown; message?: unknown };

/** The causes below a failed fetch, nearest first (undici nests them: a 407 hides under an AbortError). */
function causesOf(error: unknown): ErrorLink[] {
  const chain: ErrorLink[] = [];
  let current = (error as { cause?: unknown } | null)?.cause;
  while (typeof current === 'object' && current !== null && chain.length < 6) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** What failed when a request through `proxy` failed: the proxy itself, or (null) the server behind it. */
function proxyFailure(error: unknown, proxy: URL): ProxyFailure | null {
  for (const link of causesOf(error)) {
    const message = typeof link.message === 'string' ? link.message : '';
    // undici's words for a CONNECT answered with another status than 200.
    const tunnel = /^Proxy response \((\d+)\)/.exec(message);
    // 407 asks for credentials; tinyproxy answers wrong ones with 401.
    if (tunnel) return tunnel[1] === '407' || tunnel[1] === '401' ? 'auth-required' : 'refused';
    if (/Proxy Authentication Required/.test(message)) return 'auth-required';
    const atProxy = link.port === undefined || link.port === proxyPort(proxy);
    if (typeof link.code === 'string' && CONNECT_FAILURES.has(link.code) && atProxy) return 'unreachable';
  }
  return null;
}

/** The origin's host:port of an https:// or wss:// URL, as a CONNECT request names it. */
function authorityOf(url: string): string {
  const target = new URL(url);
  return `${target.hostname}:${target.port || 443}`;
}

function directSocket(url: string, signal: AbortSignal): Promise<Socket> {
  const target = new URL(url);
  const socket = netConnect({
    host: target.hostname.replace(/^\[|\]$/g, ''),
    port: Number(target.port || 443),
    signal,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** A CONNECT tunnel through an HTTP(S) proxy (undici's client speaks the CONNECT; nothing else is sent). */
async function proxyTunnel(url: string, proxy: URL, trust: TlsTrust, signal: AbortSignal): Promise<Duplex> {
  if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:')
    throw new ProxyConfigurationError(`a ${proxy.protocol} proxy cannot carry the TLS probe`);
  const client = new Client(proxy.origin, { connect: { ca: trustedCas(trust) } });
  const authority = authorityOf(url);
  const credentials = proxy.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`
    : null;
  try {
    const { socket, statusCode } = await client.connect({
      path: authority,
      headers: { host: authority, ...(credentials && { 'proxy-authorization': credentials }) },
      signal,
    });
    if (statusCode !== 200) {
      socket.destroy();
      throw new Error(`Proxy response (${statusCode}) !== 200 when HTTP Tunneling`);
    }
    socket.once('close', () => void client.destroy());
    return socket;
  } catch (error) {
    void client.destroy();
    throw Object.assign(new Error('tunnel failed'), { cause: error });
  }
}

type ProxyHop = Extract<ProxyRoute, { kind: 'proxy' }>;

/** The route with Basic credentials for its proxy. */
function withLogin(route: ProxyHop, login: ProxyLogin): ProxyHop {
  const proxy = new URL(route.proxy);
  proxy.username = encodeURIComponent(login.username);
  proxy.password = encodeURIComponent(login.password);
  return { kind: 'proxy', proxy };
}

function loginOf(proxy: URL): ProxyLogin | null {
  return proxy.username
    ? { username: decodeURIComponent(proxy.username), password: decodeURIComponent(proxy.password) }
    : null;
}

/** Whether a request can be sent again after the proxy's challenge: its body, if any, is not a one-off stream. */
function replayable(input: Parameters<TrustedFetch>[0], init?: Parameters<TrustedFetch>[1]): boolean {
  if (input instanceof Request && input.body !== null) return false;
  return !(init?.body instanceof ReadableStream);
}

function describe(route: ProxyRoute): string {
  return route.kind === 'direct' ? 'direct' : `${route.proxy.protocol}//${route.proxy.host}`;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  // One pool per route and trust; a change of trust closes them all.
  let trustKey: string | null = null;
  const pools = new Map<string, Dispatcher>();

  const dispatcherFor = (route: ProxyRoute): Dispatcher => {
    const trust = options.trust();
    const key = JSON.stringify(trust);
    if (key !== trustKey) {
      for (const pool of pools.values()) void pool.close();
      pools.clear();
      trustKey = key;
    }
    const id = route.kind === 'direct' ? 'direct' : route.proxy.href;
    let pool = pools.get(id);
    if (!pool && route.kind === 'proxy')
      // Credentials changed (the person signed in again, or they were forgotten): the old ones' pool goes.
      for (const [other, stale] of pools)
        if (other !== 'direct' && new URL(other).origin === route.proxy.origin) {
          void stale.close();
          pools.delete(other);
        }
    if (!pool) {
      const origin = trustedTlsOptions(trust);
      pool =
        route.kind === 'direct'
          ? new Agent({ connect: origin })
          : new ProxyAgent({
              uri: route.proxy.href,
              // TLS to the server inside the tunnel: the app's trust, pins included.
              requestTls: origin,
              // TLS to an https:// proxy: system roots and the policy's CAs (pins name the provider's keys).
              proxyTls: { ca: trustedCas(trust) },
            });
      pools.set(id, pool);
    }
    return pool;
  };

  const signIn = options.proxySignIn;
  /** A proxy route without credentials of its own gets the ones the person gave for that proxy. */
  const signedIn = (route: ProxyHop): ProxyHop => {
    if (route.proxy.username || !signIn) return route;
    const known = signIn.known({ host: route.proxy.hostname, port: proxyPort(route.proxy) });
    return known ? withLogin(route, known) : route;
  };

  /** One route: the request, and again with the person's answer each time the proxy asks for a sign-in. */
  const fetchVia = async (
    listed: ProxyRoute,
    input: Parameters<TrustedFetch>[0],
    init: Parameters<TrustedFetch>[1],
  ): Promise<Response> => {
    const dispatch = (route: ProxyRoute) =>
      undiciFetch(input as never, {
        ...(init as object),
        dispatcher: dispatcherFor(route),
      }) as unknown as Promise<Response>;
    if (listed.kind === 'direct') return dispatch(listed);
    let route = signedIn(listed);
    for (;;) {
      try {
        return await dispatch(route);
      } catch (error) {
        const failure = proxyFailure(error, route.proxy);
        const askable = signIn && !listed.proxy.username && replayable(input, init);
        if (failure !== 'auth-required' || !askable) throw error;
        const address = { host: route.proxy.hostname, port: proxyPort(route.proxy) };
        const login = await signIn.challenge(address, loginOf(route.proxy), init?.signal ?? undefined);
        if (!login) throw error;
        route = withLogin(listed, login);
      }
    }
  };

  const fetch = async (input: Parameters<TrustedFetch>[0], init?: Parameters<TrustedFetch>[1]) => {
    const url = input instanceof Request ? input.url : String(input);
    const routes = await options.routes(url);
    for (const [index, route] of routes.entries()) {
      try {
        return await fetchVia(route, input, init);
      } catch (error) {
        if (route.kind === 'direct') throw error;
        const failure = proxyFailure(error, route.proxy);
        if (failure === null) throw error;
        // Like Chromium: a proxy that cannot be reached gives way to the next route of the list.
        if (failure === 'unreachable' && index < routes.length - 1) continue;
        throw new TypeError('fetch failed', {
          cause: new ProxyError(failure, describe(route), { cause: (error as { cause?: unknown }).cause }),
        });
      }
    }
    throw new TypeError('fetch failed: no route');
  };

  const tunnel = async (url: string, signal: AbortSignal): Promise<Duplex> => {
    const routes = await options.routes(url.replace(/^wss:/, 'https:'));
    for (const [index, route] of routes.entries()) {
      if (route.kind === 'direct') return directSocket(url, signal);
      try {
        return await proxyTunnel(url, signedIn(route).proxy, options.trust(), signal);
      } catch (error) {
        if (error instanceof ProxyConfigurationError) throw error;
        const failure = proxyFailure(error, route.proxy);
        if (failure === null) throw error;
        if (failure === 'unreachable' && index < routes.length - 1) continue;
        throw new ProxyError(failure, describe(route), { cause: (error as { cause?: unknown }).cause });
      }
    }
    throw new Error('no route');
  };

  return {
    fetch,
    tunnel,
    async close() {
      const closing = [...pools.values()].map((pool) => pool.close());
      pools.clear();
      trustKey = null;
      await Promise.all(closing);
    },
  };
}

/**
 * The client as a bare `fetch` with `close()`, for code that takes a fetch (the sign-in service's default,
 * tests); routes from the environment unless given.
 */
export function createTrustedFetch(
  trust: () => TlsTrust,
  routes: ProxyRoutes = envRoutes(),
): TrustedFetch & { close(): Promise<void> } {
  const client = createHttpClient({ trust, routes });
  return Object.assign(client.fetch, { close: client.close });
}

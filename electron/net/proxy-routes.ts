import { getProxyForUrl } from 'proxy-from-env';

/**
 * One way to reach a server: directly, or through a proxy (`http:`, `https:` or `socks5:` URL, with the
 * proxy's Basic credentials as user info when the configuration has them).
 */
export type ProxyRoute = { kind: 'direct' } | { kind: 'proxy'; proxy: URL };

/** The routes to try for a URL, in order: the first that connects carries the request. */
export type ProxyRoutes = (url: string) => Promise<ProxyRoute[]>;

/**
 * The proxy configuration as Chromium answers for a URL: Electron's `session.resolveProxy` (system settings,
 * PAC script or WPAD included), e.g. `"PROXY proxy.corp:3128; DIRECT"`.
 */
export type ResolveProxy = (url: string) => Promise<string>;

/** Basic credentials for a proxy, or null when none are known. */
export type ProxyCredentials = (proxy: { host: string; port: number }) => Promise<{
  username: string;
  password: string;
} | null>;

/** Thrown for a proxy configuration that names no route this client can take. */
export class ProxyConfigurationError extends Error {
  override readonly name = 'ProxyConfigurationError';
}

const PAC_SCHEMES: Record<string, string | undefined> = {
  PROXY: 'http:',
  HTTPS: 'https:',
  SOCKS5: 'socks5:',
};
const DEFAULT_PORTS: Record<string, number | undefined> = { 'http:': 80, 'https:': 443, 'socks5:': 1080 };

/** The port a proxy URL names, or its scheme's default (`URL` leaves default ports empty). */
export function proxyPort(proxy: URL): number {
  return Number(proxy.port) || (DEFAULT_PORTS[proxy.protocol] ?? 0);
}

/**
 * The routes of a PAC result (Chromium's `ProxyList::ToPacString`: `DIRECT`, `PROXY h:p`, `HTTPS h:p`,
 * `SOCKS5 h:p`, separated by `;`). SOCKS4 (`SOCKS`, `SOCKS4`) and QUIC proxies are skipped: undici speaks
 * neither. An answer with no usable entry is an error, never a silent direct connection.
 */
export function parsePacResult(result: string): ProxyRoute[] {
  const routes: ProxyRoute[] = [];
  for (const entry of result.split(';')) {
    const [keyword = '', server, ...rest] = entry.trim().split(/\s+/);
    if (keyword.toUpperCase() === 'DIRECT' && server === undefined) {
      routes.push({ kind: 'direct' });
      continue;
    }
    const scheme = PAC_SCHEMES[keyword.toUpperCase()];
    if (!scheme || !server || rest.length > 0) continue;
    const proxy = URL.parse(`${scheme}//${server}`);
    if (!proxy || !['', '/'].includes(proxy.pathname) || proxy.username || proxy.search || proxy.hash)
      continue;
    routes.push({ kind: 'proxy', proxy });
  }
  if (routes.length === 0) throw new ProxyConfigurationError(`no usable proxy in "${result.slice(0, 200)}"`);
  return routes;
}

/**
 * Routes from the system's proxy resolution (Electron: `session.resolveProxy`, which also evaluates PAC
 * scripts), with Basic credentials for a proxy where `credentials` knows them.
 */
export function pacRoutes(resolveProxy: ResolveProxy, credentials?: ProxyCredentials): ProxyRoutes {
  return async (url) => {
    const routes = parsePacResult(await resolveProxy(url));
    if (!credentials) return routes;
    return Promise.all(
      routes.map(async (route) => {
        if (route.kind === 'direct') return route;
        const known = await credentials({ host: route.proxy.hostname, port: proxyPort(route.proxy) });
        if (!known) return route;
        const proxy = new URL(route.proxy);
        proxy.username = encodeURIComponent(known.username);
        proxy.password = encodeURIComponent(known.password);
        return { kind: 'proxy', proxy } satisfies ProxyRoute;
      }),
    );
  };
}

const ENV_SCHEMES = new Set(['http:', 'https:', 'socks5:', 'socks5h:']);

/**
 * Routes from the process environment, as curl and most command-line tools read it: `HTTPS_PROXY` for
 * https:// URLs, `HTTP_PROXY` for http://, `ALL_PROXY` for both, hosts in `NO_PROXY` directly (lower-case
 * names win). Credentials in the proxy URL (`http://user:password@proxy:3128`) are sent as Basic.
 */
export function envRoutes(): ProxyRoutes {
  return async (url) => {
    const configured = getProxyForUrl(url);
    if (!configured) return [{ kind: 'direct' }];
    const proxy = new URL(configured);
    if (!ENV_SCHEMES.has(proxy.protocol))
      throw new ProxyConfigurationError(
        `proxy scheme ${proxy.protocol} is not supported (http, https, socks5)`,
      );
    if (proxy.protocol === 'socks5h:') proxy.protocol = 'socks5:';
    return [{ kind: 'proxy', proxy }];
  };
}

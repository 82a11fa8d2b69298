import { isIP } from 'node:net';
import { isAppUrl } from './origin.js';

/**
 * Chromium's Local Network Access permissions (Electron 45 names all three: the original combined one and
 * the split into local network and loopback).
 */
export const localNetworkPermissions = ['local-network-access', 'local-network', 'loopback-network'] as const;
export type LocalNetworkPermission = (typeof localNetworkPermissions)[number];

export function isLocalNetworkPermission(permission: string): permission is LocalNetworkPermission {
  return (localNetworkPermissions as readonly string[]).includes(permission);
}

/** The address spaces of Local Network Access: the machine itself, the local network, the internet. */
export type AddressSpace = 'loopback' | 'local' | 'public';

function ipv4Parts(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** Which space an IP address belongs to (IPv4, IPv6, IPv4-mapped IPv6). */
export function addressSpaceOf(ip: string): AddressSpace {
  const version = isIP(ip);
  if (version === 4) {
    const [a, b] = ipv4Parts(ip) as [number, number];
    if (a === 127 || ip === '0.0.0.0') return 'loopback';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'local';
    // Link-local, and carrier-grade NAT space that company networks use as well.
    if ((a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) return 'local';
    return 'public';
  }
  if (version === 6) {
    const lower = ip.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return addressSpaceOf(mapped[1]!);
    if (lower === '::1' || lower === '::') return 'loopback';
    // Unique local (fc00::/7) and link-local (fe80::/10).
    if (/^f[cd][0-9a-f]{0,2}:/.test(lower) || /^fe[89ab][0-9a-f]?:/.test(lower)) return 'local';
    return 'public';
  }
  return 'public';
}

export type LookupAll = (host: string) => Promise<{ address: string }[]>;

/** The spaces the hosts of these URLs resolve into; a host that does not resolve counts as nothing. */
export async function addressSpacesOf(
  urls: readonly string[],
  lookup: LookupAll,
): Promise<Set<AddressSpace>> {
  const spaces = new Set<AddressSpace>();
  await Promise.all(
    urls.map(async (url) => {
      let host: string;
      try {
        host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      } catch {
        return;
      }
      if (host === 'localhost' || host.endsWith('.localhost')) return void spaces.add('loopback');
      const addresses = isIP(host) ? [{ address: host }] : await lookup(host).catch(() => []);
      for (const { address } of addresses) spaces.add(addressSpaceOf(address));
    }),
  );
  return spaces;
}

/**
 * Whether to grant a Local Network Access permission.
 *
 * Why: Chromium now gates WebSockets from a page to private and loopback addresses behind this permission,
 * so an on-premises SIP edge (wss:// on 10.x, 192.168.x, 127.x) would be refused while the app's own origin
 * is treated as a public one. But the permission is per requesting origin: the handler never learns which
 * address a connection goes to. So it is granted only to the app's own origin, and only while one of the
 * app's own endpoints (the policy's SIP edge and provider API, or the saved account's SIP edge) lies in that
 * space; which hosts the page may reach at all is the CSP's `connect-src` (platform/csp.ts), which names
 * those endpoints. Where every endpoint is public, nothing local is granted.
 */
export function decideLocalNetworkPermission(
  permission: LocalNetworkPermission,
  requestingUrl: string,
  endpointSpaces: ReadonlySet<AddressSpace>,
): boolean {
  if (!isAppUrl(requestingUrl)) return false;
  switch (permission) {
    case 'loopback-network':
      return endpointSpaces.has('loopback');
    case 'local-network':
      return endpointSpaces.has('local');
    case 'local-network-access':
      return endpointSpaces.has('loopback') || endpointSpaces.has('local');
  }
}

/**
 * Keeps the address spaces of the app's endpoints at hand: requests (asynchronous) resolve them again,
 * checks (synchronous) use the last answer. `refresh` after the policy or the SIP account changed.
 */
export function createLocalNetworkGate(endpoints: () => Promise<string[]>, lookup: LookupAll) {
  let spaces: ReadonlySet<AddressSpace> = new Set();
  const refresh = async () => {
    spaces = await addressSpacesOf(await endpoints(), lookup);
  };
  return {
    refresh,
    async request(permission: LocalNetworkPermission, requestingUrl: string): Promise<boolean> {
      await refresh().catch(() => undefined);
      return decideLocalNetworkPermission(permission, requestingUrl, spaces);
    },
    check(permission: LocalNetworkPermission, requestingOrigin: string): boolean {
      return decideLocalNetworkPermission(permission, requestingOrigin, spaces);
    },
  };
}
export type LocalNetworkGate = ReturnType<typeof createLocalNetworkGate>;

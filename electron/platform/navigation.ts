import { isAppUrl } from './origin.js';

/** An https web page without credentials in it, or null. */
export function webPageUrl(url: string): URL | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || !parsed.hostname) return null;
  return parsed;
}

/**
 * Whether a link the window asks for may go to the system browser: https only, and only to a host IT
 * named (the sign-in issuer's, or the policy's `openExternalAllowList`), so that a compromised renderer
 * cannot send the person to a look-alike page through the app.
 */
export function isAllowedExternalUrl(url: string, allowedHosts: readonly string[]): boolean {
  const page = webPageUrl(url);
  return page !== null && allowedHosts.some((host) => host.toLowerCase() === page.hostname.toLowerCase());
}

/** The hosts links may open in the browser: the issuer's and the policy's allow-list. */
export function externalHosts(policy: {
  provider?: { issuer: string } | null;
  openExternalAllowList: readonly string[];
}): string[] {
  const issuer = policy.provider ? webPageUrl(policy.provider.issuer) : null;
  return [...(issuer ? [issuer.hostname] : []), ...policy.openExternalAllowList];
}

/** will-navigate: the one window never leaves the app; in-app routing does not navigate. */
export function decideNavigation(url: string): 'allow' | 'deny' {
  return isAppUrl(url) ? 'allow' : 'deny';
}

/** setWindowOpenHandler: no new windows, ever; allowed links open in the system browser instead. */
export function decideWindowOpen(
  url: string,
  allowedHosts: readonly string[],
): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isAllowedExternalUrl(url, allowedHosts) };
}

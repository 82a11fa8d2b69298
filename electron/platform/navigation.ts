import { isAppUrl } from './origin.js';

/** Schemes the system may open for the user (links in the app to web pages and e-mail). */
const externalSchemes = new Set(['https:', 'mailto:']);

/** Whether a URL may be handed to the system browser or mail client. */
export function isAllowedExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!externalSchemes.has(parsed.protocol)) return false;
  if (parsed.username || parsed.password) return false;
  return parsed.protocol === 'mailto:' || parsed.hostname.length > 0;
}

/** will-navigate: the one window never leaves the app; in-app routing does not navigate. */
export function decideNavigation(url: string): 'allow' | 'deny' {
  return isAppUrl(url) ? 'allow' : 'deny';
}

/** setWindowOpenHandler: no new windows, ever; allowed links open in the system browser instead. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isAllowedExternalUrl(url) };
}

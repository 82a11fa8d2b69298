import type { Session } from 'electron';
import type { ResolveProxy } from '../net/proxy-routes.js';

/**
 * The proxy Chromium uses for a URL, for main's HTTP client (electron/net/http-client.ts): the operating
 * system's settings (Windows and macOS proxy settings, GNOME/KDE or the environment on Linux), a PAC script
 * or WPAD included, and `--proxy-server` if the app was started with it. The renderer's own connections
 * (the SIP edge's wss://, TURN over TCP/TLS) follow the same session's proxy without any code of ours.
 */
export function sessionProxyResolver(session: Pick<Session, 'resolveProxy'>): ResolveProxy {
  return (url) => session.resolveProxy(url);
}

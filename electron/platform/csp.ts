/**
 * The Content-Security-Policy of the app's pages. Scripts, styles and fonts come only from the app
 * itself; network access is limited to secure WebSockets (SIP over WSS), and to the given origins when
 * policy names them.
 */
export function contentSecurityPolicy(options: { wssOrigins?: string[] }): string {
  const origins = options.wssOrigins ?? [];
  for (const origin of origins) {
    const url = new URL(origin);
    if (url.protocol !== 'wss:' || url.origin !== origin) throw new Error(`not a wss:// origin: ${origin}`);
  }
  const connect = origins.length > 0 ? origins.join(' ') : 'wss:';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${connect}`,
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "frame-src 'none'",
    "object-src 'none'",
  ].join('; ');
}

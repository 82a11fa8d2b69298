/**
 * Where the app's pages may connect: the SIP edges it may use (exact `wss://` origins), or, for the
 * baseline policy in renderer/index.html that the served policy narrows, any secure WebSocket.
 */
export type ConnectOrigins = readonly string[] | 'any-wss';

/**
 * The Content-Security-Policy of the app's pages. Scripts, styles and fonts come only from the app itself;
 * network access is limited to the given secure WebSocket origins (none: the app itself only). As a
 * `meta` tag it leaves out `frame-ancestors`, which only a header can carry.
 */
export function contentSecurityPolicy(options: {
  connect: ConnectOrigins;
  delivery?: 'header' | 'meta';
}): string {
  const { connect } = options;
  if (connect !== 'any-wss')
    for (const origin of connect) {
      const url = new URL(origin);
      if (url.protocol !== 'wss:' || url.origin !== origin) throw new Error(`not a wss:// origin: ${origin}`);
    }
  const sources = connect === 'any-wss' ? ['wss:'] : [...new Set(connect)];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "media-src 'self' blob: mediastream:",
    ["connect-src 'self'", ...sources].join(' '),
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    ...(options.delivery === 'meta' ? [] : ["frame-ancestors 'none'"]),
    "frame-src 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The wss:// origin of a SIP edge URL, or null for anything else. */
export function wssOriginOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'wss:' && parsed.hostname !== '' ? parsed.origin : null;
  } catch {
    return null;
  }
}

const META = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/;

/** The `<meta>` tag that carries a policy in a page. */
export function policyMetaTag(policy: string): string {
  return `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
}

/** The policy of a page's meta tag, or null without one. */
export function pagePolicy(html: string): string | null {
  return META.exec(html)?.[1] ?? null;
}

/**
 * A page as served: its baseline policy tag (renderer/index.html) replaced by the policy in force, so that
 * the page carries the same policy as its header and can read which servers it may reach. A page without
 * the tag is not the app's: refused.
 */
export function servePolicyInPage(html: string, headerPolicy: string): string {
  if (!META.test(html)) throw new Error('the page has no Content-Security-Policy meta tag');
  const meta = headerPolicy
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
  return html.replace(META, policyMetaTag(meta));
}

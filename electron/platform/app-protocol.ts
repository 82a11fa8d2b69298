import { extname, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './origin.js';

/** How the app:// scheme is registered: a standard, secure origin; CSP is never bypassed. */
export const privilegedSchemes = [
  {
    scheme: APP_SCHEME,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      bypassCSP: false,
      corsEnabled: false,
      stream: true,
    },
  },
] as const;

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp3': 'audio/mpeg',
};

/**
 * Maps an app:// URL to a file inside the renderer build, or null. Traversal out of the root (also
 * percent-encoded), other hosts, and NUL bytes are refused.
 */
export function resolveAppAsset(
  requestUrl: string,
  rootDir: string,
): { filePath: string; mimeType: string } | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const root = resolve(rootDir);
  const filePath = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  if (!filePath.startsWith(root + sep)) return null;
  const mimeType = mimeTypeOf(filePath);
  return mimeType ? { filePath, mimeType } : null;
}

/** The content type of a renderer file, or null for types the app does not serve. */
export function mimeTypeOf(filePath: string): string | null {
  return mimeTypes[extname(filePath).toLowerCase()] ?? null;
}

/** Headers of every app:// response. */
export function appResponseHeaders(csp: string, mimeType: string): Record<string, string> {
  return {
    'Content-Type': mimeType,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy':
      'microphone=(self), camera=(), geolocation=(), display-capture=(), usb=(), serial=(), hid=()',
  };
}

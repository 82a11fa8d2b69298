import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { LOOPBACK_CALLBACK_PATH } from '../../shared/provider/broker.js';
import { listenOnLoopback } from '../net/listen-on-loopback.js';
import { SignInError } from './sign-in-errors.js';

/** The texts of the page the browser shows after the redirect, in the app's language. */
const PAGES = {
  en: {
    lang: 'en',
    done: 'Sign-in complete',
    failed: 'Sign-in not completed',
    body: 'You can close this tab and return to Secure Softphone.',
  },
  de: {
    lang: 'de',
    done: 'Anmeldung abgeschlossen',
    failed: 'Anmeldung nicht abgeschlossen',
    body: 'Sie können diesen Tab schließen und zu Secure Softphone zurückkehren.',
  },
} as const;

export type PageLanguage = keyof typeof PAGES;

function page(language: PageLanguage, ok: boolean): { html: string; nonce: string } {
  const texts = PAGES[language];
  const nonce = randomBytes(16).toString('base64');
  const title = ok ? texts.done : texts.failed;
  const html = `<!doctype html>
<html lang="${texts.lang}">
<head><meta charset="utf-8"><title>${title}</title>
<style nonce="${nonce}">body{font-family:system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>
</head>
<body><main><h1>${title}</h1><p>${texts.body}</p></main>
<script nonce="${nonce}">window.close();</script>
</body>
</html>`;
  return { html, nonce };
}

export interface LoopbackRedirect {
  /** `http://127.0.0.1:PORT/callback`, the redirect URI of this sign-in. */
  redirectUri: string;
  /** The first request to /callback, as a URL; rejects when the listener is closed before it came. */
  callback: Promise<URL>;
  close(): void;
}

/** Listens on the first free port of `ports` (IdPs that match redirect URIs exactly), or on one the OS picks. */
async function listenOnFirstFree(server: Server, ports: readonly number[]): Promise<number> {
  if (ports.length === 0) return listenOnLoopback(server);
  for (const port of ports) {
    try {
      return await listenOnLoopback(server, port);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }
  throw new SignInError('loopback-unavailable', `the loopback ports ${ports.join(', ')} are all in use`);
}

/**
 * The loopback redirect listener of RFC 8252 section 7.3: 127.0.0.1 (never `localhost`) on a port the OS
 * picks, or the first free one of `ports`. It answers the first request to /callback with a page in the
 * app's language, and then closes.
 */
export async function listenForRedirect(
  language: () => PageLanguage,
  ports: readonly number[] = [],
): Promise<LoopbackRedirect> {
  let resolveCallback!: (url: URL) => void;
  let rejectCallback!: (error: Error) => void;
  const callback = new Promise<URL>((resolve, reject) => {
    resolveCallback = resolve;
    rejectCallback = reject;
  });
  // The caller may close before awaiting; the rejection is then nobody's business.
  callback.catch(() => undefined);
  let done = false;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== LOOPBACK_CALLBACK_PATH || done) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('not found');
      return;
    }
    done = true;
    const ok = url.searchParams.has('code') && !url.searchParams.has('error');
    const { html, nonce } = page(language(), ok);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`,
      'referrer-policy': 'no-referrer',
      connection: 'close',
    });
    res.end(html, () => close());
    resolveCallback(new URL(`${url.pathname}${url.search}`, redirectBase));
  });
  const close = () => {
    if (!done) {
      done = true;
      rejectCallback(new Error('the loopback listener was closed'));
    }
    server.close();
    server.closeIdleConnections();
  };
  const port = await listenOnFirstFree(server, ports);
  const redirectBase = `http://127.0.0.1:${port}`;
  return { redirectUri: `${redirectBase}${LOOPBACK_CALLBACK_PATH}`, callback, close };
}

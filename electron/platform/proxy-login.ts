import type { ProxyLoginRequest } from '../net/proxy-login.js';
import type { ProxyLogin } from '../net/proxy-sign-in.js';

type LoginListener = (
  event: { preventDefault(): void },
  webContents: unknown,
  details: { url: string },
  authInfo: { isProxy: boolean; host: string; port: number },
  callback: (username?: string, password?: string) => void,
) => void;

/** Electron's `app`, as far as its `login` event goes. */
export interface LoginEvents {
  on(event: 'login', listener: LoginListener): unknown;
}

/**
 * Chromium's proxy challenges (`app.on('login')` with `authInfo.isProxy`) are answered with the person's
 * proxy sign-in (electron/net/proxy-login.ts); without an answer the request is cancelled, as Chromium
 * does when a person cancels its own prompt. A server's own challenge keeps Electron's default (cancel):
 * the app's servers never ask for Basic credentials.
 */
export function answerProxyLogins(
  app: LoginEvents,
  respond: (request: ProxyLoginRequest) => Promise<ProxyLogin | null>,
  logError: (message: string, error: unknown) => void,
): void {
  app.on('login', (event, _webContents, details, authInfo, callback) => {
    if (!authInfo.isProxy) return;
    event.preventDefault();
    respond({ url: details.url, host: authInfo.host, port: authInfo.port }).then(
      (login) => (login ? callback(login.username, login.password) : callback()),
      (error: unknown) => {
        logError('Answering the proxy sign-in failed', error);
        callback();
      },
    );
  });
}

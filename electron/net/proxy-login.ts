import type { ProxyAuthenticator, ProxyLogin } from './proxy-sign-in.js';

/** Chromium asks for a proxy sign-in (Electron's `login` event with `authInfo.isProxy`). */
export interface ProxyLoginRequest {
  /** The URL of the request the proxy challenged. */
  url: string;
  host: string;
  port: number;
}

/** How long an answer counts as the one Chromium tried, when it asks again for the same request. */
export const ANSWER_MEMORY_MS = 60_000;

/**
 * Answers Chromium's own proxy challenges (the window's pages and WebSockets) from the proxy sign-in, as
 * main's HTTP client is answered. Chromium asks once per request and caches what works for the proxy; it
 * asks again for the same request only when the proxy refused the answer, so that second question is a
 * refusal of the credentials given, and the person is asked (saying so) instead of trying them again.
 */
export function createProxyLoginResponder(
  auth: ProxyAuthenticator,
  now: () => number = Date.now,
): (request: ProxyLoginRequest) => Promise<ProxyLogin | null> {
  const answered = new Map<string, { login: ProxyLogin; at: number }>();
  return async ({ url, host, port }) => {
    for (const [key, { at }] of answered) if (now() - at > ANSWER_MEMORY_MS) answered.delete(key);
    const key = `${host}:${port} ${url}`;
    const login = await auth.challenge({ host, port }, answered.get(key)?.login ?? null);
    if (login) answered.set(key, { login, at: now() });
    else answered.delete(key);
    return login;
  };
}

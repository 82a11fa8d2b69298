import { JSDOM } from 'jsdom';
import * as client from 'openid-client';
import { Secret, TOTP } from 'otpauth';
import { CookieJar } from 'tough-cookie';
import { Agent, fetch as undiciFetch } from 'undici';
import { APP_SCOPES, type TestAccount } from './login-broker.js';

/**
 * The app's side of the broker's sign-in, for Node tests: openid-client as the app uses it, and a
 * browser reduced to HTTP (cookies, redirects, forms) that drives the broker's pages by their labels.
 * Everything trusts the test CA and nothing else; certificate verification is never switched off.
 */

/** The app's loopback listener, as the app would open it (tests read the redirect instead of listening). */
export const TEST_REDIRECT_URI = 'http://127.0.0.1:49737/callback';

export interface Page {
  url: string;
  status: number;
  document: Document;
  title: string;
}

/** A fetch (for openid-client and for API calls) that trusts exactly the given CA. */
export function trustingFetch(caCertPem: string): { fetch: client.CustomFetch; close(): Promise<void> } {
  const dispatcher = new Agent({ connect: { ca: caCertPem } });
  return {
    fetch: (url, options) =>
      undiciFetch(url, { ...options, dispatcher } as Parameters<
        typeof undiciFetch
      >[1]) as unknown as Promise<Response>,
    close: () => dispatcher.close(),
  };
}

/** openid-client's configuration for the app's client, from discovery at the issuer. */
export async function discoverBroker(
  issuer: string,
  clientId: string,
  fetch: client.CustomFetch,
): Promise<client.Configuration> {
  const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), {
    [client.customFetch]: fetch,
  });
  config[client.customFetch] = fetch;
  return config;
}

/**
 * The system browser: keeps cookies per path, follows redirects, submits forms. It stops at the redirect to
 * the app's loopback URI and hands that to the "app" as a URL.
 */
export class TestBrowser {
  readonly #jar = new CookieJar();

  /** `redirectPrefix`: where the app's redirect begins (the app's own listener picks its port). */
  constructor(
    private readonly fetch: client.CustomFetch,
    private readonly redirectPrefix = TEST_REDIRECT_URI,
  ) {}

  /** Opens `url` (POSTs `form` to it) and follows redirects to a page, or to the app's callback. */
  async open(url: string, form?: URLSearchParams): Promise<Page | URL> {
    let next = url;
    let body = form;
    for (let hops = 0; hops < 20; hops += 1) {
      const response = await this.fetch(next, {
        method: body ? 'POST' : 'GET',
        headers: {
          cookie: await this.#jar.getCookieString(next),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: body?.toString(),
        redirect: 'manual',
      });
      for (const cookie of response.headers.getSetCookie()) await this.#jar.setCookie(cookie, next);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        const target = new URL(location, next);
        if (target.href.startsWith(this.redirectPrefix)) return target;
        next = target.href;
        body = undefined;
        continue;
      }
      const { document } = new JSDOM(await response.text()).window;
      return { url: next, status: response.status, document, title: document.title };
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }

  /** Fills fields found by their label text, and presses the button with that name. */
  async submit(page: Page, button: string, fields: Record<string, string> = {}): Promise<Page | URL> {
    const pressed = [...page.document.querySelectorAll('button')].find(
      (b) => b.textContent?.trim() === button,
    );
    const form = pressed?.form;
    if (!pressed || !form) throw new Error(`no button "${button}" on "${page.title}"`);
    const data = new URLSearchParams();
    for (const input of form.querySelectorAll('input')) if (input.name) data.set(input.name, input.value);
    for (const [labelText, value] of Object.entries(fields)) {
      const label = [...form.querySelectorAll('label')].find((l) => l.textContent?.trim() === labelText);
      const input = label?.control;
      if (!input || input.tagName !== 'INPUT' || !(input as HTMLInputElement).name)
        throw new Error(`no field labelled "${labelText}" on "${page.title}"`);
      data.set((input as HTMLInputElement).name, value);
    }
    if (pressed.name) data.set(pressed.name, pressed.value);
    return this.open(new URL(form.getAttribute('action') ?? '', page.url).href, data);
  }
}

export function asPage(result: Page | URL): Page {
  if (result instanceof URL) throw new Error(`expected a page, got the redirect ${result.href}`);
  return result;
}

export function asCallback(result: Page | URL): URL {
  if (!(result instanceof URL))
    throw new Error(`expected the redirect, got page "${result.title}" (${result.status})`);
  return result;
}

/** The current code of a TOTP seed (SHA-1, 6 digits, 30 s), as the person's authenticator app shows it. */
export function totpNow(seed: string): string {
  return new TOTP({ secret: Secret.fromBase32(seed), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
}

export interface Authorization {
  url: string;
  state: string;
  nonce: string;
  verifier: string;
}

/** The authorization request the app makes: PKCE S256, state, nonce, offline access; `params` add or override. */
export async function startAuthorization(
  config: client.Configuration,
  params: Record<string, string>,
): Promise<Authorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: TEST_REDIRECT_URI,
    scope: APP_SCOPES,
    prompt: 'consent',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url: url.href, state, nonce, verifier };
}

/** Redeems the callback's code with every check openid-client offers. */
export function redeem(config: client.Configuration, auth: Authorization, callback: URL) {
  return client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: auth.verifier,
    expectedState: auth.state,
    expectedNonce: auth.nonce,
    idTokenExpected: true,
  });
}

/** Signs the user in from a fresh browser: IdP hint, password, and the second factor the user has. */
export async function signIn(
  config: client.Configuration,
  fetch: client.CustomFetch,
  user: TestAccount,
  params: Record<string, string> = {},
) {
  const browser = new TestBrowser(fetch);
  const auth = await startAuthorization(config, { idp_hint: user.upstream, ...params });
  const login = asPage(await browser.open(auth.url));
  let result = await browser.submit(login, 'Sign in', {
    'User name': user.username,
    Password: user.password,
  });
  if (user.secondFactor === 'otp') {
    result = await browser.submit(asPage(result), 'Verify', {
      'Authentication code': totpNow(user.totpSecret!),
    });
  } else if (user.secondFactor === 'hwk') {
    result = await browser.submit(asPage(result), 'Use security key');
  }
  const callback = asCallback(result);
  return { browser, auth, callback, tokens: await redeem(config, auth, callback) };
}

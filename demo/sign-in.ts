import type { TestAccount } from '../e2e/provider/login-broker.js';
import { asCallback, asPage, TestBrowser, totpNow, trustingFetch } from '../e2e/provider/oidc-test-client.js';

/**
 * Signs the demo user in at the login broker the way a person does in the browser (the provider account,
 * user name and password, then the one-time code), and hands the broker's redirect to the app's loopback
 * listener: the app completes the sign-in as it would after the browser.
 */
export async function completeSignIn(authorizationUrl: string, user: TestAccount, caCertPem: string) {
  const { fetch, close } = trustingFetch(caCertPem);
  try {
    // The app's redirect URI is plain http on 127.0.0.1 (RFC 8252); the broker is https.
    const browser = new TestBrowser(fetch, 'http://127.0.0.1:');
    let page = asPage(await browser.open(authorizationUrl));
    if (page.document.querySelector('button[name="idp"]'))
      page = asPage(await browser.submit(page, 'Provider account'));
    let result = await browser.submit(page, 'Sign in', {
      'User name': user.username,
      Password: user.password,
    });
    if (user.secondFactor === 'otp')
      result = await browser.submit(asPage(result), 'Verify', {
        'Authentication code': totpNow(user.totpSecret!),
      });
    const callback = asCallback(result);
    // Plain HTTP on loopback, to the app's own listener.
    const response = await globalThis.fetch(callback.href, { redirect: 'manual' });
    await response.body?.cancel();
    if (response.status >= 400) throw new Error(`the app's sign-in listener answered ${response.status}`);
  } finally {
    await close();
  }
}

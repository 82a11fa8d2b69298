import type { Page } from 'playwright-core';
import { expect, test } from './support/fixtures.js';
import { createSipUser, enterSipAccount, expectRegistered } from './support/phone.js';
import { readStackState } from './support/stack-state.js';

/** The page's Content-Security-Policy as its meta tag says it, and as the response header said it. */
async function policies(page: Page): Promise<{ meta: string | null; header: string | null }> {
  const response = await page.reload();
  return {
    meta: await page
      .locator('meta[http-equiv="Content-Security-Policy"]')
      .getAttribute('content', { timeout: 1000 }),
    header: (await response?.headerValue('content-security-policy')) ?? null,
  };
}

const connectSrc = (policy: string | null) =>
  policy
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('connect-src '));

/** Opens a WebSocket from the page and reports whether the policy refused it. */
function blockedByPolicy(page: Page, url: string): Promise<boolean> {
  return page.evaluate(
    (target) =>
      new Promise<boolean>((resolve) => {
        const onViolation = (event: SecurityPolicyViolationEvent) => {
          if (!event.blockedURI.startsWith(target.slice(0, 12))) return;
          document.removeEventListener('securitypolicyviolation', onViolation);
          resolve(true);
        };
        document.addEventListener('securitypolicyviolation', onViolation);
        let socket: WebSocket;
        try {
          socket = new WebSocket(target);
        } catch {
          // Chromium throws a SecurityError at once for a connect-src violation, after the event.
          return;
        }
        // The connection attempt itself (to a closed port) ends with close: the policy let it through.
        socket.addEventListener('close', () => {
          document.removeEventListener('securitypolicyviolation', onViolation);
          resolve(false);
        });
      }),
    url,
  );
}

test('the page carries the policy in its meta tag and header: only the provider’s SIP edge', async ({
  openApp,
}) => {
  const { page } = await openApp({
    policy: {
      provider: {
        issuer: 'https://127.0.0.1:9/',
        clientId: 'softphone',
        wssUrl: 'wss://127.0.0.1:9/ws',
        apiBaseUrl: 'https://127.0.0.1:9/',
      },
      allowManualSipAccount: true,
    },
  });
  const { meta, header } = await policies(page);
  expect(connectSrc(header)).toBe("connect-src 'self' wss://127.0.0.1:9");
  expect(connectSrc(meta)).toBe(connectSrc(header));
  expect(header).toContain("frame-ancestors 'none'");
  expect(meta).not.toContain('frame-ancestors');
  expect(await blockedByPolicy(page, 'wss://127.0.0.2:9/ws')).toBe(true);
  expect(await blockedByPolicy(page, 'wss://127.0.0.1:9/ws')).toBe(false);
});

test('a manual account on a new server: the page reloads with a policy that names it, and registers', async ({
  openApp,
}) => {
  const state = readStackState();
  const user = await createSipUser('csp');
  const { page } = await openApp();
  // No provider, no account yet: no SIP server at all.
  expect(connectSrc((await policies(page)).header)).toBe("connect-src 'self'");
  const reloaded = page.waitForEvent('load');
  await enterSipAccount(page, user);
  await reloaded;
  await expectRegistered(page);
  const { meta, header } = await policies(page);
  expect(connectSrc(header)).toBe(`connect-src 'self' ${new URL(state.wssUrl).origin}`);
  expect(connectSrc(meta)).toBe(connectSrc(header));
});

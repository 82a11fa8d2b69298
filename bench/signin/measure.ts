// Runs inside the loopback-only namespace (bench/signin.ts starts it there): the provider test stack with its
// login broker, one app instance in the browser shell, signing in and out RUNS times.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startProviderStack, type ProviderStack } from '../../e2e/provider/stack.js';
import { filePolicySource } from '../../electron/policy/source.js';
import { launchShell } from '../../e2e/shell/shell.js';
import { launchChromium } from '../../e2e/support/chromium.js';
import { percentile, type BenchReport } from '../report.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 10;

function registeredMarks(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByName('softphone:registered', 'mark')
      .map((mark) => performance.timeOrigin + mark.startTime),
  );
}

export async function measureSignIn(): Promise<BenchReport> {
  if (!existsSync(join(repoRoot, 'dist', 'renderer', 'index.html')))
    throw new Error('build the renderer first: npm run build:renderer');
  const runDir = await mkdtemp(join(tmpdir(), 'softphone-bench-signin-'));
  let stack: ProviderStack | null = null;
  let browser: Browser | null = null;
  try {
    stack = await startProviderStack(runDir);
    Object.assign(process.env, stack.keyring.env);
    // The Apple stand-in's user confirms with a security key: no TOTP period to wait for between runs.
    const user = stack.signInUsers.apple;
    const policyPath = join(runDir, 'policy.json');
    await writeFile(
      policyPath,
      JSON.stringify({
        extraCaCertificates: [stack.caCertPem],
        provider: {
          issuer: stack.broker.issuer,
          clientId: stack.broker.clientId,
          wssUrl: stack.kamailio.wssUrl,
          apiBaseUrl: stack.broker.apiBaseUrl,
        },
      }),
    );
    browser = await launchChromium({ home: stack.trustedHome });
    const shell = await launchShell({
      browser,
      policy: filePolicySource(policyPath),
      dataDir: join(runDir, 'app-data'),
      browserHome: stack.trustedHome,
      systemLocale: 'en-US',
      secretService: 'secure-softphone-bench-signin',
    });
    const samples: number[] = [];
    try {
      const { page, context } = shell;
      let callbackAt = 0;
      context.on('request', (request) => {
        if (/^http:\/\/127\.0\.0\.1:\d+\/callback\?/.test(request.url())) callbackAt = Date.now();
      });
      for (let run = 0; run < RUNS; run += 1) {
        const before = (await registeredMarks(page)).length;
        const opened = context.waitForEvent('page');
        await page.getByRole('button', { name: 'Continue with Apple' }).click();
        const broker = await opened;
        // The first run signs in; later ones find the broker's session and only confirm.
        const userName = broker.getByLabel('User name');
        const confirm = broker.getByRole('button', { name: 'Continue' });
        await userName.or(confirm).first().waitFor();
        if (await userName.isVisible()) {
          await userName.fill(user.username);
          await broker.getByLabel('Password').fill(user.password);
          await broker.getByRole('button', { name: 'Sign in' }).click();
          await broker.getByRole('button', { name: 'Use security key' }).click();
        } else {
          await confirm.click();
        }
        await page
          .waitForFunction(
            (count) => performance.getEntriesByName('softphone:registered', 'mark').length > count,
            before,
            { timeout: 15_000 },
          )
          .catch(async (error: unknown) => {
            const shown = await page.locator('main').innerText();
            throw new Error(`run ${run}: not registered; the app shows: ${shown}`, { cause: error });
          });
        const registeredAt = (await registeredMarks(page)).at(-1)!;
        samples.push(registeredAt - callbackAt);
        await page.getByRole('link', { name: 'Settings' }).click();
        await page.getByRole('button', { name: 'Sign out' }).click();
        await page.getByText('You are not signed in.').waitFor();
        await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      }
    } finally {
      await shell.close();
    }
    const ms = (value: number) => ({ value, unit: 'ms' });
    return {
      name: 'signin',
      runs: RUNS,
      metrics: {
        callback_to_registered_p50: ms(percentile(samples, 50)),
        callback_to_registered_p95: ms(percentile(samples, 95)),
      },
      notes: [
        `${RUNS} sign-ins with the Apple stand-in (password, then security key) and sign-outs, one app instance in the browser shell, broker and Kamailio on loopback`,
        'from the browser requesting the loopback /callback to the phone engine\'s "registered" mark: code exchange, ID token checks, keychain writes, SIP credentials from the provider API, REGISTER with its 401 round',
        'target: p50 < 500 ms',
      ],
    };
  } finally {
    await browser?.close();
    await stack?.stop();
    await rm(runDir, { recursive: true, force: true });
  }
}

// Run directly (inside the namespace): print the report as JSON for bench/signin.ts.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await measureSignIn();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

// Runs inside the loopback-only namespace (bench/signin.ts starts it there): the provider test stack with its
// login broker, one app instance per kind of issuer in the browser shell, signing in and out.
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { LoginBroker } from '../../e2e/provider/login-broker.js';
import { startProviderStack, type ProviderStack } from '../../e2e/provider/stack.js';
import { stackStateOf } from '../../e2e/support/stack-state.js';
import { filePolicySource } from '../../electron/policy/source.js';
import { launchShell } from '../../e2e/shell/shell.js';
import { launchChromium } from '../../e2e/support/chromium.js';
import { signInMarks } from '../../shared/domain/sign-in-marks.js';
import { percentile, type BenchReport } from '../report.js';
import { enterSipPassword, shapedKinds, startAt, startShapedIssuer } from './kinds.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 10;
/** Runs of each further kind: enough for a p50 on a shared machine. */
const KIND_RUNS = 5;

function registeredMarks(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    performance
      .getEntriesByName('softphone:registered', 'mark')
      .map((mark) => performance.timeOrigin + mark.startTime),
  );
}

/** The steps of a sign-in after the redirect, in order; main's marks are in this process, the page's in the page. */
const mainSteps = ['callback', 'tokens', 'checked', 'roles', 'sipAccount', 'signedIn'] as const;
const pageSteps = ['passwordAsked', 'passwordAnswered', 'register', 'registered'] as const;
type Step = (typeof mainSteps)[number] | (typeof pageSteps)[number];
const pageMarks: Record<(typeof pageSteps)[number], string> = {
  passwordAsked: signInMarks.passwordAsked,
  passwordAnswered: signInMarks.passwordAnswered,
  register: 'softphone:register',
  registered: 'softphone:registered',
};

/** When each step last happened (epoch ms), if it happened after `since`. */
async function stepTimes(page: Page, since: number): Promise<Partial<Record<Step, number>>> {
  const times: Partial<Record<Step, number>> = {};
  for (const step of mainSteps) {
    const mark = performance.getEntriesByName(signInMarks[step], 'mark').at(-1);
    const at = mark && performance.timeOrigin + mark.startTime;
    if (at !== undefined && at >= since) times[step] = at;
  }
  const inPage = await page.evaluate(
    (names) =>
      names.map((name) => {
        const mark = performance.getEntriesByName(name, 'mark').at(-1);
        return mark ? performance.timeOrigin + mark.startTime : null;
      }),
    pageSteps.map((step) => pageMarks[step]),
  );
  pageSteps.forEach((step, index) => {
    const at = inPage[index];
    if (typeof at === 'number' && at >= since) times[step] = at;
  });
  return times;
}

interface RunTimes {
  /** From the loopback /callback to "registered", without the time the app waited for the person. */
  total: number;
  /** The time the form for the SIP password waited for the person (0 when not asked). */
  person: number;
  /** Each step's time from the callback, the person's time taken off the steps after the answer. */
  steps: Partial<Record<Step, number>>;
}

type Shell = Awaited<ReturnType<typeof launchShell>>;

interface SignInRoute {
  /** Starts the sign-in and completes it at the issuer's pages (a known session only confirms). */
  signIn(shell: Shell): Promise<void>;
  /** What the person does after the redirect before the phone registers (none with the provider API). */
  afterCallback?(page: Page): Promise<void>;
}

/** Signs in and out `runs` times; the times from the loopback /callback to the "registered" mark. */
async function measureRuns(shell: Shell, route: SignInRoute, runs: number, label: string) {
  const samples: RunTimes[] = [];
  const { page, context } = shell;
  let callbackAt = 0;
  context.on('request', (request) => {
    if (/^http:\/\/127\.0\.0\.1:\d+\/callback\?/.test(request.url())) callbackAt = Date.now();
  });
  for (let run = 0; run < runs; run += 1) {
    const started = Date.now();
    const before = (await registeredMarks(page)).length;
    await route.signIn(shell);
    await route.afterCallback?.(page);
    await page
      .waitForFunction(
        (count) => performance.getEntriesByName('softphone:registered', 'mark').length > count,
        before,
        { timeout: 15_000 },
      )
      .catch(async (error: unknown) => {
        const shown = await page.locator('main').innerText();
        throw new Error(`${label} run ${run}: not registered; the app shows: ${shown}`, { cause: error });
      });
    const registeredAt = (await registeredMarks(page)).at(-1)!;
    const at = await stepTimes(page, started);
    const person =
      at.passwordAsked !== undefined && at.passwordAnswered !== undefined
        ? at.passwordAnswered - at.passwordAsked
        : 0;
    const steps: RunTimes['steps'] = {};
    for (const [step, time] of Object.entries(at) as [Step, number][])
      steps[step] =
        time - callbackAt - (at.passwordAnswered !== undefined && time >= at.passwordAnswered ? person : 0);
    samples.push({ total: registeredAt - callbackAt - person, person, steps });
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are not signed in.').waitFor();
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }
  return samples;
}

/** The broker's pages: the first run signs in (password, security key); later ones only confirm. */
async function completeWithSecurityKey(broker: Page, user: { username: string; password: string }) {
  const userName = broker.getByLabel('User name');
  const confirm = broker.getByRole('button', { name: 'Continue', exact: true });
  // Without an idp_hint (provider.kind generic) the broker asks which upstream sign-in first.
  const chooser = broker.getByRole('button', { name: 'Continue with Apple' });
  await userName.or(confirm).or(chooser).first().waitFor();
  if (await chooser.isVisible()) {
    await chooser.click();
    await userName.or(confirm).first().waitFor();
  }
  if (await userName.isVisible()) {
    await userName.fill(user.username);
    await broker.getByLabel('Password').fill(user.password);
    await broker.getByRole('button', { name: 'Sign in' }).click();
    await broker.getByRole('button', { name: 'Use security key' }).click();
  } else {
    await confirm.click();
  }
}

export async function measureSignIn(): Promise<BenchReport> {
  if (!existsSync(join(repoRoot, 'dist', 'renderer', 'index.html')))
    throw new Error('build the renderer first: npm run build:renderer');
  const runDir = await mkdtemp(join(tmpdir(), 'softphone-bench-signin-'));
  let stack: ProviderStack | null = null;
  let browser: Browser | null = null;
  const shapedIssuers: LoginBroker[] = [];
  try {
    stack = await startProviderStack(runDir);
    const started = stack;
    Object.assign(process.env, stack.keyring.env);
    browser = await launchChromium({ home: stack.trustedHome });
    const openApp = async (name: string, policy: object) => {
      const policyPath = join(runDir, `policy-${name}.json`);
      await writeFile(policyPath, JSON.stringify(policy));
      return launchShell({
        browser: browser!,
        policy: filePolicySource(policyPath),
        dataDir: join(runDir, `app-data-${name}`),
        browserHome: started.trustedHome,
        systemLocale: 'en-US',
        secretService: `secure-softphone-bench-signin-${name}`,
      });
    };
    // The Apple stand-in's user confirms with a security key: no TOTP period to wait for between runs.
    const user = stack.signInUsers.apple;
    const provider = {
      issuer: stack.broker.issuer,
      clientId: stack.broker.clientId,
      wssUrl: stack.kamailio.wssUrl,
      apiBaseUrl: stack.broker.apiBaseUrl,
    };
    const viaBroker: SignInRoute = {
      async signIn({ page, context }) {
        const opened = context.waitForEvent('page');
        await page.getByRole('button', { name: 'Continue with Apple' }).click();
        await completeWithSecurityKey(await opened, user);
      },
    };
    const samples: Record<string, RunTimes[]> = {};
    // The provider's broker as issuer (the default kind), and the same broker read as a generic issuer.
    for (const kind of ['broker', 'generic'] as const) {
      const shell = await openApp(kind, {
        extraCaCertificates: [stack.caCertPem],
        provider: { ...provider, kind },
      });
      try {
        samples[kind] = await measureRuns(shell, viaBroker, kind === 'broker' ? RUNS : KIND_RUNS, kind);
      } finally {
        await shell.close();
      }
    }
    const state = stackStateOf(stack);
    for (const kind of shapedKinds) {
      const issuer = await startShapedIssuer(kind, state);
      shapedIssuers.push(issuer.broker);
      const shell = await openApp(kind, issuer.policy);
      try {
        samples[kind] = await measureRuns(
          shell,
          {
            async signIn({ page, context }) {
              await completeWithSecurityKey(
                await startAt(page, issuer, context.waitForEvent('page')),
                issuer.person,
              );
            },
            afterCallback: (page) => enterSipPassword(page, issuer),
          },
          KIND_RUNS,
          kind,
        );
      } finally {
        await shell.close();
      }
    }
    const ms = (value: number) => ({ value, unit: 'ms' });
    const p50 = (values: number[]) => Math.round(percentile(values, 50));
    const stepNotes = Object.entries(samples).map(([kind, runs]) => {
      const steps = [...mainSteps, ...pageSteps].flatMap((step) => {
        const values = runs.flatMap((run) => (run.steps[step] === undefined ? [] : [run.steps[step]]));
        return values.length === 0 ? [] : [`${step} ${p50(values)}`];
      });
      const person = runs.map((run) => run.person);
      return `${kind} steps, p50 ms from the callback: ${steps.join(', ')}${
        person.some((value) => value > 0)
          ? `; the person's time at the password form (not counted) ${p50(person)}`
          : ''
      }`;
    });
    return {
      name: 'signin',
      runs: RUNS,
      metrics: Object.fromEntries(
        Object.entries(samples).flatMap(([kind, runs]) => {
          const prefix = kind === 'broker' ? '' : `${kind}_`;
          const values = runs.map((run) => run.total);
          return [
            [`${prefix}callback_to_registered_p50`, ms(percentile(values, 50))],
            [`${prefix}callback_to_registered_p95`, ms(percentile(values, 95))],
          ];
        }),
      ),
      notes: [
        `broker: ${RUNS} sign-ins with the Apple stand-in (password, then security key) and sign-outs, one app instance in the browser shell, broker and Kamailio on loopback; generic: the same broker as provider.kind generic, ${KIND_RUNS} runs`,
        'from the browser requesting the loopback /callback to the phone engine\'s "registered" mark: code exchange, ID token checks, keychain writes, SIP credentials from the provider API, REGISTER with its 401 round',
        `entra, google, okta, keycloak, auth0: the broker with each kind's token shapes (e2e/provider/login-broker-shapes.ts), no provider API, the SIP account from the policy's template; ${KIND_RUNS} runs each; the app asks for the line's password after each sign-in (a session secret): the time from the form's "password-asked" mark to its "password-answered" mark is the person's and is taken off`,
        ...stepNotes,
        'target: p50 < 500 ms with every kind',
      ],
    };
  } finally {
    await browser?.close();
    for (const broker of shapedIssuers) await broker.stop();
    await stack?.stop();
    await rm(runDir, { recursive: true, force: true });
  }
}

// Run directly (inside the namespace): print the report as JSON for bench/signin.ts.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await measureSignIn();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

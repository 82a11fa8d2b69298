// Runs inside the loopback-only namespace (bench/calls.ts starts it there): the provider test stack, two
// app instances in the browser shell and two bare JsSIP pages, all in one Chromium, measured in turn.
import { build } from 'esbuild';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { filePolicySource } from '../../electron/policy/source.js';
import { digestHa1 } from '../../electron/sip/sip-account-service.js';
import { startProviderStack, type ProviderStack } from '../../e2e/provider/stack.js';
import { launchShell, type Shell } from '../../e2e/shell/shell.js';
import { launchChromium } from '../../e2e/support/chromium.js';
import { createSipUser, enterSipAccount, expectRegistered, type SipUser } from '../../e2e/support/phone.js';
import { STATE_ENV, stackStateOf, type StackState } from '../../e2e/support/stack-state.js';
import { percentile, type BenchReport } from '../report.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 20;
const BARE_ORIGIN = 'https://bare.bench';

/** Epoch milliseconds of the last User Timing mark with this name on the page. */
function lastMark(page: Page, name: string): Promise<number> {
  return page.evaluate((mark) => {
    const entries = performance.getEntriesByName(mark, 'mark');
    const last = entries[entries.length - 1];
    return last ? performance.timeOrigin + last.startTime : NaN;
  }, name);
}

function markCount(page: Page, name: string): Promise<number> {
  return page.evaluate((mark) => performance.getEntriesByName(mark, 'mark').length, name);
}

async function waitForMarks(page: Page, name: string, count: number): Promise<void> {
  await page.waitForFunction(
    ([mark, n]) => performance.getEntriesByName(mark as string, 'mark').length >= (n as number),
    [name, count] as const,
    { timeout: 15_000 },
  );
}

interface SetupSample {
  /** call() on the caller to `confirmed` on both sides. */
  total: number;
  /** call() to the INVITE arriving at the callee. */
  toIncoming: number;
  /** The INVITE arriving to answer() (the app renders its incoming-call card first). */
  toAnswer: number;
}

async function setupTime(caller: Page, callee: Page): Promise<SetupSample> {
  const started = await lastMark(caller, 'softphone:call');
  const incoming = await lastMark(callee, 'softphone:incoming');
  const answer = await lastMark(callee, 'softphone:answer');
  const confirmed = Math.max(
    await lastMark(caller, 'softphone:confirmed'),
    await lastMark(callee, 'softphone:confirmed'),
  );
  return { total: confirmed - started, toIncoming: incoming - started, toAnswer: answer - incoming };
}

interface Samples {
  registration: number[];
  setup: SetupSample[];
  setupStun: SetupSample[];
}

async function openApps(
  browser: Browser,
  state: StackState,
  runDir: string,
  users: [SipUser, SipUser],
): Promise<[Shell, Shell]> {
  const shells: Shell[] = [];
  for (const [index, user] of users.entries()) {
    const policyPath = join(runDir, `app-${index}-policy.json`);
    await writeFile(policyPath, JSON.stringify({ extraCaCertificates: [state.caCertPem] }));
    const shell = await launchShell({
      browser,
      policy: filePolicySource(policyPath),
      dataDir: join(runDir, `app-${index}-data`),
      browserHome: state.trustedHome,
      systemLocale: 'en-US',
      secretService: `secure-softphone-bench-${index}`,
    });
    await enterSipAccount(shell.page, user);
    await expectRegistered(shell.page);
    shells.push(shell);
  }
  return shells as [Shell, Shell];
}

/** Until sign-in exists, a reloaded app is used with its manually entered SIP account. */
async function continueWithoutSignIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await expectRegistered(page);
}

/** The callee answers as soon as the Answer button appears: what is measured is the app, not a person. */
async function autoAnswer(page: Page): Promise<void> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  // Each Answer button is pressed once, as a person would.
  await page.evaluate(() => {
    const pressed = new WeakSet<HTMLButtonElement>();
    new MutationObserver(() => {
      for (const button of document.querySelectorAll<HTMLButtonElement>('.call-dock button')) {
        if (button.textContent === 'Answer' && !pressed.has(button)) {
          pressed.add(button);
          button.click();
        }
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
}

async function appCalls(caller: Page, callee: Page, target: SipUser, runs: number): Promise<SetupSample[]> {
  await autoAnswer(callee);
  const samples: SetupSample[] = [];
  for (let run = 0; run < runs; run += 1) {
    const before = await markCount(callee, 'softphone:confirmed');
    const callerBefore = await markCount(caller, 'softphone:confirmed');
    await caller.getByLabel('Number or SIP address').fill(target.uri);
    await caller.getByRole('button', { name: 'Call', exact: true }).click();
    await waitForMarks(callee, 'softphone:confirmed', before + 1);
    await waitForMarks(caller, 'softphone:confirmed', callerBefore + 1);
    samples.push(await setupTime(caller, callee));
    await caller.getByRole('button', { name: 'Hang up' }).click();
    await caller.locator('.call-dock').waitFor({ state: 'detached' });
    await callee.locator('.call-dock').waitFor({ state: 'detached' });
  }
  return samples;
}

async function measureApp(
  browser: Browser,
  state: StackState,
  runDir: string,
  stunUrl: string,
): Promise<Samples> {
  // Lower-case user names: the test registrar lower-cases the user part of the GRUU it hands out, and
  // JsSIP (rightly, RFC 3261 19.1.4) compares user parts case-sensitively.
  const users: [SipUser, SipUser] = [
    await createSipUser('bencha', state.ctlSocket),
    await createSipUser('benchb', state.ctlSocket),
  ];
  const [a, b] = await openApps(browser, state, runDir, users);
  try {
    // Registration: each reload starts the app, which registers with the stored account.
    const registration: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      await a.page.reload();
      await waitForMarks(a.page, 'softphone:registered', 1);
      registration.push(
        (await lastMark(a.page, 'softphone:registered')) - (await lastMark(a.page, 'softphone:register')),
      );
    }
    await continueWithoutSignIn(a.page);
    const setup = await appCalls(a.page, b.page, users[1], RUNS);

    // The same calls with a STUN server that never answers, set by policy (applied live; reload to register again).
    for (const [index] of users.entries()) {
      await writeFile(
        join(runDir, `app-${index}-policy.json`),
        JSON.stringify({ extraCaCertificates: [state.caCertPem], iceServers: [{ urls: [stunUrl] }] }),
      );
    }
    for (const shell of [a, b]) {
      while (shell.services.policy().iceServers.length === 0)
        await new Promise((resolve) => setTimeout(resolve, 20));
      await shell.page.reload();
      await continueWithoutSignIn(shell.page);
    }
    const setupStun = await appCalls(a.page, b.page, users[1], Math.ceil(RUNS / 2));
    return { registration, setup, setupStun };
  } finally {
    await a.close();
    await b.close();
  }
}

async function measureBare(browser: Browser, state: StackState, stunUrl: string): Promise<Samples> {
  const bundle = await build({
    entryPoints: [join(repoRoot, 'bench', 'calls', 'bare-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const context = await browser.newContext();
  await context.route(`${BARE_ORIGIN}/**`, (route) =>
    route.fulfill({
      status: 200,
      contentType: route.request().url().endsWith('.js') ? 'text/javascript' : 'text/html',
      body: route.request().url().endsWith('.js') ? script : '<!doctype html><script src="bare.js"></script>',
    }),
  );
  try {
    const users = [
      await createSipUser('barea', state.ctlSocket),
      await createSipUser('bareb', state.ctlSocket),
    ];
    const pages = [await context.newPage(), await context.newPage()];
    for (const page of pages) page.on('pageerror', (error) => console.error(`bare page: ${error.message}`));
    const configOf = (user: SipUser, iceServers: RTCIceServer[]) => ({
      wssUrl: state.wssUrl,
      uri: user.uri,
      authorizationUser: user.username,
      ha1: digestHa1(user.username, state.sipDomain, user.password),
      realm: state.sipDomain,
      iceServers,
    });
    type BarePage = {
      bare: {
        register(config: unknown): Promise<void>;
        call(uri: string): void;
        hangupAll(): void;
        calls(): number;
      };
    };
    const register = (page: Page, user: SipUser, iceServers: RTCIceServer[]) =>
      page.evaluate(
        (config) => (window as unknown as BarePage).bare.register(config),
        configOf(user, iceServers),
      );
    for (const page of pages) await page.goto(`${BARE_ORIGIN}/index.html`);
    const [a, b] = pages as [Page, Page];

    const calls = async (runs: number) => {
      const samples: SetupSample[] = [];
      for (let run = 0; run < runs; run += 1) {
        const before = await markCount(b, 'softphone:confirmed');
        const callerBefore = await markCount(a, 'softphone:confirmed');
        await a.evaluate((uri) => (window as unknown as BarePage).bare.call(uri), users[1]!.uri);
        await waitForMarks(b, 'softphone:confirmed', before + 1);
        await waitForMarks(a, 'softphone:confirmed', callerBefore + 1);
        samples.push(await setupTime(a, b));
        await a.evaluate(() => (window as unknown as BarePage).bare.hangupAll());
        await b.waitForFunction(() => (window as unknown as BarePage).bare.calls() === 0);
      }
      return samples;
    };
    await register(a, users[0]!, []);
    await register(b, users[1]!, []);
    const setup = await calls(RUNS);
    await register(a, users[0]!, [{ urls: stunUrl }]);
    await register(b, users[1]!, [{ urls: stunUrl }]);
    const setupStun = await calls(Math.ceil(RUNS / 2));
    const registration: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      await register(a, users[0]!, []);
      registration.push(
        (await lastMark(a, 'softphone:registered')) - (await lastMark(a, 'softphone:register')),
      );
    }
    return { registration, setup, setupStun };
  } finally {
    await context.close();
  }
}

/** A UDP socket on loopback that swallows every STUN request: a STUN server that cannot be reached. */
async function blackholeStun(): Promise<{ url: string; close(): void }> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { url: `stun:127.0.0.1:${socket.address().port}`, close: () => socket.close() };
}

export async function measureCalls(): Promise<BenchReport> {
  if (!existsSync(join(repoRoot, 'dist', 'renderer', 'index.html')))
    throw new Error('build the renderer first: npm run build:renderer');
  const runDir = await mkdtemp(join(tmpdir(), 'softphone-bench-calls-'));
  let stack: ProviderStack | null = null;
  let browser: Browser | null = null;
  const stun = await blackholeStun();
  try {
    stack = await startProviderStack(runDir);
    Object.assign(process.env, stack.keyring.env);
    const state = stackStateOf(stack);
    // The e2e helpers that drive the app's UI read the stack's state from this file.
    const statePath = join(runDir, 'state.json');
    await writeFile(statePath, JSON.stringify(state));
    process.env[STATE_ENV] = statePath;
    browser = await launchChromium({ home: stack.trustedHome });
    const bare = await measureBare(browser, state, stun.url);
    const app = await measureApp(browser, state, runDir, stun.url);
    const ms = (value: number) => ({ value, unit: 'ms' });
    const ratio = (value: number) => ({ value, unit: 'x' });
    const p50 = (samples: number[]) => percentile(samples, 50);
    const p95 = (samples: number[]) => percentile(samples, 95);
    const total = (samples: SetupSample[]) => samples.map((sample) => sample.total);
    return {
      name: 'calls',
      runs: RUNS,
      metrics: {
        app_registration_p50: ms(p50(app.registration)),
        app_registration_p95: ms(p95(app.registration)),
        bare_registration_p50: ms(p50(bare.registration)),
        bare_registration_p95: ms(p95(bare.registration)),
        registration_ratio_p50: ratio(p50(app.registration) / p50(bare.registration)),
        app_setup_p50: ms(p50(total(app.setup))),
        app_setup_p95: ms(p95(total(app.setup))),
        bare_setup_p50: ms(p50(total(bare.setup))),
        bare_setup_p95: ms(p95(total(bare.setup))),
        setup_ratio_p50: ratio(p50(total(app.setup)) / p50(total(bare.setup))),
        app_call_to_incoming_p50: ms(p50(app.setup.map((sample) => sample.toIncoming))),
        bare_call_to_incoming_p50: ms(p50(bare.setup.map((sample) => sample.toIncoming))),
        app_incoming_to_answer_p50: ms(p50(app.setup.map((sample) => sample.toAnswer))),
        app_setup_unreachable_stun_p50: ms(p50(total(app.setupStun))),
        bare_setup_unreachable_stun_p50: ms(p50(total(bare.setupStun))),
      },
      notes: [
        `${RUNS} registrations and ${RUNS} calls each (${Math.ceil(RUNS / 2)} with the unreachable STUN server), app and bare JsSIP page in the same Chromium, Kamailio over WSS on loopback`,
        'setup = call() on the caller to confirmed on both sides (User Timing marks); the app callee answers as soon as its Answer button appears (incoming_to_answer: rendering the incoming-call card), the bare page inside its newRTCSession handler',
        'targets: app/bare ratio <= 1.10, app setup p50 < 400 ms, < 1500 ms with an unreachable STUN server',
      ],
    };
  } finally {
    stun.close();
    await browser?.close();
    await stack?.stop();
    await rm(runDir, { recursive: true, force: true });
  }
}

// Run directly (inside the namespace): print the report as JSON for bench/calls.ts.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await measureCalls();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

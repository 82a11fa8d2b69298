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
import { startBaresip } from '../../e2e/support/baresip.js';
import { launchChromium } from '../../e2e/support/chromium.js';
import { startLinphone } from '../../e2e/support/linphone.js';
import { createSipUser, enterSipAccount, expectRegistered, type SipUser } from '../../e2e/support/phone.js';
import { STATE_ENV, stackStateOf, type StackState } from '../../e2e/support/stack-state.js';
import { percentile, type BenchReport } from '../report.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 20;
/** A registration takes ~12 ms, and its p50 over 20 moved by ±10% from run to run: twice as many. */
const REGISTRATIONS = 2 * RUNS;
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

/**
 * Resolves once the page has `count` marks of this name. A PerformanceObserver in the page reports them:
 * polling on every animation frame would make the page draw frames throughout the measured setup, which
 * costs a page with a real UI far more than a blank one.
 */
async function waitForMarks(page: Page, name: string, count: number): Promise<void> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  await page.evaluate(
    ([mark, n]) =>
      new Promise<void>((resolve, reject) => {
        if (performance.getEntriesByName(mark, 'mark').length >= n) return resolve();
        const timer = setTimeout(() => reject(new Error(`no ${n}. ${mark} within 15 s`)), 15_000);
        const observer = new PerformanceObserver(() => {
          if (performance.getEntriesByName(mark, 'mark').length < n) return;
          observer.disconnect();
          clearTimeout(timer);
          resolve();
        });
        observer.observe({ type: 'mark' });
      }),
    [name, count] as const,
  );
}

interface SetupSample {
  /**
   * call() on the caller to `confirmed` on both sides, less the time the callee rang before Answer was
   * pressed: that wait is the person's, not the phone's (the bare page answers in its handler and does not ring).
   */
  total: number;
  /** call() to the INVITE arriving at the callee. */
  toIncoming: number;
  /** The INVITE arriving to the callee ringing: its call card drawn, its ringtone playing (0 for the bare page). */
  toRinging: number;
}

async function setupTime(caller: Page, callee: Page): Promise<SetupSample> {
  const started = await lastMark(caller, 'softphone:call');
  const incoming = await lastMark(callee, 'softphone:incoming');
  const answer = await lastMark(callee, 'softphone:answer');
  // The bare page does not ring (no mark): it answers in its handler, at the INVITE.
  const rung = await lastMark(callee, 'bench:ringing');
  const ringing = Number.isNaN(rung) ? incoming : rung;
  const confirmed = Math.max(
    await lastMark(caller, 'softphone:confirmed'),
    await lastMark(callee, 'softphone:confirmed'),
  );
  const rang = answer - incoming;
  return { total: confirmed - started - rang, toIncoming: incoming - started, toRinging: ringing - incoming };
}

/** One way of phoning (the app, or the bare JsSIP page): two registered instances, measured in turn. */
interface Side {
  /**
   * The first instance calls a phone at `uri` that answers at once (through the edge's rtpengine); returns
   * call() to confirmed, and hangs up. Only the app's side has it.
   */
  callPhone?(uri: string): Promise<number>;
  /** Registers the first instance afresh; returns the time from starting to registered. */
  register(): Promise<number>;
  /** The first instance calls the second, which answers; the call is hung up afterwards. */
  call(): Promise<SetupSample>;
  /** Configures both instances with these ICE servers (STUN) and registers them again. */
  useIceServers(urls: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Until the person signs in, a reloaded app is used with its manually entered SIP account. */
async function continueWithoutSignIn(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Continue without signing in' }).click();
  await expectRegistered(page);
}

/**
 * The callee answers as a person does, once it rings: its call card drawn on screen and its ringtone heard
 * (its playback time moving on). Pressed while the card's first frame was still being drawn and the
 * ringtone's output still being opened, that ringing work held up opening the microphone (each of its
 * round trips to the browser waits for the page's main thread), which it never does when a person
 * answers. The time it rang is left out of the setup (setupTime). Armed for one call: the observer stops
 * once it has pressed Answer, so that it does not look through the page at every change while the call
 * is being connected (the bare page has no such observer).
 */
async function answerNextCall(page: Page): Promise<void> {
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  await page.evaluate(() => {
    const observer = new MutationObserver(() => {
      const button = [...document.querySelectorAll<HTMLButtonElement>('.call-panel button')].find(
        (candidate) => candidate.textContent === 'Answer',
      );
      if (!button) return;
      observer.disconnect();
      const drawn = new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      const tone = document.querySelector<HTMLAudioElement>('audio[data-tone="ringtone"]');
      const playing = new Promise((resolve) => {
        if (!tone?.paused) resolve(undefined);
        else tone.addEventListener('playing', resolve, { once: true });
      });
      void Promise.all([drawn, playing]).then(() => {
        performance.mark('bench:ringing');
        // A person answers having heard it ring: once the ringtone's playback time has moved on.
        if (tone) tone.addEventListener('timeupdate', () => button.click(), { once: true });
        else button.click();
      });
    });
    observer.observe(document.body, { childList: true, subtree: true });
  });
}

async function openAppSide(browser: Browser, state: StackState, runDir: string): Promise<Side> {
  // Lower-case user names: the test registrar lower-cases the user part of the GRUU it hands out, and
  // JsSIP (rightly, RFC 3261 19.1.4) compares user parts case-sensitively.
  const users = [
    await createSipUser('bencha', state.ctlSocket),
    await createSipUser('benchb', state.ctlSocket),
  ];
  const policyPath = (index: number) => join(runDir, `app-${index}-policy.json`);
  const writePolicy = (index: number, iceServers: string[]) =>
    writeFile(
      policyPath(index),
      JSON.stringify({
        extraCaCertificates: [state.caCertPem],
        ...(iceServers.length > 0 && { iceServers: [{ urls: iceServers }] }),
      }),
    );
  const shells: Shell[] = [];
  for (const [index, user] of users.entries()) {
    await writePolicy(index, []);
    const shell = await launchShell({
      browser,
      policy: filePolicySource(policyPath(index)),
      dataDir: join(runDir, `app-${index}-data`),
      browserHome: state.trustedHome,
      systemLocale: 'en-US',
      secretService: `secure-softphone-bench-${index}`,
    });
    shells.push(shell);
    await enterSipAccount(shell.page, user);
    await expectRegistered(shell.page);
  }
  const [a, b] = shells as [Shell, Shell];
  let signInSkipped = true;
  /** The first instance calls `uri`; resolves once its call is confirmed. */
  const dialFromPage = async (uri: string) => {
    if (!signInSkipped) {
      await continueWithoutSignIn(a.page);
      signInSkipped = true;
    }
    const callerBefore = await markCount(a.page, 'softphone:confirmed');
    await a.page.getByLabel('Number or SIP address').fill(uri);
    // Pressed from inside the page, as the bare page is called and the callee's Answer is pressed: the
    // mouse Playwright emulates (input over the DevTools protocol, hover and hit tests) would add about
    // 8 ms of harness work to the app's side of the measured setup.
    await a.page
      .getByRole('button', { name: 'Call', exact: true })
      .evaluate((button: HTMLButtonElement) => button.click());
    await waitForMarks(a.page, 'softphone:confirmed', callerBefore + 1);
  };
  const hangUp = async () => {
    await a.page.getByRole('button', { name: 'Hang up' }).click();
    await a.page.locator('.call-panel').waitFor({ state: 'detached' });
  };
  return {
    async register() {
      // Each reload starts the app, which registers with the stored account (behind the sign-in screen).
      await a.page.reload();
      signInSkipped = false;
      await waitForMarks(a.page, 'softphone:registered', 1);
      return (
        (await lastMark(a.page, 'softphone:registered')) - (await lastMark(a.page, 'softphone:register'))
      );
    },
    async call() {
      const calleeBefore = await markCount(b.page, 'softphone:confirmed');
      await answerNextCall(b.page);
      await dialFromPage(users[1]!.uri);
      await waitForMarks(b.page, 'softphone:confirmed', calleeBefore + 1);
      const sample = await setupTime(a.page, b.page);
      await hangUp();
      await b.page.locator('.call-panel').waitFor({ state: 'detached' });
      return sample;
    },
    async callPhone(uri) {
      await dialFromPage(uri);
      const setup =
        (await lastMark(a.page, 'softphone:confirmed')) - (await lastMark(a.page, 'softphone:call'));
      await hangUp().catch(async (error: unknown) => {
        // Seen once here: the card stayed after Hang up. Say which call, and what its card showed.
        const card = await a.page
          .locator('.call-panel')
          .innerText()
          .catch(() => '(none)');
        throw new Error(`the call to ${uri} did not end after Hang up; its card: ${card}`, { cause: error });
      });
      return setup;
    },
    async useIceServers(urls) {
      // Policy applies live; a reload registers again with it.
      for (const [index, shell] of [a, b].entries()) {
        await writePolicy(index, urls);
        while (shell.services.policy().iceServers.length === 0)
          await new Promise((resolve) => setTimeout(resolve, 20));
        await shell.page.reload();
        await continueWithoutSignIn(shell.page);
      }
      signInSkipped = true;
    },
    async close() {
      await a.close();
      await b.close();
    },
  };
}

async function openBareSide(browser: Browser, state: StackState): Promise<Side> {
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
  const users = [
    await createSipUser('barea', state.ctlSocket),
    await createSipUser('bareb', state.ctlSocket),
  ];
  const pages = [await context.newPage(), await context.newPage()];
  for (const page of pages) page.on('pageerror', (error) => console.error(`bare page: ${error.message}`));
  type BarePage = {
    bare: {
      register(config: unknown): Promise<void>;
      call(uri: string): void;
      hangupAll(): void;
      calls(): number;
    };
  };
  let iceServers: RTCIceServer[] = [];
  const register = (page: Page, user: SipUser) =>
    page.evaluate((config) => (window as unknown as BarePage).bare.register(config), {
      wssUrl: state.wssUrl,
      uri: user.uri,
      authorizationUser: user.username,
      ha1: digestHa1(user.username, state.sipDomain, user.password),
      realm: state.sipDomain,
      iceServers,
    });
  for (const page of pages) await page.goto(`${BARE_ORIGIN}/index.html`);
  const [a, b] = pages as [Page, Page];
  await register(a, users[0]!);
  await register(b, users[1]!);
  return {
    async register() {
      // A freshly loaded page, as the app registers after its reload: JsSIP's code runs cold in both.
      await a.reload();
      await register(a, users[0]!);
      return (await lastMark(a, 'softphone:registered')) - (await lastMark(a, 'softphone:register'));
    },
    async call() {
      const calleeBefore = await markCount(b, 'softphone:confirmed');
      const callerBefore = await markCount(a, 'softphone:confirmed');
      await a.evaluate((uri) => (window as unknown as BarePage).bare.call(uri), users[1]!.uri);
      await waitForMarks(b, 'softphone:confirmed', calleeBefore + 1);
      await waitForMarks(a, 'softphone:confirmed', callerBefore + 1);
      const sample = await setupTime(a, b);
      await a.evaluate(() => (window as unknown as BarePage).bare.hangupAll());
      await b.waitForFunction(() => (window as unknown as BarePage).bare.calls() === 0);
      return sample;
    },
    async useIceServers(urls) {
      iceServers = [{ urls }];
      await register(a, users[0]!);
      await register(b, users[1]!);
    },
    close: () => context.close(),
  };
}

interface Samples {
  registration: number[];
  setup: SetupSample[];
  setupStun: SetupSample[];
}

/** A phone of another SIP stack, registered at the edge over UDP, that answers every call at once. */
interface Phone {
  name: 'baresip' | 'linphone';
  uri: string;
}

/**
 * The app and the bare page take turns, run by run, and which of them goes first alternates: a load that
 * comes and goes on the machine falls on both alike instead of on whichever was measured at the time.
 */
async function measureSideBySide(
  app: Side,
  bare: Side,
  stunUrl: string,
  phones: Phone[],
): Promise<{ app: Samples; bare: Samples; phones: Record<Phone['name'], number[]> }> {
  const samples = {
    app: { registration: [], setup: [], setupStun: [] },
    bare: { registration: [], setup: [], setupStun: [] },
  } as {
    app: Samples;
    bare: Samples;
  };
  const inTurn = async (runs: number, measure: (side: Side, into: Samples) => Promise<void>) => {
    for (let run = 0; run < runs; run += 1) {
      const order: ['app' | 'bare', Side][] = [
        ['app', app],
        ['bare', bare],
      ];
      if (run % 2 === 1) order.reverse();
      for (const [name, side] of order) await measure(side, samples[name]);
    }
  };
  await inTurn(REGISTRATIONS, async (side, into) => void into.registration.push(await side.register()));
  await inTurn(RUNS, async (side, into) => void into.setup.push(await side.call()));
  // The app calls each phone in turn, through rtpengine (ICE/DTLS-SRTP to the app, plain RTP to the phone).
  const toPhones: Record<Phone['name'], number[]> = { baresip: [], linphone: [] };
  for (let run = 0; run < RUNS; run += 1)
    for (const phone of run % 2 === 0 ? phones : [...phones].reverse())
      toPhones[phone.name].push(await app.callPhone!(phone.uri));
  await app.useIceServers([stunUrl]);
  await bare.useIceServers([stunUrl]);
  await inTurn(Math.ceil(RUNS / 2), async (side, into) => void into.setupStun.push(await side.call()));
  return { ...samples, phones: toPhones };
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
    const bareSide = await openBareSide(browser, state);
    const appSide = await openAppSide(browser, state, runDir);
    const started: { stop(): Promise<void> }[] = [];
    let measured: Awaited<ReturnType<typeof measureSideBySide>>;
    try {
      const phoneUser = (prefix: string) => createSipUser(prefix, state.ctlSocket);
      const baresip = await startBaresip(join(runDir, 'baresip'), await phoneUser('bphone'), {
        answer: 'auto',
      });
      started.push(baresip);
      const linphone = await startLinphone(join(runDir, 'linphone'), await phoneUser('lphone'), {
        autoAnswer: true,
      });
      started.push(linphone);
      measured = await measureSideBySide(appSide, bareSide, stun.url, [
        { name: 'baresip', uri: baresip.user.uri },
        { name: 'linphone', uri: linphone.user.uri },
      ]);
    } finally {
      for (const phone of started) await phone.stop();
      await appSide.close();
      await bareSide.close();
    }
    const { app, bare, phones } = measured;
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
        app_incoming_to_ringing_p50: ms(p50(app.setup.map((sample) => sample.toRinging))),
        app_setup_unreachable_stun_p50: ms(p50(total(app.setupStun))),
        bare_setup_unreachable_stun_p50: ms(p50(total(bare.setupStun))),
        app_setup_to_baresip_p50: ms(p50(phones.baresip)),
        app_setup_to_linphone_p50: ms(p50(phones.linphone)),
      },
      notes: [
        `${REGISTRATIONS} registrations and ${RUNS} calls each (${Math.ceil(RUNS / 2)} with the unreachable STUN server), app and bare JsSIP page in the same Chromium taking turns run by run, Kamailio over WSS on loopback; each registration on a freshly loaded page (the app reloads, the bare page too)`,
        "setup = call() on the caller to confirmed on both sides (User Timing marks), less the time the callee rang before Answer was pressed; the app caller presses Call from inside the page, the app callee presses Answer as a person does, once it rings (its call card drawn, its ringtone heard; incoming_to_ringing: the INVITE to the card drawn and the ringtone playing), the bare page calls and answers inside its newRTCSession handler; both play the far end's audio",
        `setup_to_baresip/linphone: the app calls that phone ${RUNS} times (registered over UDP, answering at once; baresip-core 1.0, linphone-daemon 5.1), through the edge's rtpengine (ICE/DTLS-SRTP to the app, plain RTP to the phone); call() to confirmed on the app`,
        'targets: app/bare setup ratio <= 1.05, app setup p50 < 400 ms, < 1500 ms with an unreachable STUN server (the app waits up to 1 s for a reflexive candidate, the bare page sends with the first one)',
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

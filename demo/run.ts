import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Secret } from 'otpauth';
import { kamcmd } from '../e2e/provider/kamailio.js';
import type { TestAccount } from '../e2e/provider/login-broker.js';
import { totpNow } from '../e2e/provider/oidc-test-client.js';
import { startProviderStack, type ProviderStack } from '../e2e/provider/stack.js';
import { chooseDisplay, virtualScreenNote, type Display } from '../e2e/shell/display.js';
import { findElectronBinary } from '../e2e/support/electron-binary.js';
import { shellReason, startApp, type DemoApp } from './app.js';
import { buildIfChanged } from './build.js';
import { demoCommands } from './commands.js';
import { announce, answers, readAnnouncement, serveControl, withdraw } from './control.js';
import { chooseKeychain, type DemoKeychain } from './keychain.js';
import { createLifecycle, Stopped, waitFor, type Lifecycle } from './lifecycle.js';
import { DIRECTORY, startPeers, type Peers } from './peers.js';
import { completeSignIn } from './sign-in.js';
import { readyText } from './terminal.js';

/** The demo asks the status page this often, so that `--incident` shows within seconds. */
const STATUS_INTERVAL_MS = 10_000;
const DEMO_EXTENSION = '200';

const say = (text = '') => process.stdout.write(`${text}\n`);

export interface DemoOptions {
  locale: string | null;
  devtools: boolean;
}

/** Why the demo cannot start here (another one runs, programs are missing), or null. */
async function preflight(stateDir: string): Promise<string | null> {
  const earlier = await readAnnouncement(stateDir);
  if (earlier && (await answers(earlier)))
    return 'A demo is already running here: stop it with Ctrl+C in its terminal first.';
  const dirs = (process.env.PATH ?? '').split(delimiter);
  const needed = [
    'kamailio',
    'rtpengine',
    'baresip',
    'chromium',
    'dbus-daemon',
    'gnome-keyring-daemon',
    'Xvfb',
  ];
  const missing = needed.filter((name) => !dirs.some((dir) => existsSync(join(dir, name))));
  return missing.length > 0
    ? `Missing programs: ${missing.join(', ')}. Run \`source scripts/setup.sh\` (it installs them), then \`npm run demo\` again.`
    : null;
}

/** A sound server the computer's microphone and speakers are reached through (PulseAudio or PipeWire). */
function soundServer(): string | null {
  if (process.env.PULSE_SERVER) return process.env.PULSE_SERVER;
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (!runtime) return null;
  return (
    ['pulse/native', 'pipewire-0'].map((name) => join(runtime, name)).find((path) => existsSync(path)) ?? null
  );
}

/** The demo user: a provider account with a one-time code, an administrator (the Policy and Audit screens show). */
function addDemoUser(stack: ProviderStack): TestAccount {
  return stack.broker.addUser({
    username: 'dana',
    password: `dana-${new Secret({ size: 5 }).base32.toLowerCase()}`,
    upstream: 'provider',
    secondFactor: 'otp',
    totpSecret: new Secret({ size: 20 }).base32,
    roles: ['admin'],
    email: 'dana@demo.example',
    name: 'Dana Demo',
    sipUsername: DEMO_EXTENSION,
  });
}

interface Provider {
  stack: ProviderStack;
  keychain: DemoKeychain;
  user: TestAccount;
  peers: Peers;
}

/** The local provider with the demo user, the keychain the app uses, and the directory's phones. */
async function startProvider(lifecycle: Lifecycle, runDir: string): Promise<Provider> {
  say('Starting the local provider: SIP edge (Kamailio), media relay (rtpengine), sign-in and provider API…');
  const stack = await lifecycle.step(
    () => startProviderStack(runDir),
    (started) => started.stop(),
  );
  const keychain = await lifecycle.step(
    () => chooseKeychain(stack.keyring),
    async (chosen) => {
      if (chosen.kind === 'session') await chosen.clear();
    },
  );
  const user = addDemoUser(stack);
  const phones = Object.values(DIRECTORY).map((entry) => `${entry.extension} ${entry.name}`);
  say(`Starting the phones of the directory: ${phones.join(', ')}…`);
  const peers = await lifecycle.step(
    () => startPeers(runDir, stack),
    (started) => started.stop(),
  );
  return { stack, keychain, user, peers };
}

/** The app, with the directory in its contacts, signed in as the demo user and registered at the edge. */
async function startSignedInApp(
  lifecycle: Lifecycle,
  runDir: string,
  provider: Provider,
  display: Display,
  options: DemoOptions & { realDevices: boolean },
): Promise<DemoApp> {
  const { stack, user } = provider;
  const policyPath = join(runDir, 'policy.json');
  const policy = {
    provider: stack.broker.providerFor(stack.kamailio.wssUrl),
    extraCaCertificates: [stack.caCertPem],
  };
  await writeFile(policyPath, JSON.stringify(policy, null, 2));
  // The first sign-in completes by itself (so does every one in Electron, whose browser is the person's own);
  // in the browser shell, later ones (after Sign out) are the person's, on the broker's pages.
  let signingIn: Promise<void> | null = null;
  let runtime: DemoApp['runtime'] | null = null;
  let page: DemoApp['page'] | null = null;
  say('Starting the app…');
  const app = await lifecycle.step(
    () =>
      startApp({
        runDir,
        policyPath,
        browserHome: stack.trustedHome,
        systemLocale:
          options.locale ??
          /^[a-z]{2}(_[A-Z]{2})?/.exec(process.env.LANG ?? '')?.[0]?.replace('_', '-') ??
          'en-GB',
        chromiumArgs: display.kind === 'screen' ? display.chromiumArgs : [],
        mediaDevices: options.realDevices ? 'real' : 'fake',
        devtools: options.devtools,
        statusIntervalMs: STATUS_INTERVAL_MS,
        async openExternal(url) {
          if (url.startsWith(stack.broker.issuer) && (signingIn === null || runtime === 'electron')) {
            signingIn = completeSignIn(url, user, stack.caCertPem);
            signingIn.catch(() => undefined);
          } else if (page) await (await page.context().newPage()).goto(url);
        },
      }),
    (started) => started.stop(),
  );
  ({ runtime, page } = app);

  for (const [key, entry] of Object.entries(DIRECTORY)) {
    const organisation = key === 'echo' ? '' : 'Demo GmbH';
    const numbers = [{ label: 'work' as const, number: entry.extension }];
    await lifecycle.step(() =>
      app.invoke('contacts.create', {
        name: entry.name,
        organisation,
        numbers,
        note: entry.note,
        favourite: true,
      }),
    );
  }
  say('Signing in as the demo user…');
  await lifecycle.step(() => app.invoke('signIn.start', { method: 'provider' }));
  await waitFor(
    lifecycle,
    'The sign-in',
    async () => {
      if (signingIn) await signingIn;
      return (await app.invoke('signIn.state', undefined)).status === 'signed-in';
    },
    60_000,
  );
  const registered = async () =>
    (await kamcmd(stack.kamailio.ctlSocket, 'ul.lookup', 'location', `s:${DEMO_EXTENSION}`)).includes(
      'Contact',
    );
  await waitFor(lifecycle, 'The registration at the SIP edge', registered, 30_000);
  return app;
}

/** Starts everything, in order; each part is stopped again by the lifecycle. Returns what the terminal shows. */
async function startDemo(lifecycle: Lifecycle, runDir: string, stateDir: string, options: DemoOptions) {
  await lifecycle.step(() => buildIfChanged('path' in findElectronBinary(), () => say('Building the app…')));
  const provider = await startProvider(lifecycle, runDir);
  const display = await lifecycle.step(
    () => chooseDisplay(process.env),
    async (chosen) => {
      if (chosen.kind === 'virtual') await chosen.stop();
    },
  );
  if (display.kind === 'virtual') process.env.DISPLAY = display.name;
  const realDevices = display.kind === 'screen' && soundServer() !== null;
  const app = await startSignedInApp(lifecycle, runDir, provider, display, { ...options, realDevices });

  const socket = join(runDir, 'control.sock');
  const commands = demoCommands({ ...provider, app, statusIntervalMs: STATUS_INTERVAL_MS });
  await lifecycle.step(
    () => serveControl(socket, commands),
    (server) => new Promise((resolve) => server.close(resolve)),
  );
  const devtools = app.devtoolsUrl ? { devtoolsUrl: app.devtoolsUrl } : {};
  await lifecycle.step(
    () => announce(stateDir, { pid: process.pid, runDir, socket, ...devtools }),
    () => withdraw(stateDir, socket),
  );

  const { stack, user, keychain } = provider;
  return readyText({
    runtime:
      app.runtime === 'electron'
        ? { kind: 'electron' }
        : { kind: 'shell', reason: shellReason() ?? 'by choice' },
    user: {
      name: user.name,
      username: user.username,
      password: user.password,
      extension: DEMO_EXTENSION,
      code: totpNow(user.totpSecret!),
    },
    testDevices: realDevices
      ? null
      : display.kind === 'screen'
        ? 'No sound server here: the app hears a test beep instead of your microphone'
        : 'Without a screen the app hears a test beep instead of a microphone',
    virtualScreen:
      display.kind === 'virtual' ? virtualScreenNote(display, 'npm run demo -- --screenshot app.png') : null,
    privateKeychain: keychain.kind === 'private' ? keychain.reason : null,
    edge: { wssUrl: stack.kamailio.wssUrl, issuer: stack.broker.issuer },
    runDir,
  });
}

/**
 * `npm run demo`: the local provider, the directory's phones and the app, signed in as the demo user, until
 * Ctrl+C; then everything it started stops, also when starting failed half-way (its logs are kept then).
 */
export async function runDemo(options: DemoOptions, stateDir: string): Promise<never> {
  const problem = await preflight(stateDir);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  const lifecycle = createLifecycle();
  const runDir = await mkdtemp(join(tmpdir(), 'softphone-demo-'));
  let failed = false;
  try {
    say(await startDemo(lifecycle, runDir, stateDir, options));
    await lifecycle.stopRequested;
  } catch (error) {
    if (!(error instanceof Stopped)) {
      failed = true;
      console.error(
        `\nThe demo could not start: ${(error as Error).message ?? error}\nIts logs stay in ${runDir}.`,
      );
    }
  }
  say('\nStopping the demo…');
  setTimeout(() => {
    console.error('Stopping took more than 30 s; giving up.');
    process.exit(1);
  }, 30_000).unref();
  await lifecycle.teardown((error) => console.error(`While stopping: ${(error as Error).message ?? error}`));
  if (!failed) await rm(runDir, { recursive: true, force: true });
  say('Stopped: nothing the demo started is running.');
  process.exit(failed ? 1 : 0);
}

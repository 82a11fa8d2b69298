import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { readAnnouncement } from '../demo/control.js';
import { expect, test } from './support/fixtures.js';
import { receivedAudioLevel } from './support/phone.js';

// `npm run demo` as a person runs it: a child process in a terminal of its own (a process group), read from
// its output, its app driven through the browser's DevTools port (--devtools), stopped with Ctrl+C (SIGINT to
// the group). The demo runs in this spec's loopback-only namespace with a provider stack of its own.

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** A process by its PID and start time (field 22 of /proc/PID/stat), so that a reused PID is not mistaken for it. */
interface ProcessId {
  pid: number;
  started: string;
  command: string;
}

/** Live processes (a zombie has ended: it only waits for its parent to collect its status). */
function processTable(): Map<number, ProcessId & { parent: number }> {
  const table = new Map<number, ProcessId & { parent: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command is in parentheses and may contain spaces; the fields after it are plain.
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      table.set(Number(entry), {
        pid: Number(entry),
        parent: Number(fields[1]),
        started: fields[19]!,
        command,
      });
    } catch {
      // Gone while we looked.
    }
  }
  return table;
}

/** Every process below `root` now (its servers, phones, browser and their workers). */
function descendantsOf(root: number): ProcessId[] {
  const table = processTable();
  const found: ProcessId[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const entry of table.values())
      if (entry.parent === parent) {
        found.push(entry);
        queue.push(entry.pid);
      }
  }
  return found;
}

const stillRunning = (processes: ProcessId[]) => {
  const table = processTable();
  return processes
    .filter((p) => table.get(p.pid)?.started === p.started)
    .map((p) => `${p.command} (${p.pid})`);
};

/** Processes whose command line or environment names the demo's run folder. */
function namingRunFolder(runDir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    for (const file of ['cmdline', 'environ'])
      try {
        if (readFileSync(`/proc/${entry}/${file}`, 'utf8').includes(runDir)) found.push(`${entry} (${file})`);
      } catch {
        // Gone, or not ours to read.
      }
  }
  return found;
}

/** Runs `npm run demo -- ARGS` to its end (the options that talk to a running demo). */
function demoCommand(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', ['run', '--silent', 'demo', '--', ...args], { cwd: repoRoot, env });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

/** The environment of the person's terminal: no display, no session bus (the demo brings its own). */
function terminalEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'en_GB.UTF-8', ...extra };
  for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'DBUS_SESSION_BUS_ADDRESS']) delete env[name];
  return env;
}

interface DemoRun {
  child: ChildProcess;
  output(): string;
  /** Resolves with the output so far once it contains `text`; fails if the demo ends first. */
  waitForOutput(text: string, timeoutMs: number): Promise<string>;
  /** Resolves once nothing holds the demo's output any more: npm, and the demo after its teardown. */
  closed: Promise<void>;
  /** Ctrl+C: SIGINT to the terminal's whole process group, as from a keyboard. */
  interrupt(): void;
}

const runs: DemoRun[] = [];
test.afterEach(() => {
  // A spec that failed half-way still ends its demo (an orderly stop is what the specs check otherwise).
  for (const { child } of runs.splice(0))
    if (child.pid && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, 'SIGKILL');
});

/** `npm run demo -- ARGS` in a terminal of its own (a process group), its output read as it comes. */
function runDemo(args: string[], env: NodeJS.ProcessEnv): DemoRun {
  const child = spawn('npm', ['run', 'demo', '--', ...args], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const run: DemoRun = {
    child,
    output: () => output,
    async waitForOutput(text, timeoutMs) {
      await expect
        .poll(() => (child.exitCode !== null || child.signalCode !== null ? `ended: ${output}` : output), {
          timeout: timeoutMs,
          intervals: [250],
        })
        .toContain(text);
      return output;
    },
    closed: new Promise((resolve) => child.once('close', () => resolve())),
    interrupt: () => process.kill(-child.pid!, 'SIGINT'),
  };
  runs.push(run);
  return run;
}

test('npm run demo: signed in, the echo number returns what the app sends, a colleague calls on request, Ctrl+C stops everything', async () => {
  test.setTimeout(300_000);
  const stateDir = test.info().outputPath('demo-state');
  const env = terminalEnv();
  const demo = runDemo(['--devtools', '--state-dir', stateDir], env);
  const output = await demo.waitForOutput('Press Ctrl+C to stop everything.', 240_000);
  const started = demo.child;

  // The terminal: where it runs, the sign-in with its one-time code, and what to try.
  expect(output).toContain('No window to show: this session has no display (DISPLAY is not set).');
  expect(output).toMatch(/x11vnc -display :\d+ -localhost/);
  expect(output).toMatch(
    /Signed in as Dana Demo, extension 200, with the provider account:\n {2}user name {6}dana\n {2}password {7}dana-\w+\n {2}one-time code {2}\d{6}/,
  );
  expect(output).toContain('Keychain: this session has no D-Bus session bus');
  const echoNumber = /Call (\d+), the echo test: what you say comes back\./.exec(output)?.[1];
  expect(echoNumber).toBeDefined();

  const running = await readAnnouncement(stateDir);
  expect(running?.devtoolsUrl).toBeDefined();
  const demoProcesses = descendantsOf(started.pid!);
  expect(demoProcesses.map((p) => p.command)).toEqual(
    expect.arrayContaining(['kamailio', 'rtpengine', 'baresip', 'chromium', 'gnome-keyring-d', 'Xvfb']),
  );

  const browser = await chromium.connectOverCDP(running!.devtoolsUrl!);
  try {
    const page: Page = browser
      .contexts()
      .flatMap((context) => context.pages())
      .find((candidate) => candidate.url().startsWith('https://softphone.shell/'))!;
    expect(page).toBeDefined();
    await expect(page.getByRole('navigation').getByRole('status')).toHaveText('Ready', { timeout: 15_000 });

    // The echo test: what the app sends comes back; with the microphone muted, silence comes back.
    await page.getByLabel('Number or SIP address').fill(echoNumber!);
    await page.getByRole('button', { name: 'Call', exact: true }).click();
    const echo = page.getByRole('region', { name: 'Call with Echo test' });
    await expect(echo.getByRole('status').first()).toContainText('Connected', { timeout: 15_000 });
    await expect.poll(() => receivedAudioLevel(page), { timeout: 15_000 }).toBeGreaterThan(5);
    await echo.getByRole('button', { name: 'Mute' }).click();
    await expect.poll(() => receivedAudioLevel(page), { timeout: 15_000 }).toBeLessThanOrEqual(2);
    await echo.getByRole('button', { name: /mute/i }).click();
    await expect.poll(() => receivedAudioLevel(page), { timeout: 15_000 }).toBeGreaterThan(5);
    await echo.getByRole('button', { name: 'Hang up' }).click();
    await expect(echo).toHaveCount(0);

    // From another terminal: the colleague calls; the app rings, answers, hears her phone.
    const callMe = await demoCommand(['--call-me', '--state-dir', stateDir], env);
    expect(callMe).toEqual({ code: 0, output: 'Clara Berger (101) is calling you.\n' });
    const clara = page.getByRole('region', { name: 'Call with Clara Berger' });
    await clara.getByRole('button', { name: 'Answer' }).click();
    await expect(clara.getByRole('status').first()).toContainText('Connected', { timeout: 15_000 });
    await expect.poll(() => receivedAudioLevel(page), { timeout: 15_000 }).toBeGreaterThan(5);
    await clara.getByRole('button', { name: 'Hang up' }).click();
    await expect(clara).toHaveCount(0);
  } finally {
    // Only the DevTools connection: the browser is the demo's.
    await browser.close();
  }

  demo.interrupt();
  await demo.closed;
  // npm itself ends by the signal, as it does on Ctrl+C; the demo stops in order and says so.
  expect(started.exitCode === 0 || started.signalCode === 'SIGINT').toBe(true);
  expect(demo.output().slice(output.indexOf('Press Ctrl+C to stop everything.'))).toMatch(
    /^Press Ctrl\+C to stop everything\.\n+Stopping the demo…\nStopped: nothing the demo started is running\.\n$/,
  );
  // Killed processes take a moment to be gone from the process table.
  await expect.poll(() => stillRunning(demoProcesses), { timeout: 5_000 }).toEqual([]);
  expect(namingRunFolder(running!.runDir)).toEqual([]);
  expect(existsSync(running!.runDir)).toBe(false);
  expect(await readAnnouncement(stateDir)).toBeNull();
  expect((await demoCommand(['--call-me', '--state-dir', stateDir], env)).output).toContain(
    'No demo is running',
  );
});

test('Ctrl+C while the demo starts stops what it had started', async () => {
  test.setTimeout(180_000);
  const demo = runDemo(['--state-dir', test.info().outputPath('demo-state')], terminalEnv());
  await demo.waitForOutput('Starting the app…', 150_000);
  const started = descendantsOf(demo.child.pid!);
  expect(started.map((p) => p.command)).toEqual(
    expect.arrayContaining(['kamailio', 'rtpengine', 'baresip', 'Xvfb']),
  );
  demo.interrupt();
  await demo.closed;
  expect(demo.output()).toMatch(/\nStopping the demo…\nStopped: nothing the demo started is running\.\n$/);
  expect(demo.output()).not.toContain('could not start');
  await expect.poll(() => stillRunning(started), { timeout: 5_000 }).toEqual([]);
});

test('a demo that cannot start says why, keeps its logs and leaves nothing running', async () => {
  test.setTimeout(180_000);
  // A browser that does not start: everything before it (provider, phones, virtual screen) was running.
  const demo = runDemo(
    ['--state-dir', test.info().outputPath('demo-state')],
    terminalEnv({ CHROMIUM_PATH: '/bin/false' }),
  );
  await demo.closed;
  expect(demo.child.exitCode).toBe(1);
  const output = demo.output();
  expect(output).toContain('The demo could not start: ');
  const runDir = /Its logs stay in (\S+)\./.exec(output)?.[1];
  expect(runDir).toBeDefined();
  expect(existsSync(join(runDir!, 'kamailio', 'kamailio.log'))).toBe(true);
  expect(output).toMatch(/Stopped: nothing the demo started is running\.\n$/);
  await expect.poll(() => namingRunFolder(runDir!), { timeout: 5_000 }).toEqual([]);
  await rm(runDir!, { recursive: true, force: true });
});

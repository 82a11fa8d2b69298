import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { failureReason } from '../../bench/support/in-namespace.js';

// Every run stops what it started, also when it fails: a run starts the provider stack (keyring with its
// D-Bus, rtpengine, Kamailio and its workers, the login broker) in the loopback namespace and then fails
// in one way or another. Afterwards no process of it is left. Processes are told apart by the run's own
// folder on their command line (each server names it there), never by name: other runs' Kamailios
// and keyrings share this machine.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const runner = fileURLToPath(new URL('./stack-runner.ts', import.meta.url));
/** A stack on a loaded 2-core machine takes a few seconds to start; a run ends within these. */
const START_MS = 60_000;

/** Processes (as seen from here) whose command line names the folder. */
async function processesOf(runDir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(runDir)) found.push(`${entry} ${cmdline.replaceAll('\0', ' ').trim()}`);
  }
  return found;
}

async function expectNothingLeft(runDir: string): Promise<void> {
  // The kernel and the watchdogs kill at once, but a killed process takes a moment to leave /proc.
  await expect.poll(() => processesOf(runDir), { timeout: 5_000, interval: 100 }).toEqual([]);
}

interface Run {
  child: ChildProcess;
  /** Resolves once the run has printed this line (e.g. "ready": the stack is up). */
  printed(line: string): Promise<void>;
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

function start(command: string, args: string[]): Run {
  const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const wakers = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of wakers) wake();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
    (resolve) => child.once('close', (code, signal) => resolve({ code, signal, output })),
  );
  const printed = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!output.split('\n').includes(line)) return;
        wakers.delete(check);
        resolve();
      };
      wakers.add(check);
      check();
      void ended.then(() => reject(new Error(`ended without printing "${line}":\n${output}`)));
    });
  return { child, printed, ended };
}

const inNamespace = (...command: string[]) => ['e2e/netns-run.sh', ...command];
const stackRun = (runDir: string, mode: string) => [
  process.execPath,
  '--import',
  'tsx',
  runner,
  runDir,
  mode,
];

describe('a run that fails leaves nothing running', { timeout: 2 * START_MS }, () => {
  let runDir: string;
  let run: Run | null = null;
  afterEach(async () => {
    if (run?.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await rm(runDir, { recursive: true, force: true });
  });
  const newRunDir = async () => (runDir = await mkdtemp(join(tmpdir(), 'softphone-teardown-')));

  it('an uncaught exception with the stack up', async () => {
    run = start('bash', inNamespace(...stackRun(await newRunDir(), 'throw')));
    await run.printed('ready');
    const servers = (await processesOf(runDir)).join('\n');
    for (const server of ['kamailio', 'rtpengine', 'dbus-daemon', 'gnome-keyring-daemon'])
      expect(servers).toContain(server);
    await writeFile(join(runDir, 'fail'), '');
    const { code } = await run.ended;
    expect(code).toBe(1);
    await expectNothingLeft(runDir);
  });

  it('SIGTERM to the run', async () => {
    run = start('bash', inNamespace(...stackRun(await newRunDir(), 'wait')));
    await run.printed('ready');
    run.child.kill('SIGTERM');
    const { code, signal } = await run.ended;
    expect({ code, signal }).toEqual({ code: 128 + 15, signal: null });
    await expectNothingLeft(runDir);
  });

  it('SIGINT to the run (Ctrl-C)', async () => {
    run = start('bash', inNamespace(...stackRun(await newRunDir(), 'wait')));
    await run.printed('ready');
    run.child.kill('SIGINT');
    await run.ended;
    await expectNothingLeft(runDir);
  });

  it('the parent of the run dies (SIGKILL)', async () => {
    await newRunDir();
    // A parent that starts the run and is then killed: the run gets its parent-death signal.
    const script = `const c = require('node:child_process').spawn('bash', ${JSON.stringify(
      inNamespace(...stackRun(runDir, 'wait')),
    )}, { stdio: ['ignore', 'inherit', 'inherit'] }); c.on('exit', () => {});`;
    run = start(process.execPath, ['-e', script]);
    await run.printed('ready');
    run.child.kill('SIGKILL');
    await run.ended;
    await expectNothingLeft(runDir);
  });

  it('a crash (no exit handlers run) while the namespace lives on: each server dies with its parent', async () => {
    // The namespace's first process stays alive after the run crashed, so what ends the servers here is
    // their own watchdog (e2e/provider/processes.ts), not the namespace.
    const crashed = `${stackRun(await newRunDir(), 'crash')
      .map((word) => `'${word}'`)
      .join(' ')}; echo crashed; exec sleep 600`;
    run = start('bash', inNamespace('bash', '-c', crashed));
    await run.printed('crashed');
    // Left alive on purpose: the namespace runner and its command, which name the folder in their arguments.
    const ofTheRunner = (line: string) => line.includes('netns-run') || line.includes('sleep 600');
    await expect
      .poll(async () => (await processesOf(runDir)).filter((line) => !ofTheRunner(line)), {
        timeout: 10_000,
        interval: 100,
      })
      .toEqual([]);
    run.child.kill('SIGTERM');
    await run.ended;
    await expectNothingLeft(runDir);
  });
});

describe('a benchmark that failed says why', () => {
  it('names the signal, and Node older than 22', () => {
    expect(failureReason(null, 'SIGSEGV', '20.20.2')).toBe(
      'killed by SIGSEGV; this is Node 20.20.2, and the project needs Node >= 22 (source scripts/setup.sh)',
    );
    expect(failureReason(1, null, '22.23.3')).toBe('exit 1');
  });
});

import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from '../report.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Lines of the measurement's stderr quoted when it fails. */
const STDERR_TAIL = 20;

/** Why a measurement's process ended without a report, in words. */
export function failureReason(
  code: number | null,
  signal: NodeJS.Signals | null,
  nodeVersion = process.versions.node,
): string {
  const how = signal ? `killed by ${signal}` : `exit ${code}`;
  const major = Number(nodeVersion.split('.')[0]);
  // Node 20 crashes in better-sqlite3-multiple-ciphers 13 on first use (FIELD-NOTES), which is what a
  // benchmark run with the machine's Node does.
  return major < 22
    ? `${how}; this is Node ${nodeVersion}, and the project needs Node >= 22 (source scripts/setup.sh)`
    : how;
}

/**
 * Runs a measurement script (relative to the repository) in a loopback-only network namespace, as the
 * e2e specs run, and returns the report it prints as its last line. Inside a namespace already, the
 * caller imports the measurement directly instead. Whatever the measurement leaves running dies with its
 * namespace (e2e/netns-run.sh); a failure says how the process ended and quotes the end of its stderr.
 */
export async function measureInNamespace(name: string, script: string): Promise<BenchReport> {
  const child = spawn('bash', ['e2e/netns-run.sh', process.execPath, '--import', 'tsx', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
    process.stderr.write(chunk);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  const last = output.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) {
    // netns-run passes the measurement's status on: 128 + N when signal N ended it.
    const measuredSignal = signal ?? (code !== null && code > 128 ? signalName(code - 128) : null);
    const tail = errors.trim().split('\n').slice(-STDERR_TAIL).join('\n');
    throw new Error(
      `${name} benchmark failed (${failureReason(measuredSignal ? null : code, measuredSignal)})` +
        (output.trim() ? `\n--- stdout ---\n${output.trim()}` : '') +
        (tail
          ? `\n--- stderr (last ${STDERR_TAIL} lines) ---\n${tail}`
          : '\n(no output on stdout or stderr)'),
    );
  }
  return JSON.parse(last) as BenchReport;
}

function signalName(number: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, value]) => value === number);
  return (entry?.[0] as NodeJS.Signals | undefined) ?? null;
}

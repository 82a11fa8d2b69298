import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from '../report.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a measurement script (relative to the repository) in a loopback-only network namespace, as the
 * e2e specs run, and returns the report it prints as its last line. Inside a namespace already, the
 * caller imports the measurement directly instead.
 */
export async function measureInNamespace(name: string, script: string): Promise<BenchReport> {
  const child = spawn('bash', ['e2e/netns-run.sh', process.execPath, '--import', 'tsx', script], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const last = output.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{'))
    throw new Error(`${name} benchmark failed (exit ${code}): ${output}`);
  return JSON.parse(last) as BenchReport;
}

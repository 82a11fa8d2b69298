// `npm run bench -- calls`: registration and call setup, the app against a bare JsSIP page.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from './report.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Calls make WebRTC traffic, which must stay on loopback: the measurement runs in its own namespace. */
export async function run(): Promise<BenchReport> {
  if (process.env.SOFTPHONE_IN_NETNS === '1') {
    const { measureCalls } = await import('./calls/measure.js');
    return measureCalls();
  }
  const child = spawn(
    'bash',
    ['e2e/netns-run.sh', process.execPath, '--import', 'tsx', 'bench/calls/measure.ts'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const last = output.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{'))
    throw new Error(`calls benchmark failed (exit ${code}): ${output}`);
  return JSON.parse(last) as BenchReport;
}

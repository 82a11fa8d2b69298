// `npm run bench -- calls`: registration and call setup, the app against a bare JsSIP page.
import type { BenchReport } from './report.js';
import { measureInNamespace } from './support/in-namespace.js';

/** Calls make WebRTC traffic, which must stay on loopback: the measurement runs in its own namespace. */
export async function run(): Promise<BenchReport> {
  if (process.env.SOFTPHONE_IN_NETNS === '1') {
    const { measureCalls } = await import('./calls/measure.js');
    return measureCalls();
  }
  return measureInNamespace('calls', 'bench/calls/measure.ts');
}

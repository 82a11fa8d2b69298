// `npm run bench -- signin`: from the broker's redirect reaching the app's loopback listener to "registered".
import type { BenchReport } from './report.js';
import { measureInNamespace } from './support/in-namespace.js';

/** The stack and the browser run in a loopback-only namespace, as in the e2e specs. */
export async function run(): Promise<BenchReport> {
  if (process.env.SOFTPHONE_IN_NETNS === '1') {
    const { measureSignIn } = await import('./signin/measure.js');
    return measureSignIn();
  }
  return measureInNamespace('signin', 'bench/signin/measure.ts');
}

// A run that starts the provider test stack and then fails in a chosen way, for e2e/provider/teardown.test.ts:
//   stack-runner.ts RUN_DIR throw|crash|wait
// throw: an uncaught exception once RUN_DIR/fail exists; crash: the process is killed (SIGKILL, as a
// segfault ends it: no exit handlers run); wait: it waits to be signalled. It prints "ready" once the
// stack is up.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startProviderStack } from './stack.js';

const [runDir, mode] = process.argv.slice(2);
if (!runDir || !['throw', 'crash', 'wait'].includes(mode ?? '')) {
  console.error('usage: stack-runner.ts RUN_DIR throw|crash|wait');
  process.exit(2);
}
await startProviderStack(runDir);
console.log('ready');
if (mode === 'throw') {
  while (!existsSync(join(runDir, 'fail'))) await new Promise((resolve) => setTimeout(resolve, 50));
  throw new Error('a deliberate failure with the stack running');
}
if (mode === 'crash') process.kill(process.pid, 'SIGKILL');
setInterval(() => {}, 60_000);

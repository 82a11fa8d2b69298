import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProviderStack } from './provider/stack.js';
import { STATE_ENV, stackStateOf } from './support/stack-state.js';

/**
 * Starts the provider test stack once per run; workers read its state from the file named in the environment.
 * The login broker runs in this process: the returned teardown stops it (and the rest of the stack) here,
 * before global-teardown.ts makes sure of every PID and removes the run's folder.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.SOFTPHONE_IN_NETNS !== '1') {
    throw new Error(
      'e2e specs run inside a loopback-only network namespace: use `npm run test:e2e` (e2e/netns-run.sh)',
    );
  }
  const runDir = await mkdtemp(join(tmpdir(), 'softphone-e2e-'));
  const stack = await startProviderStack(runDir);
  const state = stackStateOf(stack);
  const statePath = join(runDir, 'state.json');
  await writeFile(statePath, JSON.stringify(state, null, 2));
  process.env[STATE_ENV] = statePath;
  // Workers use the test keyring for the app's secrets.
  Object.assign(process.env, stack.keyring.env);
  return () => stack.stop();
}

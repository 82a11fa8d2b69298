import { rm } from 'node:fs/promises';
import { stopPid } from './provider/processes.js';
import { readStackState } from './support/stack-state.js';

/** Stops every process of the stack by PID, whether the specs passed or not. */
export default async function globalTeardown(): Promise<void> {
  const state = readStackState();
  for (const pid of state.pids) await stopPid(pid);
  if (!process.env.SOFTPHONE_KEEP_E2E_RUN) await rm(state.runDir, { recursive: true, force: true });
}

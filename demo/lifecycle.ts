/** Ctrl+C (or SIGTERM, SIGHUP) came while starting: the start ends at the next step, and everything goes. */
export class Stopped extends Error {
  constructor() {
    super('stopped');
  }
}

/**
 * The demo's own process handling, kept small: what it started is undone in reverse order at the end, on
 * Ctrl+C while running or starting, and after a failed start. Stopping each server is e2e/provider's business.
 */
export interface Lifecycle {
  /**
   * Runs one step of the start and registers how to undo what it started (`undo`, called with its result);
   * throws Stopped when Ctrl+C came before or during it (what it started is undone with the rest).
   */
  step<T>(work: () => Promise<T>, undo?: (started: T) => Promise<unknown>): Promise<T>;
  stopping(): boolean;
  /** Resolves at Ctrl+C. */
  stopRequested: Promise<void>;
  /** Undoes everything registered; a failure is reported and the rest still goes. */
  teardown(report: (error: unknown) => void): Promise<void>;
}

/** Where Ctrl+C and the other stop signals arrive (this process; a test sends its own). */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', listener: () => void): unknown;
}

export function createLifecycle(signals: SignalSource = process): Lifecycle {
  let stopping = false;
  let stop: () => void = () => {};
  const stopRequested = new Promise<void>((resolve) => (stop = resolve));
  // Ctrl+C reaches every process of the terminal's group, and npm and the namespace pass it on: once is enough.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    signals.on(signal, () => {
      stopping = true;
      stop();
    });
  const cleanups: (() => Promise<unknown>)[] = [];
  return {
    async step(work, undo) {
      if (stopping) throw new Stopped();
      const result = await work();
      if (undo) cleanups.push(() => undo(result));
      if (stopping) throw new Stopped();
      return result;
    },
    stopping: () => stopping,
    stopRequested,
    async teardown(report) {
      for (const cleanup of cleanups.reverse()) await cleanup().catch(report);
      cleanups.length = 0;
    },
  };
}

/** Checks until `check` holds, bounded by `timeoutMs`; gives up at once when the demo is stopping. */
export async function waitFor(
  lifecycle: Lifecycle,
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (lifecycle.stopping()) throw new Stopped();
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

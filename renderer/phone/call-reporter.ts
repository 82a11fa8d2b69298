import type { CallEvent } from '../../shared/domain/calls';

export interface CallReporterDeps {
  /** Sends one event to main (history and audit). */
  send(event: CallEvent): void;
  /** Whether a call is being set up: dialling, or ringing at either end. */
  settingUp(): boolean;
  /** Runs `task` once the renderer is idle. */
  whenIdle(task: () => void): void;
  /** The longest an event waits for the calls to settle (default 2 s). */
  maxWaitMs?: number;
}

/**
 * Call events go to main in order, but not while a call is being set up: each is a round trip to main
 * that competes with the setup for the CPU. They go once no call is dialling or ringing any more (when the
 * renderer is idle), and at most `maxWaitMs` after the first of them, so that a call that rings for long
 * is in History even if the app closes meanwhile.
 */
export function createCallReporter(deps: CallReporterDeps): (event: CallEvent) => void {
  const maxWaitMs = deps.maxWaitMs ?? 2000;
  const pending: CallEvent[] = [];
  let deadline: ReturnType<typeof setTimeout> | null = null;
  let idleQueued = false;
  const sendAll = () => {
    if (deadline !== null) clearTimeout(deadline);
    deadline = null;
    idleQueued = false;
    for (const event of pending.splice(0)) deps.send(event);
  };
  return (event) => {
    pending.push(event);
    deadline ??= setTimeout(sendAll, maxWaitMs);
    if (idleQueued || deps.settingUp()) return;
    idleQueued = true;
    deps.whenIdle(sendAll);
  };
}

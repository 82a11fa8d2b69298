import { spawn, type ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();

/** Kills a process group; false when it is gone already. */
function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

// A run that ends by its own hand (done, an uncaught exception) stops what it started at once. Killed by a
// signal or crashed, it cannot: then each child's watchdog (below) notices and kills its group.
process.once('exit', () => {
  for (const child of running) if (child.pid) killGroup(child.pid, 'SIGKILL');
});

/**
 * The wrapper every server and peer runs in. The child is the leader of a process group of its own (so its
 * workers, e.g. Kamailio's, go with it), and a watchdog in that group reads the pipe on fd 3 that only this
 * Node process writes to: when this process dies, however it dies, the pipe reaches EOF and the watchdog
 * kills the whole group. Node has no prctl(PR_SET_PDEATHSIG); a pipe's EOF is the portable equivalent.
 * `$SOFTPHONE_CHILD_INPUT`, when set, is the program's standard input (a secret stays out of its argv).
 */
const WATCHDOG = `exec 3<&0
( read -r -u 3 _; kill -KILL -- -$$ ) </dev/null >/dev/null 2>&1 &
input=\${SOFTPHONE_CHILD_INPUT-}
if [ -n "\${SOFTPHONE_CHILD_INPUT+set}" ]; then
  unset SOFTPHONE_CHILD_INPUT
  exec "$@" 3<&- < <(printf '%s' "$input")
fi
exec "$@" 3<&- </dev/null`;

export interface ManagedSpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The program's standard input (written, then closed); none: /dev/null. */
  input?: string;
  /** Its stdout and stderr: pipes to read (default), or discarded. */
  output?: 'pipe' | 'ignore';
}

/**
 * Starts a server or peer so that it cannot outlive this process: in its own process group, watched as
 * WATCHDOG says, tracked, and killed with its group when this process exits.
 * Its PID is the program's own (the wrapper execs it).
 */
export function spawnManaged(
  command: string,
  args: string[],
  options: ManagedSpawnOptions = {},
): ChildProcess {
  const env = { ...(options.env ?? process.env) };
  if (options.input !== undefined) env.SOFTPHONE_CHILD_INPUT = options.input;
  else delete env.SOFTPHONE_CHILD_INPUT;
  const child = spawn('bash', ['-c', WATCHDOG, command, command, ...args], {
    cwd: options.cwd,
    env,
    detached: true,
    stdio: ['pipe', options.output ?? 'pipe', options.output ?? 'pipe'],
  });
  trackChild(child);
  // Once the program is gone, whatever is left of its group (the watchdog, orphaned workers) goes too.
  child.once('exit', () => {
    if (child.pid) killGroup(child.pid, 'SIGKILL');
  });
  return child;
}

export function trackChild(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. A process started by
 * spawnManaged is stopped with its whole group.
 */
export async function stopProcess(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    if (!child.pid || !killGroup(child.pid, name)) child.kill(name);
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Whether a process with this PID exists (in this PID namespace). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a process known only by PID (from another process of the run), with its process group when it
 * leads one (as everything spawnManaged starts does).
 */
export async function stopPid(pid: number, graceMs = 3000): Promise<void> {
  if (!isAlive(pid)) return;
  const signal = (name: NodeJS.Signals) => {
    if (!killGroup(pid, name)) {
      try {
        process.kill(pid, name);
      } catch {
        // gone meanwhile
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  signal('SIGKILL');
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * iptables in the specs' network namespace (e2e/netns-run.sh). All Playwright workers share that namespace,
 * so a spec's rules must never touch another spec's traffic: each rule set lives in a chain of its own, jumped
 * to from OUTPUT, and matches only this spec's packets, by the destination ports of the servers the spec
 * started itself (chosen at run time, so no other spec uses them) or by a cgroup that holds only this spec's
 * processes. `remove()` deletes the jump and the chain; the namespace (and any rule a crash left) dies with
 * the run. `-w` waits for the xtables lock that the other worker may hold.
 */
export interface Firewall {
  /** Packets the rule set refused or dropped so far. */
  refused(): Promise<number>;
  remove(): Promise<void>;
}

const iptables = (...args: string[]) => run('iptables', ['-w', ...args]);

async function installChain(rules: string[][]): Promise<Firewall> {
  const chain = `softphone-${randomBytes(4).toString('hex')}`;
  await iptables('-N', chain);
  for (const rule of rules) await iptables('-A', chain, ...rule);
  await iptables('-I', 'OUTPUT', '1', '-j', chain);
  return {
    async refused() {
      const { stdout } = await iptables('-L', chain, '-v', '-x', '-n');
      return stdout
        .split('\n')
        .filter((line) => /\b(REJECT|DROP)\b/.test(line))
        .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[0]), 0);
    },
    async remove() {
      await iptables('-D', 'OUTPUT', '-j', chain);
      await iptables('-F', chain);
      await iptables('-X', chain);
    },
  };
}

/**
 * Direct TCP connections to the given ports of 127.0.0.1 are refused (a TCP reset, as a company firewall
 * answers) unless they come from `allowUid`: the proxy's user. Everyone else must go through the proxy.
 * Only connection attempts (SYN) are judged: the last packets of a connection the proxy already closed
 * belong to no process any more, and the owner match would not know them.
 */
export function refuseDirectConnections(options: { ports: number[]; allowUid: number }): Promise<Firewall> {
  const attempts = [
    '-p',
    'tcp',
    '-d',
    '127.0.0.1',
    '-m',
    'multiport',
    '--dports',
    options.ports.join(','),
    '--syn',
  ];
  return installChain([
    [...attempts, '-m', 'owner', '--uid-owner', String(options.allowUid), '-j', 'RETURN'],
    [...attempts, '-j', 'REJECT', '--reject-with', 'tcp-reset'],
  ]);
}

/** The cgroup v2 hierarchy's mount point (`/sys/fs/cgroup` on pure v2 systems, `.../unified` on hybrid ones). */
async function cgroup2Root(): Promise<string> {
  const { stdout } = await run('findmnt', ['-n', '-o', 'TARGET', '-t', 'cgroup2']);
  const root = stdout.split('\n')[0]?.trim();
  if (!root)
    throw new Error('no cgroup2 hierarchy is mounted: the firewall cannot tell this spec’s browsers apart');
  return root;
}

/** A cgroup (v2) that holds only the processes a spec puts into it, for iptables' `-m cgroup --path`. */
export interface SpecCgroup {
  /** The path below the cgroup2 root, as iptables names it. */
  path: string;
  /**
   * An executable that runs its arguments inside the cgroup (a process joins by writing its PID to
   * `cgroup.procs`, and its children stay in it): give it to Chromium's launch as the executable.
   */
  wrapper(executable: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createSpecCgroup(dir: string): Promise<SpecCgroup> {
  const root = await cgroup2Root();
  const path = `softphone-${randomBytes(4).toString('hex')}`;
  await mkdir(join(root, path));
  return {
    path,
    async wrapper(executable) {
      const script = join(dir, `in-${path}-${executable.split('/').pop()}`);
      await writeFile(
        script,
        `#!/bin/sh\necho $$ > '${join(root, path, 'cgroup.procs')}' || exit 1\nexec '${executable}' "$@"\n`,
        { mode: 0o755 },
      );
      return script;
    },
    // A cgroup can only go once empty: its browsers' last processes may still be exiting.
    async remove() {
      const deadline = Date.now() + 10_000;
      while (
        (await readFile(join(root, path, 'cgroup.procs'), 'utf8')).trim() !== '' &&
        Date.now() < deadline
      )
        await new Promise((resolve) => setTimeout(resolve, 100));
      await rmdir(join(root, path));
    },
  };
}

/**
 * What a company network that allows only HTTPS out does to this spec's browsers (the processes of `cgroup`):
 * every UDP datagram dropped, and TCP only to `tcpPorts` (443 for TURN over TLS, the SIP edge's port) reset
 * otherwise, so that neither host candidates over UDP nor ICE-TCP between the browsers can carry a call.
 */
export function allowOnlyTcpFrom(cgroup: SpecCgroup, tcpPorts: number[]): Promise<Firewall> {
  const own = ['-m', 'cgroup', '--path', cgroup.path];
  return installChain([
    [...own, '-p', 'udp', '-j', 'DROP'],
    [...own, '-p', 'tcp', '-m', 'multiport', '--dports', tcpPorts.join(','), '-j', 'RETURN'],
    [...own, '-p', 'tcp', '-m', 'tcp', '--syn', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
  ]);
}

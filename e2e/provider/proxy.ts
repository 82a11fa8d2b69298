import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { spawnManaged, stopProcess } from './processes.js';

const run = promisify(execFile);

/** The user Debian's tinyproxy drops to (its packaged configuration says `User tinyproxy`; -bin has none). */
const PROXY_USER = 'nobody';
const PROXY_GROUP = 'nogroup';

export interface TinyproxyOptions {
  /** Folder for its configuration and log. */
  dir: string;
  /** Proxy credentials (tinyproxy's `BasicAuth`): without them, anyone on loopback may use it. */
  basicAuth?: { username: string; password: string };
}

export interface TinyproxyHandle {
  pid: number;
  port: number;
  /** `http://127.0.0.1:PORT`, without credentials. */
  url: string;
  /** The user ID tinyproxy runs as after binding: the only one a proxy spec's firewall lets through. */
  uid: number;
  logPath: string;
  /** The requests it forwarded, as its log names them: `CONNECT 127.0.0.1:4433`, `GET http://...`. */
  requests(): Promise<string[]>;
  stop(): Promise<void>;
}

async function waitForPort(port: number, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error('tinyproxy exited at start');
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`tinyproxy did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Debian's tinyproxy as a company's forward proxy on 127.0.0.1, configured as tinyproxy.conf(5) says:
 * CONNECT for TLS, plain HTTP forwarding, and `BasicAuth` when credentials are given. It runs in the
 * foreground (`-d`) and logs each connection at `LogLevel Connect`.
 */
export async function startTinyproxy(options: TinyproxyOptions): Promise<TinyproxyHandle> {
  const port = await freePort();
  const configPath = join(options.dir, 'tinyproxy.conf');
  const logPath = join(options.dir, 'tinyproxy.log');
  const lines = [
    `User ${PROXY_USER}`,
    `Group ${PROXY_GROUP}`,
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 600',
    'LogLevel Connect',
    'MaxClients 100',
  ];
  if (options.basicAuth) {
    lines.push(`BasicAuth ${options.basicAuth.username} ${options.basicAuth.password}`);
  }
  await writeFile(configPath, `${lines.join('\n')}\n`);
  const uid = Number((await run('id', ['-u', PROXY_USER])).stdout.trim());

  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawnManaged('tinyproxy', ['-d', '-c', configPath]);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());
  try {
    await waitForPort(port, () => child.exitCode !== null, 10_000);
  } catch (error) {
    await stopProcess(child);
    const tail = await readFile(logPath, 'utf8').catch(() => '');
    throw new Error(`${(error as Error).message}\n--- tinyproxy.log ---\n${tail}`);
  }
  return {
    pid: child.pid!,
    port,
    url: `http://127.0.0.1:${port}`,
    uid,
    logPath,
    async requests() {
      const text = await readFile(logPath, 'utf8');
      return [...text.matchAll(/Request \(file descriptor \d+\): (\S+ \S+) HTTP\/1\.[01]/g)].map(
        (match) => match[1]!,
      );
    },
    stop: () => stopProcess(child),
  };
}

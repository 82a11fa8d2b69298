import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnManaged, stopProcess } from './processes.js';

export interface CoturnOptions {
  /** Folder for its user database, PID file and log. */
  dir: string;
  /** The run's server certificate and key (PEM), for TURN over TLS. */
  certificate: string;
  privateKey: string;
  /** The CA that issued the certificate: the start is awaited with a verified TLS handshake. */
  caCertPem: string;
  /** The TLS port; 443 where a firewall lets only HTTPS out. Binding it needs root (in the namespace). */
  tlsPort: number;
  realm: string;
  user: { username: string; password: string };
}

export interface CoturnHandle {
  pid: number;
  /** The policy's `iceServers` entry: TURN over TLS (RFC 8656 `turns:` with transport=tcp). */
  iceServer: { urls: string[]; username: string; credential: string };
  logPath: string;
  /** Allocations coturn logged as created (one per browser that gathered a relay candidate). */
  allocations(): Promise<number>;
  stop(): Promise<void>;
}

async function waitForTls(port: number, ca: string, exited: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited()) throw new Error('turnserver exited at start');
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline)
      throw new Error(`turnserver did not accept TLS on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Debian's coturn as a provider runs it for clients behind firewalls, with the flags of its README.turnserver:
 * TURN over TLS only (`--no-udp --no-tcp --no-dtls`, TLS on `tlsPort`), long-term credentials
 * (`--lt-cred-mech`, a `--user` in the given realm), relays on 127.0.0.1 (`--allow-loopback-peers`: the
 * peers are the other browser's relay addresses on loopback, which its README allows for tests only), and a
 * user database in the run folder (`--userdb`) instead of the package's /var/lib/turn/turndb.
 */
export async function startCoturn(options: CoturnOptions): Promise<CoturnHandle> {
  const logPath = join(options.dir, 'turnserver.log');
  const { username, password } = options.user;
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawnManaged('turnserver', [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    // The plain listener is off (--no-udp/--no-tcp); its port is named so that no default 3478 is taken.
    `--listening-port=${await freePort()}`,
    `--tls-listening-port=${options.tlsPort}`,
    '--no-udp',
    '--no-tcp',
    '--no-dtls',
    '--no-rfc5780',
    `--cert=${options.certificate}`,
    `--pkey=${options.privateKey}`,
    '--lt-cred-mech',
    `--realm=${options.realm}`,
    `--user=${username}:${password}`,
    `--userdb=${join(options.dir, 'turndb')}`,
    '--fingerprint',
    '--allow-loopback-peers',
    '--no-multicast-peers',
    '--no-cli',
    // Logs each session's allocation and, when it ends, the packets it relayed.
    '--verbose',
    '--log-file=stdout',
    '--simple-log',
    `--pidfile=${join(options.dir, 'turnserver.pid')}`,
  ]);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());
  try {
    await waitForTls(options.tlsPort, options.caCertPem, () => child.exitCode !== null, 10_000);
  } catch (error) {
    await stopProcess(child);
    const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n');
    throw new Error(`${(error as Error).message}\n--- turnserver.log ---\n${tail}`);
  }
  return {
    pid: child.pid!,
    iceServer: {
      urls: [`turns:127.0.0.1:${options.tlsPort}?transport=tcp`],
      username,
      credential: password,
    },
    logPath,
    async allocations() {
      const text = await readFile(logPath, 'utf8');
      return (text.match(/ALLOCATE processed, success/g) ?? []).length;
    },
    stop: () => stopProcess(child),
  };
}

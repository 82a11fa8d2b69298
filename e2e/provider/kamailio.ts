import { execFile, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:tls';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kamailioConfig, SIP_DOMAIN, tlsConfig } from './kamailio-config.js';
import { freePort, freeUdpPort } from './ports.js';
import { spawnManaged, stopProcess } from './processes.js';

const run = promisify(execFile);
const MODULES_DIR = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

export interface KamailioHandle {
  pid: number;
  wssUrl: string;
  wssPort: number;
  udpPort: number;
  /** SIP over TLS, for phones (`;transport=tls`). */
  sipTlsPort: number;
  sipDomain: string;
  ctlSocket: string;
  logPath: string;
  stop(): Promise<void>;
}

export interface KamailioOptions {
  dir: string;
  /** Fixed ports, to restart a Kamailio where clients expect it; chosen at run time otherwise. */
  wssPort?: number;
  udpPort?: number;
  sipTlsPort?: number;
  certificate: string;
  privateKey: string;
  caCertPem: string;
  /** rtpengine's NG control socket: WebRTC-to-UDP calls are bridged through it (none: no bridging). */
  rtpengineSocket?: string;
}

/** Runs `kamcmd` against a Kamailio's ctl socket (usable from any process that knows the socket). */
export async function kamcmd(ctlSocket: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kamcmd', ['-s', `unix:${ctlSocket}`, ...args]);
  return stdout;
}

/**
 * A kamcmd string argument. The `s:` type prefix keeps values as strings and stops kamcmd's option
 * parser from reading a value that starts with "-" (a base64url password, say) as an option.
 */
const asString = (value: string) => `s:${value}`;

/** Creates or changes a SIP user's password (digest realm = SIP domain). */
export async function setSipUser(ctlSocket: string, username: string, password: string): Promise<void> {
  await kamcmd(ctlSocket, 'htable.sets', 'auth', asString(username), asString(password));
}

export async function removeSipUser(ctlSocket: string, username: string): Promise<void> {
  await kamcmd(ctlSocket, 'htable.delete', 'auth', asString(username));
}

/** Resolves once a TLS handshake with the CA succeeds: Kamailio is up. Bounded by `timeoutMs`. */
async function waitForTls(port: number, ca: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`kamailio exited with code ${child.exitCode}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    if (Date.now() > deadline)
      throw new Error(`kamailio did not accept TLS on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function startKamailio(options: KamailioOptions): Promise<KamailioHandle> {
  const wssPort = options.wssPort ?? (await freePort());
  const udpPort = options.udpPort ?? (await freeUdpPort());
  const sipTlsPort = options.sipTlsPort ?? (await freePort());
  const ctlSocket = join(options.dir, 'kamailio.ctl');
  const configPath = join(options.dir, 'kamailio.cfg');
  const tlsConfigPath = join(options.dir, 'kamailio-tls.cfg');
  const logPath = join(options.dir, 'kamailio.log');
  await writeFile(tlsConfigPath, tlsConfig(options.certificate, options.privateKey));
  await writeFile(
    configPath,
    kamailioConfig({
      wssPort,
      udpPort,
      sipTlsPort,
      ctlSocket,
      sipdumpDir: options.dir,
      tlsConfigPath,
      modulesDir: MODULES_DIR,
      rtpengineSocket: options.rtpengineSocket,
    }),
  );

  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawnManaged('kamailio', [
    '-f',
    configPath,
    '-DD',
    '-E',
    '-m',
    '64',
    '-M',
    '16',
    '-w',
    options.dir,
    '-Y',
    options.dir,
    '-P',
    join(options.dir, 'kamailio.pid'),
  ]);
  // Two sources share the log: neither may end it; the process's exit does.
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());
  try {
    await waitForTls(wssPort, options.caCertPem, child, 10_000);
  } catch (error) {
    await stopProcess(child);
    const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n');
    throw new Error(`${(error as Error).message}\n--- kamailio.log ---\n${tail}`);
  }
  return {
    pid: child.pid!,
    wssUrl: `wss://127.0.0.1:${wssPort}`,
    wssPort,
    udpPort,
    sipTlsPort,
    sipDomain: SIP_DOMAIN,
    ctlSocket,
    logPath,
    stop: () => stopProcess(child),
  };
}

import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnManaged, stopProcess } from './processes.js';

export interface RtpengineHandle {
  pid: number;
  /** The NG control socket as Kamailio's rtpengine module names it: `udp:127.0.0.1:PORT`. */
  controlSocket: string;
  controlPort: number;
  logPath: string;
  stop(): Promise<void>;
}

/** One NG-protocol ping (bencode over UDP); resolves whether rtpengine answered "pong" within `timeoutMs`. */
function ping(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const cookie = `ping${process.pid}`;
    const done = (up: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(up);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('message', (message) => done(message.toString().startsWith(`${cookie} d6:result4:ponge`)));
    socket.on('error', () => done(false));
    socket.send(`${cookie} d7:command4:pinge`, port, '127.0.0.1');
  });
}

async function waitForControl(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ping(port, 200))) {
    if (child.exitCode !== null) throw new Error(`rtpengine exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`rtpengine did not answer on ${port} within ${timeoutMs} ms`);
  }
}

/**
 * rtpengine in userspace (no kernel table) on 127.0.0.1: the provider's media gateway that bridges a
 * WebRTC client (DTLS-SRTP, ICE, rtcp-mux) and a plain-RTP phone. Kamailio drives it over the NG
 * control protocol on a port chosen at run time; media ports come from rtpengine's own range, bound
 * on 127.0.0.1 only. Its config file is ignored so that the machine's /etc/rtpengine cannot change it.
 */
export async function startRtpengine(dir: string): Promise<RtpengineHandle> {
  const controlPort = await freePort();
  const logPath = join(dir, 'rtpengine.log');
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawnManaged('rtpengine', [
    '--config-file=none',
    '--foreground',
    '--log-stderr',
    '--log-level=6',
    '--log-level-control=7',
    '--table=-1',
    '--interface=127.0.0.1',
    `--listen-ng=127.0.0.1:${controlPort}`,
    '--num-threads=2',
    '--delete-delay=0',
    '--timeout=60',
    // Also names the run's folder on its command line, which tells this rtpengine from other runs'.
    `--pidfile=${join(dir, 'rtpengine.pid')}`,
  ]);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());
  try {
    await waitForControl(controlPort, child, 10_000);
  } catch (error) {
    await stopProcess(child);
    const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n');
    throw new Error(`${(error as Error).message}\n--- rtpengine.log ---\n${tail}`);
  }
  return {
    pid: child.pid!,
    controlSocket: `udp:127.0.0.1:${controlPort}`,
    controlPort,
    logPath,
    stop: () => stopProcess(child),
  };
}

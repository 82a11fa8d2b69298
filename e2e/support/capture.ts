import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { spawnManaged, stopProcess } from '../provider/processes.js';

const run = promisify(execFile);

export interface Capture {
  /** Every packet captured so far (transport, ports, payload), while the capture goes on. */
  packets(): Promise<Packet[]>;
  /** Stops capturing and returns every packet's transport, ports and payload. */
  stop(): Promise<Packet[]>;
}

export interface Packet {
  protocol: 'udp' | 'tcp';
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

/** How long a capture may take to show its own marker datagram (it is sent again on every look). */
const MARK_WAIT_MS = 15_000;
const MARK_LOOK_MS = 50;

/**
 * tshark on the loopback interface of the test namespace (the only interface there is). tshark says
 * "Capturing on" before dumpcap sees every packet, and stopping it can lose what dumpcap has not written
 * yet: a call's INVITE and BYE went missing that way. So a datagram of our own on loopback marks both
 * ends: the capture counts as started once its file shows the start mark, and is stopped only once it
 * shows the end mark, after every packet before it. The marks are left out of what it returns.
 */
export async function startCapture(file: string, filter: string): Promise<Capture> {
  const marker = createSocket('udp4');
  await new Promise<void>((resolve) => marker.bind(0, '127.0.0.1', resolve));
  const markPort = marker.address().port;
  // A 64 MiB kernel buffer: on a loaded 2-core machine the default 2 MiB dropped packets under load.
  const child = spawnManaged('tshark', [
    '-i',
    'lo',
    '-B',
    '64',
    '-f',
    `(${filter}) or (udp port ${markPort})`,
    '-w',
    file,
    '-q',
  ]);
  child.stdout!.resume();
  const exited = new Promise<never>((_resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`tshark exited (${code}): ${stderr}`)));
  });
  exited.catch(() => undefined);
  /** Sends `mark` to ourselves until the capture file has it. */
  const markSeen = async (mark: string) => {
    const deadline = Date.now() + MARK_WAIT_MS;
    const bytes = Buffer.from(mark);
    for (;;) {
      marker.send(mark, markPort, '127.0.0.1');
      // dumpcap stores each packet's bytes as they were sent; the file may not exist yet.
      const seen = await readFile(file)
        .then((data) => data.includes(bytes))
        .catch(() => false);
      if (seen) return;
      if (Date.now() > deadline)
        throw new Error(`the capture did not show its ${mark} within ${MARK_WAIT_MS} ms`);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, MARK_LOOK_MS))]);
    }
  };
  try {
    await Promise.race([exited, markSeen('softphone-capture-start')]);
  } catch (error) {
    marker.close();
    await stopProcess(child);
    throw error;
  }
  const packets = async (): Promise<Packet[]> => {
    const { stdout } = await run(
      'tshark',
      [
        '-r',
        file,
        '-T',
        'fields',
        '-E',
        'separator=,',
        '-e',
        'udp.srcport',
        '-e',
        'udp.dstport',
        '-e',
        'udp.payload',
        '-e',
        'tcp.srcport',
        '-e',
        'tcp.dstport',
        '-e',
        'tcp.payload',
      ],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    return stdout
      .split('\n')
      .filter(Boolean)
      .flatMap((line): Packet[] => {
        const [usrc, udst, upay, tsrc, tdst, tpay] = line.split(',');
        if (usrc && Number(usrc) !== markPort && Number(udst) !== markPort)
          return [
            {
              protocol: 'udp',
              srcPort: Number(usrc),
              dstPort: Number(udst),
              payload: Buffer.from((upay ?? '').replace(/:/g, ''), 'hex'),
            },
          ];
        if (tsrc && tpay)
          return [
            {
              protocol: 'tcp',
              srcPort: Number(tsrc),
              dstPort: Number(tdst),
              payload: Buffer.from(tpay.replace(/:/g, ''), 'hex'),
            },
          ];
        return [];
      });
  };
  return {
    packets,
    async stop() {
      try {
        await markSeen('softphone-capture-end');
      } finally {
        marker.close();
        await stopProcess(child);
      }
      return packets();
    },
  };
}

/** RFC 7983's demultiplexing of UDP on a WebRTC port by the first byte. */
export function classify(payload: Buffer): 'stun' | 'dtls' | 'rtp' | 'other' {
  const first = payload[0] ?? 255;
  if (first <= 3) return 'stun';
  if (first >= 20 && first <= 63) return 'dtls';
  if (first >= 128 && first <= 191) return 'rtp';
  return 'other';
}

import { execFile } from 'node:child_process';
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

/** tshark on the loopback interface of the test namespace (the only interface there is). */
export async function startCapture(file: string, filter: string): Promise<Capture> {
  // A 64 MiB kernel buffer: on a loaded 2-core machine the default 2 MiB dropped packets under load.
  const child = spawnManaged('tshark', ['-i', 'lo', '-B', '64', '-f', filter, '-w', file, '-q']);
  child.stdout!.resume();
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('Capturing on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`tshark exited (${code}): ${stderr}`)));
  });
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
        if (usrc)
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
      await stopProcess(child);
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

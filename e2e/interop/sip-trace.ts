import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** How far each of an edge's sipdump files had been written: the start of a test's trace. */
export type TraceMark = Map<string, number>;

const dumpFiles = async (dir: string) =>
  (await readdir(dir).catch(() => [] as string[]))
    .filter((name) => name.startsWith('sipdump-') && name.endsWith('.data'))
    .sort()
    .map((name) => join(dir, name));

export async function traceMark(dir: string): Promise<TraceMark> {
  const mark: TraceMark = new Map();
  for (const file of await dumpFiles(dir)) mark.set(file, (await stat(file)).size);
  return mark;
}

async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The SIP messages the edge received and sent since `mark` (sipdump's text records, in order), only of the
 * dialogs (Call-IDs) in which one of `names` (SIP user names) appears; all of them when `names` is empty.
 */
export async function traceSince(dir: string, mark: TraceMark, names: ReadonlySet<string>): Promise<string> {
  let text = '';
  for (const file of await dumpFiles(dir)) text += await readFrom(file, mark.get(file) ?? 0);
  const records = text.split(/^={20}\n/m).filter((record) => record.trim());
  if (names.size === 0) return records.map((record) => `${'='.repeat(20)}\n${record}`).join('');
  const callId = (record: string) => /^(?:Call-ID|i):\s*(\S+)/im.exec(record)?.[1];
  const calls = new Set(
    records.filter((record) => [...names].some((name) => record.includes(name))).map(callId),
  );
  return records
    .filter((record) => calls.has(callId(record)))
    .map((record) => `${'='.repeat(20)}\n${record}`)
    .join('');
}

/**
 * Whether the trace has a peer's 2xx answer to a re-INVITE that puts it on hold: a 200 OK the edge
 * received, naming `username`, whose SDP says the peer will only receive (recvonly) or neither (inactive).
 */
export function peerAcceptedHold(trace: string, username: string): boolean {
  return trace
    .split(/^={20}\n/m)
    .some(
      (record) =>
        /^tag: rcv$/m.test(record) &&
        /^SIP\/2\.0 200 /m.test(record) &&
        /^CSeq:\s*\d+ INVITE/im.test(record) &&
        record.includes(username) &&
        /^a=(recvonly|inactive)\r?$/m.test(record),
    );
}

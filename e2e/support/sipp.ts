import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from '../provider/ports.js';
import { stopProcess, trackChild } from '../provider/processes.js';
import type { SipUser } from './phone.js';
import { readStackState } from './stack-state.js';

const SCENARIOS = fileURLToPath(new URL('../sipp/', import.meta.url));

export interface SippOptions {
  /** The scenario file in e2e/sipp/. */
  scenario: string;
  /** The peer's SIP user at the edge: its From, its digest credentials, its registration. */
  user: SipUser;
  /**
   * Values for the scenario's `{{name}}` placeholders (SDP bodies, headers, steps), filled in before sipp
   * reads it. A placeholder alone on its line that is filled with nothing takes the line with it.
   */
  fill?: Record<string, string>;
  /** Values for the scenario's `[name]` keywords (sipp's -key). */
  keys?: Record<string, string | number>;
  /** The edge's SIP/UDP port (the stack's Kamailio by default). */
  edgeUdpPort?: number;
  /** More sipp options (e.g. -cid_str to fix the Call-ID). */
  extraArgs?: string[];
  /** Register the user at the edge first, with this sipp as the Contact: it then receives the user's calls. */
  register?: boolean;
  /** sipp gives up after this long (a failed run). */
  timeoutSeconds?: number;
}

export interface SippResult {
  /** The scenario ran to its end (exit code 0). */
  ok: boolean;
  code: number | null;
  /** sipp's error log: what it expected and what came instead. */
  errors: string;
}

export interface Sipp {
  sipPort: number;
  /** Where it receives RTP (and sends what it plays). */
  mediaPort: number;
  /** Resolves once sipp has ended. */
  finished: Promise<SippResult>;
  /** Every SIP message sipp sent and received so far, as it logged them. */
  messages(): Promise<string>;
  /** The bodies of the SIP messages sipp received that carry SDP. */
  receivedSdp(): Promise<string[]>;
  /** What the scenario logged (its <log> actions). */
  log(): Promise<string>;
  /**
   * Starts watching sipp's media port for an RTP packet of `payloadType`; the returned promise settles
   * when one arrives (or rejects after `timeoutMs`). Resolves once the watch is listening.
   */
  watchRtp(payloadType: number, timeoutMs: number): Promise<Promise<void>>;
  stop(): Promise<void>;
}

/** Four consecutive UDP ports that were free a moment ago: sipp's media port and the three after it. */
async function freeUdpPorts(count: number): Promise<number> {
  for (;;) {
    const sockets = [createSocket('udp4')];
    await new Promise<void>((resolve) => sockets[0]!.bind(0, '127.0.0.1', resolve));
    const base = sockets[0]!.address().port;
    let free = base + count < 65536;
    for (let offset = 1; free && offset < count; offset += 1) {
      const socket = createSocket('udp4');
      free = await new Promise<boolean>((resolve) => {
        socket.once('error', () => resolve(false));
        socket.bind(base + offset, '127.0.0.1', () => resolve(true));
      });
      sockets.push(socket);
    }
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    if (free) return base;
  }
}

/** The scenario with its placeholders filled; sipp strips each line's indentation itself. */
function filled(scenario: string, values: Record<string, string>): string {
  const text = scenario.replace(
    /^([ \t]*)\{\{(\w+)\}\}[ \t]*\r?\n/gm,
    (_line, indent: string, name: string) => {
      const value = values[name] ?? '';
      return value === '' ? '' : `${value.replace(/^/gm, indent)}\n`;
    },
  );
  return text.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => values[name] ?? '');
}

function sippArgs(options: {
  scenarioFile: string;
  dir: string;
  name: string;
  user: SipUser;
  sipPort: number;
  mediaPort: number;
  keys: Record<string, string | number>;
  edge: number | null;
  timeoutSeconds: number;
}): string[] {
  const keys = Object.entries(options.keys).flatMap(([key, value]) => ['-key', key, String(value)]);
  return [
    ...(options.edge === null ? [] : [`127.0.0.1:${options.edge}`]),
    '-sf',
    options.scenarioFile,
    '-i',
    '127.0.0.1',
    '-mi',
    '127.0.0.1',
    '-p',
    String(options.sipPort),
    '-mp',
    String(options.mediaPort),
    '-s',
    options.user.username,
    '-au',
    options.user.username,
    '-ap',
    options.user.password,
    '-m',
    '1',
    '-nostdin',
    '-timeout',
    `${options.timeoutSeconds}s`,
    '-timeout_error',
    '-trace_msg',
    '-message_file',
    join(options.dir, `${options.name}.messages.log`),
    '-trace_err',
    '-error_file',
    join(options.dir, `${options.name}.errors.log`),
    '-trace_logs',
    '-log_file',
    join(options.dir, `${options.name}.log`),
    ...keys,
  ];
}

function runSipp(
  args: string[],
  dir: string,
  name: string,
): { finished: Promise<SippResult>; stop(): Promise<void> } {
  const child = spawn('sipp', args, { cwd: dir, stdio: 'ignore' });
  trackChild(child);
  const finished = new Promise<SippResult>((resolve) =>
    child.once('exit', (code) => {
      void readFile(join(dir, `${name}.errors.log`), 'utf8')
        .catch(() => '')
        .then((errors) => resolve({ ok: code === 0, code, errors }));
    }),
  );
  return { finished, stop: () => stopProcess(child) };
}

/**
 * sipp as a SIP peer of the app, running one of the scenarios in e2e/sipp/ for one call through the test
 * stack's edge (Kamailio, and rtpengine between the app's DTLS-SRTP and sipp's plain RTP). With
 * `register`, the user is registered first with this sipp as its Contact, so that the app can call it.
 */
export async function startSipp(dir: string, options: SippOptions): Promise<Sipp> {
  await mkdir(dir, { recursive: true });
  const state = readStackState();
  const edge = options.edgeUdpPort ?? state.udpPort;
  const name = options.scenario.replace(/\.xml$/, '');
  const scenarioFile = join(dir, options.scenario);
  await writeFile(
    scenarioFile,
    filled(await readFile(join(SCENARIOS, options.scenario), 'utf8'), options.fill ?? {}),
  );
  const mediaPort = await freeUdpPorts(4);
  const sipPort = await freeUdpPort();
  const timeoutSeconds = options.timeoutSeconds ?? 60;
  // A scenario that starts by receiving waits for calls (a UAS); one that starts by sending calls the edge.
  const listens = /^\s*<scenario[^>]*>\s*(<!--[\s\S]*?-->\s*)*<recv/m.test(
    await readFile(scenarioFile, 'utf8'),
  );
  const args = sippArgs({
    scenarioFile,
    dir,
    name,
    user: options.user,
    sipPort,
    mediaPort,
    keys: options.keys ?? {},
    edge: listens ? null : edge,
    timeoutSeconds,
  });
  const run = runSipp([...args, ...(options.extraArgs ?? [])], dir, name);
  if (options.register) {
    const registerFile = join(SCENARIOS, 'register.xml');
    const registration = runSipp(
      sippArgs({
        scenarioFile: registerFile,
        dir,
        name: `${name}-register`,
        user: options.user,
        sipPort: await freeUdpPort(),
        mediaPort: await freeUdpPorts(4),
        keys: { contact_port: sipPort },
        edge,
        timeoutSeconds: 15,
      }),
      dir,
      `${name}-register`,
    );
    const result = await registration.finished;
    if (!result.ok) {
      await run.stop();
      throw new Error(`sipp could not register ${options.user.username}: ${result.errors}`);
    }
  }
  const messages = () => readFile(join(dir, `${name}.messages.log`), 'utf8').catch(() => '');
  return {
    sipPort,
    mediaPort,
    finished: run.finished,
    messages,
    async receivedSdp() {
      // sipp logs each message after a line "----- <date> ... message received [n] bytes :".
      const log = await messages();
      return log
        .split(/^-{5,}.*$/m)
        .filter((block) => /message received/.test(block) || /^\s*\S/.test(block))
        .map((block) =>
          block
            .split(/\r?\n\r?\n/)
            .slice(1)
            .join('\n\n'),
        )
        .filter((body) => /^v=0/m.test(body));
    },
    log: () => readFile(join(dir, `${name}.log`), 'utf8').catch(() => ''),
    watchRtp: (payloadType, timeoutMs) => watchRtp(mediaPort, payloadType, timeoutMs),
    stop: run.stop,
  };
}

/** tshark on the namespace's loopback, until the first RTP packet of `payloadType` to `port` (RTP's byte 1). */
async function watchRtp(port: number, payloadType: number, timeoutMs: number): Promise<Promise<void>> {
  const filter = `udp dst port ${port} and (udp[9] & 0x7f) = ${payloadType}`;
  const child = spawn('tshark', ['-i', 'lo', '-f', filter, '-c', '1', '-q'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  trackChild(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('Capturing on')) resolve();
    });
    void exited.then((code) => reject(new Error(`tshark exited (${code}): ${stderr}`)));
  });
  const timer = setTimeout(() => void stopProcess(child), timeoutMs);
  return exited.then((code) => {
    clearTimeout(timer);
    if (code !== 0)
      throw new Error(`no RTP packet of payload type ${payloadType} to port ${port} in ${timeoutMs} ms`);
  });
}

/** Who is who in a step's in-dialog request: the far end as callee (uas) or as caller (uac). */
const parties = {
  uas: { from: '<sip:[service]@softphone.test>;tag=[pid]far[call_number]', to: '[$caller]' },
  uac: { from: '<sip:[service]@softphone.test>;tag=[pid]caller[call_number]', to: '[$callee_to]' },
} as const;

/**
 * A step of a scenario (e2e/sipp/steps/NAME.xml) with its placeholders filled, for a scenario's
 * `{{in_call}}` or `{{steps}}`; `role` says whether the far end is the callee or the caller of the call.
 */
export function sippStep(
  name: string,
  role: keyof typeof parties,
  values: Record<string, string | number> = {},
): string {
  const text = readFileSync(join(SCENARIOS, 'steps', `${name}.xml`), 'utf8');
  return filled(text, {
    ...parties[role],
    ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])),
  });
}

import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../provider/ports.js';
import { spawnManaged, stopProcess } from '../provider/processes.js';
import type { SipUser } from './phone.js';
import { connectWhenListening } from './connect-when-listening.js';
import { eventLog } from './event-log.js';
import { readStackState, type StackState } from './stack-state.js';

/** An event baresip's ctrl_tcp module reports (REGISTER_OK, CALL_INCOMING, CALL_ESTABLISHED, CALL_DTMF_START…). */
export interface BaresipEvent {
  class: string;
  type: string;
  param?: string;
  peeruri?: string;
  id?: string;
}

export interface Baresip {
  user: SipUser;
  /** Every event so far, oldest first. */
  readonly events: readonly BaresipEvent[];
  /** Resolves with the first event (from the `since`-th on) of the type that matches `accept`. */
  waitForEvent(
    type: string,
    options?: { since?: number; timeoutMs?: number; accept?: (event: BaresipEvent) => boolean },
  ): Promise<BaresipEvent>;
  /** Runs a command of baresip's menu (dial, accept, hangup…) and returns its output. */
  command(command: string, params?: string): Promise<string>;
  /** Peak absolute sample (16-bit) of the audio baresip received and decoded in its calls so far. */
  receivedAudioPeak(): Promise<number>;
  logPath: string;
  stop(): Promise<void>;
}

/** Peak absolute sample of a 16-bit PCM WAV file (libsndfile fills in the chunk sizes only on close). */
function wavPeak(wav: Buffer): number {
  const data = wav.indexOf('data', 12, 'latin1');
  if (data < 0) return 0;
  let peak = 0;
  for (let offset = data + 8; offset + 1 < wav.length; offset += 2)
    peak = Math.max(peak, Math.abs(wav.readInt16LE(offset)));
  return peak;
}

export interface BaresipOptions {
  /**
   * 'udp' (default): SIP over UDP, RTP/AVP, no SRTP. 'tls': SIP over TLS to the edge's SIP-TLS port (the
   * run's CA verifies the edge) and SRTP with SDES keys only (`mediaenc=srtp-mand`), as desk phones of
   * providers that sign in over TLS do.
   */
  transport?: 'udp' | 'tls';
  /** The SIP edge it registers at, and the CA that verifies it (default: the e2e stack's, from its state file). */
  edge?: Pick<StackState, 'sipDomain' | 'udpPort' | 'sipTlsPort' | 'caCertPath'>;
  /**
   * 'sine' (default): it sends a 440 Hz sine. 'echo': an echo test number, baresip's echo module, which
   * answers every call itself and sends back what it hears (through aubridge).
   */
  audio?: 'sine' | 'echo';
  /** 'manual' (default): a call rings until `accept`. 'auto': baresip answers every call at once. */
  answer?: 'manual' | 'auto';
}

/**
 * baresip as a SIP phone, the kind of peer the provider bridges the app to: SIP over UDP (or TLS) to the
 * stack's Kamailio, G.711 and RFC 4733 telephone-events, no ICE, plain RTP (or SDES-SRTP over TLS). It
 * sends a 440 Hz sine (ausine) and records what it receives (sndfile: `dump-…-dec.wav`), has no sound card
 * (aubridge), and is driven through its ctrl_tcp JSON interface on a port chosen at run time. Its account
 * is created after the control connection is up, so that the REGISTER_OK event cannot be missed.
 */
export async function startBaresip(
  dir: string,
  user: SipUser,
  options: BaresipOptions = {},
): Promise<Baresip> {
  const tls = options.transport === 'tls';
  const state = options.edge ?? readStackState();
  const echo = options.audio === 'echo';
  const [sipPort, ctrlPort] = [await freePort(), await freePort()];
  await mkdir(dir, { recursive: true });
  // sndfile cuts file names at 128 bytes (both streams then share one file): recordings need a short path.
  const recordings = await mkdtemp(join(tmpdir(), 'baresip-'));
  await writeFile(
    join(dir, 'config'),
    [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      'net_interface 127.0.0.1',
      'call_local_timeout 120',
      'call_max_calls 4',
      ...(echo
        ? ['audio_source aubridge,nil']
        : // ausine produces 48 kHz stereo only; baresip resamples it for G.711.
          ['audio_source ausine,440', 'ausrc_srate 48000', 'ausrc_channels 2']),
      'audio_player aubridge,nil',
      'audio_alert aubridge,nil',
      'rtcp_mux no',
      'jitter_buffer_delay 5-10',
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      ...(tls ? [`sip_cafile ${state.caCertPath}`, 'module srtp.so'] : []),
      'module sndfile.so',
      'module aubridge.so',
      echo ? 'module_app echo.so' : 'module ausine.so',
      'module_tmp uuid.so',
      'module_tmp account.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      `snd_path ${recordings}`,
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'accounts'), '');

  const logPath = join(dir, 'baresip.log');
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawnManaged('baresip', ['-f', dir], { cwd: dir });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  child.once('close', () => log.end());
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`baresip exited (${code ?? signal}); see ${logPath}`)),
    ),
  );
  exited.catch(() => {});

  let socket: Socket;
  try {
    socket = await connectWhenListening({ host: '127.0.0.1', port: ctrlPort }, exited, 10_000);
  } catch (error) {
    await stopProcess(child);
    await rm(recordings, { recursive: true, force: true });
    throw error;
  }

  // A baresip that dies mid-test resets the connection: the waits below then fail on `exited`.
  socket.on('error', () => {});
  const received = eventLog<BaresipEvent>('baresip', (event) => event.type);
  const responses = new Map<string, (message: { ok: boolean; data: string }) => void>();
  let buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    // Netstrings: "<length>:<json>,"
    for (;;) {
      const colon = buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(buffer.subarray(0, colon).toString('latin1'));
      if (buffer.length < colon + 1 + length + 1) return;
      const message = JSON.parse(buffer.subarray(colon + 1, colon + 1 + length).toString('utf8')) as Record<
        string,
        unknown
      >;
      buffer = buffer.subarray(colon + 1 + length + 1);
      if (message.event) received.push(message as unknown as BaresipEvent);
      else if (message.response && typeof message.token === 'string') {
        responses.get(message.token)?.({ ok: message.ok === true, data: String(message.data ?? '') });
        responses.delete(message.token);
      }
    }
  });

  let tokens = 0;
  const command = (name: string, params = ''): Promise<string> =>
    Promise.race([
      new Promise<string>((resolve, reject) => {
        const token = `t${++tokens}`;
        responses.set(token, ({ ok, data }) =>
          ok ? resolve(data) : reject(new Error(`baresip ${name}: ${data}`)),
        );
        const json = Buffer.from(JSON.stringify({ command: name, params, token }));
        socket.write(Buffer.concat([Buffer.from(`${json.length}:`), json, Buffer.from(',')]));
      }),
      exited,
    ]);

  const waitForEvent: Baresip['waitForEvent'] = (type, options = {}) => {
    const { accept = () => true, ...wait } = options;
    return Promise.race([received.waitFor((event) => event.type === type && accept(event), wait), exited]);
  };

  const stop = async () => {
    socket.destroy();
    await stopProcess(child);
    await rm(recordings, { recursive: true, force: true });
  };

  try {
    // The account: registered over UDP through the stack's Kamailio (the outbound proxy) in the SIP domain.
    const [transport, port] = tls ? ['tls', state.sipTlsPort] : ['udp', state.udpPort];
    const account =
      `<sip:${user.username}@${state.sipDomain};transport=${transport}>;auth_pass=${user.password}` +
      `;outbound="sip:127.0.0.1:${port};transport=${transport}";regint=600;answermode=${options.answer ?? 'manual'}` +
      `;audio_codecs=PCMU,PCMA${tls ? ';mediaenc=srtp-mand' : ''}`;
    const since = received.events.length;
    await command('uanew', account);
    await waitForEvent('REGISTER_OK', { since });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    user,
    get events() {
      return received.events;
    },
    waitForEvent,
    command,
    logPath,
    async receivedAudioPeak() {
      const files = (await readdir(recordings)).filter((name) => name.endsWith('-dec.wav'));
      const peaks = await Promise.all(
        files.map(async (name) => wavPeak(await readFile(join(recordings, name)))),
      );
      return Math.max(0, ...peaks);
    },
    stop,
  };
}

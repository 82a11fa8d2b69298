import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../provider/ports.js';
import { spawnManaged, stopProcess } from '../provider/processes.js';
import type { SipUser } from './phone.js';
import { connectWhenListening } from './connect-when-listening.js';
import { eventLog } from './event-log.js';
import { readStackState } from './stack-state.js';

/** A message linphone-daemon sends: a command's answer (`Status: Ok`) or an event (`Event-type: ...`). */
export type LinphoneMessage = Record<string, string>;

export interface Linphone {
  user: SipUser;
  /** The UDP ports its RTP and RTCP may use (for a capture of what it receives). */
  rtpPorts: { first: number; last: number };
  /** Every event so far (`Event-type` call-state-changed, receiving-tone, ...), oldest first. */
  readonly events: readonly LinphoneMessage[];
  /** Resolves with the first event from the `since`-th on that matches. */
  waitForEvent(
    accept: (event: LinphoneMessage) => boolean,
    options?: { since?: number; timeoutMs?: number },
  ): Promise<LinphoneMessage>;
  /** Runs a daemon command (`call`, `answer`, `call-pause`, `dtmf`, `terminate`...); rejects unless `Status: Ok`. */
  command(line: string): Promise<LinphoneMessage>;
  logPath: string;
  stop(): Promise<void>;
}

/** The state event of a call (`LinphoneCallIncomingReceived`, `LinphoneCallStreamsRunning`...). */
export const callState = (state: string) => (event: LinphoneMessage) =>
  event['Event-type'] === 'call-state-changed' && event.Event === `LinphoneCall${state}`;

/** A digit linphone received in a call (RFC 4733 telephone-event, or SIP INFO). */
export const receivedTone = (event: LinphoneMessage) => event['Event-type'] === 'receiving-tone';

/** "Key: value" lines of one message (the first of a key wins, e.g. the first Id and State in a list). */
function parseMessage(text: string): LinphoneMessage {
  const message: LinphoneMessage = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon).trim();
    if (colon > 0 && !(key in message)) message[key] = line.slice(colon + 1).trim();
  }
  return message;
}

/**
 * linphone (liblinphone 5.1, Debian's linphone-cli), a SIP and media stack of its own, as a phone at the
 * provider: `linphone-daemon` registered over UDP at the stack's edge, driven through its command socket
 * (one connection; its events are popped from the daemon's queue), with G.711 only so that what it receives can be
 * measured on the wire (e2e/support/g711.ts). INTEROP-NOTES: it needs a writable
 * `$HOME/.local/share/linphone`, never takes `call-stats` (it crashes; statistics events are off too),
 * and rewrites its config file, so each instance gets a fresh one. It has no sound card: what it sends
 * in a call is a WAV file played into the call (`incall-player-start`).
 */
export async function startLinphone(
  dir: string,
  user: SipUser,
  options: { autoAnswer?: boolean } = {},
): Promise<Linphone> {
  const state = readStackState();
  const home = join(dir, 'home');
  await mkdir(join(home, '.local', 'share', 'linphone'), { recursive: true });
  const sipPort = await freePort();
  const rtpFirst = await freePort();
  const rtpPorts = { first: rtpFirst, last: rtpFirst + 9 };
  const configPath = join(dir, 'linphonerc');
  await writeFile(
    configPath,
    [
      '[sip]',
      `sip_port=${sipPort}`,
      // -2: no TCP or TLS socket (-1 would be a random port).
      'sip_tcp_port=-2',
      'sip_tls_port=-2',
      'register_only_when_network_is_up=0',
      'inc_timeout=60',
      'default_proxy=0',
      '[rtp]',
      `audio_rtp_port=${rtpPorts.first}-${rtpPorts.last}`,
      '[sound]',
      'echocancellation=0',
      '[net]',
      'firewall_policy=0',
      // The account: registered at the edge, which is also the route of its calls (the outbound proxy).
      '[proxy_0]',
      `reg_identity=sip:${user.username}@${state.sipDomain}`,
      `reg_proxy=<sip:127.0.0.1:${state.udpPort};transport=udp>`,
      `reg_route=<sip:127.0.0.1:${state.udpPort};transport=udp;lr>`,
      'reg_expires=600',
      'reg_sendregister=1',
      '[auth_info_0]',
      `username=${user.username}`,
      `passwd=${user.password}`,
      `realm=${state.sipDomain}`,
      `domain=${state.sipDomain}`,
      '',
    ].join('\n'),
  );
  // The command socket is /tmp/<name> (the daemon puts it there): a name unique to this instance.
  const pipeName = `softphone-linphone-${process.pid}-${sipPort}`;
  const logPath = join(dir, 'linphone.log');
  const output = createWriteStream(join(dir, 'linphone-daemon.out'), { flags: 'a' });
  const child = spawnManaged(
    'linphone-daemon',
    [
      '--config',
      configPath,
      '--pipe',
      pipeName,
      '--log',
      logPath,
      '--disable-stats-events',
      ...(options.autoAnswer ? ['--auto-answer'] : []),
    ],
    { cwd: dir, env: { ...process.env, HOME: home } },
  );
  child.stdout!.pipe(output, { end: false });
  child.stderr!.pipe(output, { end: false });
  child.once('close', () => output.end());
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`linphone-daemon exited (${code ?? signal}); see ${logPath}`)),
    ),
  );
  exited.catch(() => {});

  let socket: Socket;
  try {
    socket = await connectWhenListening({ path: `/tmp/${pipeName}` }, exited, 10_000);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  socket.on('error', () => {});
  const log = eventLog<LinphoneMessage>('linphone', (event) => event.Event ?? event['Event-type'] ?? '?');
  // Answers come on the socket: "Status: Ok" (or Error and a Reason), then maybe a body of several blocks.
  // Nothing marks an answer's end, but the daemon writes each answer at once and one command runs at a
  // time: an answer is complete when no more of it arrives for a moment.
  const answers: ((message: LinphoneMessage) => void)[] = [];
  let buffer = '';
  let settle: NodeJS.Timeout | undefined;
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    clearTimeout(settle);
    settle = setTimeout(() => {
      const text = buffer;
      buffer = '';
      // Events: popped ones (in a pop-event answer), and any the daemon sends unasked.
      log.push(
        ...text
          .split(/(?=^Event-type:)/m)
          .filter((part) => part.startsWith('Event-type:'))
          .map(parseMessage),
      );
      if (text.startsWith('Status:')) answers.shift()?.(parseMessage(text));
    }, 30);
  });

  // One command at a time: answers come back in order, between the events.
  let queue: Promise<unknown> = Promise.resolve();
  const command = (line: string): Promise<LinphoneMessage> => {
    const run = queue.then(() =>
      Promise.race([
        new Promise<LinphoneMessage>((resolve, reject) => {
          answers.push((message) =>
            message.Status === 'Ok'
              ? resolve(message)
              : reject(new Error(`linphone ${line}: ${JSON.stringify(message)}`)),
          );
          socket.write(`${line}\n`);
        }),
        exited,
      ]),
    );
    queue = run.catch(() => {});
    return run;
  };

  const waitForEvent: Linphone['waitForEvent'] = (accept, options) =>
    Promise.race([log.waitFor(accept, options), exited]);

  // While a client is connected, the daemon queues its events for `pop-event` (it prints them only when
  // none is): they are fetched here, one per command, until the queue is empty.
  let pumping = true;
  const pump = async () => {
    while (pumping) {
      const popped = await command('pop-event').catch(() => null);
      if (!popped || Number(popped.Size ?? 0) === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  void pump();

  const stop = async () => {
    pumping = false;
    socket.destroy();
    await stopProcess(child);
  };

  try {
    // G.711 only (payload types 0 and 8), so that what it receives can be measured on the wire.
    await command('audio-codec-disable ALL');
    await command('audio-codec-enable 0');
    await command('audio-codec-enable 8');
    const deadline = Date.now() + 15_000;
    for (;;) {
      const status = await command('register-status ALL');
      if (/RegistrationOk/.test(status.State ?? '')) break;
      if (Date.now() > deadline) throw new Error(`linphone did not register: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    user,
    rtpPorts,
    get events() {
      return log.events;
    },
    waitForEvent,
    command,
    logPath,
    stop,
  };
}

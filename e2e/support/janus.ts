import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { FINGERPRINT_HEADER } from '../../renderer/phone/sdp-policy.js';
import { freePort } from '../provider/ports.js';
import { spawnManaged, stopProcess } from '../provider/processes.js';
import { launchChromium } from './chromium.js';
import { attachJanusPlugin, type JanusEvent, type JanusHandle, type Jsep, sipEvent } from './janus-api.js';
import type { SipUser } from './phone.js';
import { readStackState } from './stack-state.js';

const run = promisify(execFile);

/**
 * Janus (Debian's janus 1.1.2) with only its SIP plugin, as a far end: a WebRTC-to-SIP gateway that
 * registers at the stack's edge like a phone, and terminates the DTLS of its WebRTC user itself. The
 * WebRTC user is a page in a Chromium of its own that sends a 440 Hz tone (WebAudio) and measures what it
 * receives; the test drives Janus through its HTTP API and carries the SDP between the two.
 */
export interface Janus {
  user: SipUser;
  /** The UDP ports of the SIP plugin's RTP (for a capture of what the gateway receives from the SIP side). */
  rtpPorts: { first: number; last: number };
  /** The SIP plugin's events, oldest first. */
  readonly events: readonly JanusEvent[];
  waitForEvent(name: string, options?: { since?: number; timeoutMs?: number }): Promise<JanusEvent>;
  /** Calls `uri`; resolves once the call is accepted and the answer applied to the WebRTC user. */
  call(uri: string): Promise<void>;
  /**
   * Answers the call that rings (from `since` on). `announceUserFingerprint`: the 200 OK carries the
   * app's fingerprint announcement (FINGERPRINT_HEADER) with the DTLS fingerprint of the WebRTC user, as a
   * gateway that passes its user's headers on would: true of the user, yet not of the media the app gets.
   */
  answer(since: number, options?: { announceUserFingerprint?: boolean }): Promise<void>;
  /** A request without SDP to the SIP plugin (hold, unhold, hangup…); resolves when `until` arrives. */
  request(body: Record<string, unknown>, until: string): Promise<JanusEvent>;
  /** Peak deviation from silence (0..128) of what the WebRTC user receives, over 1.5 s; -1 without audio. */
  receivedLevel(): Promise<number>;
  /** The SDP Janus sent its WebRTC user (the DTLS leg it terminates). */
  webrtcSdp(): string;
  logPath: string;
  stop(): Promise<void>;
}

const PLUGINS_DISABLED = [
  'audiobridge',
  'duktape',
  'echotest',
  'lua',
  'nosip',
  'recordplay',
  'streaming',
  'textroom',
  'videocall',
  'videoroom',
  'voicemail',
].map((name) => `libjanus_${name}.so`);
const TRANSPORTS_DISABLED = ['mqtt', 'nanomsg', 'pfunix', 'rabbitmq', 'websockets'].map(
  (name) => `libjanus_${name}.so`,
);

/** Janus's configuration, after /etc/janus's samples: loopback only, ports chosen at run time. */
async function writeConfig(
  dir: string,
  ports: { http: number; webrtc: number; sip: number },
  iceInterface: string,
) {
  const lib = '/usr/lib/x86_64-linux-gnu/janus';
  await writeFile(
    join(dir, 'janus.jcfg'),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${lib}/plugins"
  transports_folder = "${lib}/transports"
  events_folder = "${lib}/events"
  loggers_folder = "${lib}/loggers"
  debug_level = 4
}
media: { rtp_port_range = "${ports.webrtc}-${ports.webrtc + 9}" }
nat: { ice_enforce_list = "${iceInterface}" }
plugins: { disable = "${PLUGINS_DISABLED.join(',')}" }
transports: { disable = "${TRANSPORTS_DISABLED.join(',')}" }
loggers: { disable = "libjanus_jsonlog.so" }
`,
  );
  await writeFile(
    join(dir, 'janus.transport.http.jcfg'),
    `general: { base_path = "/janus" http = true ip = "127.0.0.1" port = ${ports.http} https = false }
admin: { admin_http = false }
`,
  );
  await writeFile(
    join(dir, 'janus.plugin.sip.jcfg'),
    `general: {
  local_ip = "127.0.0.1"
  # No OPTIONS keepalives: Sofia sends them to the account's domain, and the namespace has no DNS (its
  # resolver then retries without end and Janus never reports the registration).
  keepalive_interval = 0
  behind_nat = false
  register_ttl = 600
  rtp_port_range = "${ports.sip}-${ports.sip + 9}"
  sip_timer_t1x64 = 32000
}
`,
  );
}

/** What the WebRTC user's page offers the test (on `window.user`). */
interface WebrtcUser {
  /** A new offer, with all its candidates (Janus is not trickled). */
  offer(): Promise<Jsep>;
  /** Applies Janus's offer (and returns the answer) or its answer (and returns null). */
  take(jsep: Jsep): Promise<Jsep | null>;
  /** Peak deviation from silence (0..128) of what it receives, over 1.5 s; -1 without a live track. */
  level(): Promise<number>;
}

/** The WebRTC user's page: a peer connection that sends a 440 Hz tone and measures what it receives. */
async function webrtcUser(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  await page.evaluate(() => {
    const context = new AudioContext();
    const tone = context.createOscillator();
    tone.frequency.value = 440;
    const output = context.createMediaStreamDestination();
    tone.connect(output);
    tone.start();
    const connection = new RTCPeerConnection();
    for (const track of output.stream.getAudioTracks()) connection.addTrack(track, output.stream);
    const described = async (): Promise<Jsep> => {
      await new Promise<void>((resolve) => {
        const check = () => connection.iceGatheringState === 'complete' && resolve();
        connection.addEventListener('icegatheringstatechange', check);
        check();
      });
      const { type, sdp } = connection.localDescription!;
      return { type: type as Jsep['type'], sdp };
    };
    const user: WebrtcUser = {
      async offer() {
        await connection.setLocalDescription(await connection.createOffer());
        return described();
      },
      async take(jsep) {
        await connection.setRemoteDescription(jsep);
        if (jsep.type === 'answer') return null;
        await connection.setLocalDescription(await connection.createAnswer());
        return described();
      },
      async level() {
        const tracks = connection
          .getReceivers()
          .map((receiver) => receiver.track)
          .filter((track) => track.readyState === 'live');
        if (tracks.length === 0) return -1;
        // Chromium feeds a remote track into WebAudio only while a media element plays it.
        const audio = new Audio();
        audio.srcObject = new MediaStream(tracks);
        audio.muted = true;
        await audio.play();
        const analyser = context.createAnalyser();
        analyser.fftSize = 2048;
        const source = context.createMediaStreamSource(new MediaStream(tracks));
        source.connect(analyser);
        const samples = new Uint8Array(2048);
        let peak = 0;
        const until = performance.now() + 1500;
        while (performance.now() < until) {
          analyser.getByteTimeDomainData(samples);
          for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        source.disconnect();
        audio.srcObject = null;
        return peak;
      },
    };
    Object.assign(window, { user });
  });
  return page;
}

const ip = (...args: string[]) => run('ip', args);

/**
 * An interface for Janus's ICE: Janus never gathers candidates on a loopback interface (ice.c skips
 * IFF_LOOPBACK), and the test namespace has only lo. A veth pair with both ends in the namespace (there
 * is no dummy driver here) and a documentation address (RFC 5737, routed nowhere) keeps every packet inside
 * the namespace; it is deleted when Janus stops.
 */
async function addIceInterface(): Promise<{ name: string; remove(): Promise<void> }> {
  const name = `janus${randomBytes(3).toString('hex')}`;
  await ip('link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`);
  const remove = () => ip('link', 'del', name).then(() => undefined);
  try {
    await ip('addr', 'add', `192.0.2.${1 + randomInt(254)}/32`, 'dev', name);
    await ip('link', 'set', `${name}p`, 'up');
    await ip('link', 'set', name, 'up');
  } catch (error) {
    await remove();
    throw error;
  }
  return { name, remove };
}

export async function startJanus(dir: string, user: SipUser): Promise<Janus> {
  const state = readStackState();
  const etc = join(dir, 'etc');
  await mkdir(etc, { recursive: true });
  const ports = { http: await freePort(), webrtc: await freePort(), sip: await freePort() };
  const iceInterface = await addIceInterface();
  await writeConfig(etc, ports, iceInterface.name);
  const logPath = join(dir, 'janus.log');
  const output = createWriteStream(join(dir, 'janus.out'), { flags: 'a' });
  // TPORT_LOG: Sofia writes the SIP messages of the gateway's side to janus.out.
  const child = spawnManaged('janus', ['-C', join(etc, 'janus.jcfg'), '-F', etc, '-L', logPath, '-N', '-o'], {
    env: { ...process.env, TPORT_LOG: '1' },
  });
  child.stdout!.pipe(output, { end: false });
  child.stderr!.pipe(output, { end: false });
  child.once('close', () => output.end());
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`janus exited (${code ?? signal}); see ${logPath}`)),
    ),
  );
  exited.catch(() => {});

  const home = await mkdtemp(join(tmpdir(), 'janus-user-'));
  let browser: Browser | undefined;
  let handle: JanusHandle | undefined;
  const stop = async () => {
    // The plugin's events, kept beside Janus's log for whoever reads a failed run.
    if (handle) await writeFile(join(dir, 'events.json'), JSON.stringify(handle.events, null, 2));
    await handle?.close();
    await browser?.close();
    await stopProcess(child);
    await iceInterface.remove();
    await rm(home, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${ports.http}/janus`;
  let page: Page;
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const up = await Promise.race([
        fetch(`${baseUrl}/info`).then(
          (response) => response.ok,
          () => false,
        ),
        exited,
      ]);
      if (up) break;
      if (Date.now() > deadline) throw new Error(`janus did not answer on ${baseUrl}; see ${logPath}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    handle = await attachJanusPlugin(baseUrl, 'janus.plugin.sip');
    browser = await launchChromium({ home });
    page = await webrtcUser(browser);
    await handle.message({
      request: 'register',
      username: `sip:${user.username}@${state.sipDomain}`,
      secret: user.password,
      proxy: `sip:127.0.0.1:${state.udpPort}`,
      // Its calls go through the edge too, as a phone's do (the SIP domain has no DNS here).
      outbound_proxy: `sip:127.0.0.1:${state.udpPort}`,
      force_udp: true,
    });
    await handle.waitForEvent(sipEvent('registered'));
  } catch (error) {
    await stop();
    throw error;
  }
  const sip = handle;

  let webrtcSdp = '';
  /** The page takes Janus's offer or answer; returns its answer to an offer. */
  const take = (jsep: Jsep): Promise<Jsep | null> => {
    webrtcSdp = jsep.sdp;
    return page.evaluate((remote) => (window as unknown as { user: WebrtcUser }).user.take(remote), jsep);
  };

  const waitForEvent: Janus['waitForEvent'] = (name, options) =>
    Promise.race([sip.waitForEvent(sipEvent(name), options), exited]);

  return {
    user,
    rtpPorts: { first: ports.sip, last: ports.sip + 9 },
    get events() {
      return sip.events;
    },
    waitForEvent,
    async call(uri) {
      const since = sip.events.length;
      const offer = await page.evaluate(() => (window as unknown as { user: WebrtcUser }).user.offer());
      await sip.message({ request: 'call', uri }, offer);
      const accepted = await waitForEvent('accepted', { since });
      if (accepted.jsep) await take(accepted.jsep);
    },
    async answer(since, options = {}) {
      const incoming = await waitForEvent('incomingcall', { since });
      if (!incoming.jsep) throw new Error('janus: an incoming call without SDP');
      const answer = (await take(incoming.jsep))!;
      const fingerprint = /^a=fingerprint:(\S+ \S+)/m.exec(answer.sdp)?.[1];
      const headers =
        options.announceUserFingerprint && fingerprint ? { [FINGERPRINT_HEADER]: fingerprint } : undefined;
      await sip.message({ request: 'accept', ...(headers && { headers }) }, answer);
      await waitForEvent('accepted', { since });
    },
    async request(body, until) {
      const since = sip.events.length;
      await sip.message(body);
      return waitForEvent(until, { since });
    },
    receivedLevel: () => page.evaluate(() => (window as unknown as { user: WebrtcUser }).user.level()),
    webrtcSdp: () => webrtcSdp,
    logPath,
    stop,
  };
}

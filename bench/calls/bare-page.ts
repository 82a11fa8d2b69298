// A bare JsSIP page: no React, no app code. The calls benchmark measures it side by side with the app,
// with the same User Timing marks, so that the app's overhead shows as a ratio.
import JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { RTCSessionEvent, UA } from 'jssip/lib/UA';

interface BareConfig {
  wssUrl: string;
  uri: string;
  authorizationUser: string;
  ha1: string;
  realm: string;
  iceServers: RTCIceServer[];
}

let ua: UA | null = null;
let config: BareConfig | null = null;
const sessions = new Set<RTCSession>();

function pcConfig(): RTCConfiguration {
  return { iceServers: config?.iceServers ?? [], rtcpMuxPolicy: 'require', bundlePolicy: 'balanced' };
}

/** Plays the far end, as any phone must (JsSIP leaves that to the page); returns the removal. */
function playRemote(session: RTCSession): () => void {
  const audio = document.createElement('audio');
  audio.autoplay = true;
  document.body.append(audio);
  const attach = (connection: RTCPeerConnection) =>
    connection.addEventListener('track', (event) => {
      audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      void audio.play().catch(() => undefined);
    });
  if (session.connection) attach(session.connection);
  else session.on('peerconnection', ({ peerconnection }) => attach(peerconnection));
  return () => audio.remove();
}

function follow(session: RTCSession): void {
  sessions.add(session);
  const stopPlaying = playRemote(session);
  session.on('confirmed', () => performance.mark('softphone:confirmed'));
  const end = () => {
    stopPlaying();
    sessions.delete(session);
  };
  session.on('ended', end);
  session.on('failed', end);
  session.on('icecandidate', (event) => {
    if (event.candidate.candidate) event.ready();
  });
}

const bare = {
  /** Starts a user agent and resolves once it is registered. */
  register(next: BareConfig): Promise<void> {
    ua?.stop();
    config = next;
    const agent = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(next.wssUrl)],
      uri: next.uri,
      authorization_user: next.authorizationUser,
      ha1: next.ha1,
      realm: next.realm,
      register: true,
      session_timers: true,
    });
    ua = agent;
    agent.on('newRTCSession', ({ originator, session }: RTCSessionEvent) => {
      if (originator !== 'remote') return;
      performance.mark('softphone:incoming');
      performance.mark('softphone:answer');
      follow(session);
      session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: pcConfig() });
    });
    performance.mark('softphone:register');
    agent.start();
    return new Promise((resolve, reject) => {
      agent.on('registered', () => {
        performance.mark('softphone:registered');
        resolve();
      });
      agent.on('registrationFailed', ({ cause }) => reject(new Error(cause)));
    });
  },
  call(target: string): void {
    if (!ua) throw new Error('not registered');
    performance.mark('softphone:call');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const session = ua.call(target, {
      mediaConstraints: { audio: true, video: false },
      pcConfig: pcConfig(),
      eventHandlers: {
        icecandidate: (event) => {
          clearTimeout(timer);
          if (event.candidate.candidate) event.ready();
          else timer = setTimeout(event.ready, 500);
        },
      },
    });
    follow(session);
  },
  hangupAll(): void {
    for (const session of sessions) session.terminate();
  },
  calls(): number {
    return sessions.size;
  },
};

Object.assign(window, { bare });

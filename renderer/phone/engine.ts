import JsSIP from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { RTCSessionEvent, UA } from 'jssip/lib/UA';
import type { CallEvent, CallDisposition, MediaEncryption } from '../../shared/domain/calls';
import type { SipRegistration, TlsProbeResult } from '../../shared/domain/sip-account';
import { deriveSas } from './sas';

export type RegistrationError =
  | 'wrong-credentials'
  | 'untrusted-certificate'
  | 'hostname-mismatch'
  | 'certificate-expired'
  | 'pin-mismatch'
  | 'unreachable'
  | 'no-network'
  | 'rejected';

export type RegistrationStatus =
  | { state: 'offline' }
  | { state: 'connecting' }
  | { state: 'registered' }
  | { state: 'error'; error: RegistrationError };

export type CallState = 'dialing' | 'ringing' | 'incoming' | 'active' | 'ended';

export interface CallView {
  id: string;
  direction: 'incoming' | 'outgoing';
  remoteUri: string;
  remoteName: string | null;
  state: CallState;
  muted: boolean;
  heldLocally: boolean;
  heldRemotely: boolean;
  startedAt: number;
  answeredAt: number | null;
  encryption: MediaEncryption | null;
  sas: string | null;
  endCause: string | null;
}

export interface PhoneEngineDeps {
  report(event: CallEvent): void;
  probeTls(url: string): Promise<TlsProbeResult>;
  publish(update: { registration?: RegistrationStatus; calls?: CallView[] }): void;
  now(): number;
}

/**
 * Whether the far end terminates DTLS itself (a WebRTC client: its SDP carries the WebRTC stack's
 * `a=msid-semantic` next to the fingerprint) or a gateway of the provider bridged the media (a PBX or an
 * RTP phone behind rtpengine has no msid-semantic). Only the first may be called end-to-end.
 */
export function encryptionScope(remoteSdp: string): MediaEncryption['scope'] {
  if (!/^a=fingerprint:/m.test(remoteSdp)) return 'unknown';
  return /^a=msid-semantic:/m.test(remoteSdp) ? 'end-to-end' : 'to-provider';
}

async function readEncryption(connection: RTCPeerConnection): Promise<MediaEncryption> {
  const stats = await connection.getStats();
  for (const report of stats.values() as IterableIterator<{
    type: string;
    dtlsState?: MediaEncryption['dtlsState'];
    srtpCipher?: string;
  }>) {
    if (report.type === 'transport') {
      return {
        dtlsState: report.dtlsState ?? null,
        srtpCipher: report.srtpCipher ?? null,
        scope: encryptionScope(connection.remoteDescription?.sdp ?? ''),
      };
    }
  }
  return { dtlsState: null, srtpCipher: null, scope: 'unknown' };
}

/** Wait at most this long for a first usable ICE candidate before sending the offer (FIELD-NOTES). */
const ICE_READY_TIMEOUT_MS = 500;

const probeErrors: Partial<Record<TlsProbeResult['outcome'], RegistrationError>> = {
  untrusted: 'untrusted-certificate',
  'hostname-mismatch': 'hostname-mismatch',
  expired: 'certificate-expired',
  'pin-mismatch': 'pin-mismatch',
  refused: 'unreachable',
  unreachable: 'unreachable',
  timeout: 'unreachable',
  'tls-error': 'unreachable',
};

function disposition(cause: string, direction: CallView['direction'], answered: boolean): CallDisposition {
  if (answered) return 'answered';
  const { causes } = JsSIP.C;
  if (cause === causes.BUSY) return 'busy';
  if (cause === causes.REJECTED) return 'declined';
  if (cause === causes.CANCELED) return direction === 'incoming' ? 'missed' : 'cancelled';
  if (direction === 'incoming' && (cause === causes.NO_ANSWER || cause === causes.EXPIRES)) return 'missed';
  return 'failed';
}

/**
 * The phone: one JsSIP user agent over wss://, DTLS-SRTP calls, and the reporting of every call's
 * lifecycle to main. It holds no UI; the store renders what it publishes.
 */
export class PhoneEngine {
  private ua: UA | null = null;
  private registration: SipRegistration | null = null;
  private status: RegistrationStatus = { state: 'offline' };
  private readonly calls = new Map<
    string,
    { view: CallView; session: RTCSession; audio: HTMLAudioElement | null }
  >();

  constructor(private readonly deps: PhoneEngineDeps) {
    window.addEventListener('online', () => this.reconnectNow());
  }

  get domain(): string {
    return this.registration ? this.registration.sipUri.slice(this.registration.sipUri.indexOf('@') + 1) : '';
  }

  start(registration: SipRegistration): void {
    this.stop();
    this.registration = registration;
    const socket = new JsSIP.WebSocketInterface(registration.wssUrl);
    const ua = new JsSIP.UA({
      sockets: [socket],
      uri: registration.sipUri,
      authorization_user: registration.authorizationUser,
      ha1: registration.ha1,
      realm: registration.realm,
      display_name: registration.displayName || undefined,
      register: true,
      register_expires: 300,
      session_timers: true,
      connection_recovery_min_interval: 1,
      connection_recovery_max_interval: 5,
      user_agent: 'Secure Softphone',
    });
    this.ua = ua;
    this.setStatus({ state: 'connecting' });
    // After a lost connection, every established call is refreshed (re-INVITE through the new
    // connection, with the new Contact), so that the far end's BYE still reaches us.
    let reconnecting = false;
    ua.on('registered', () => {
      if (this.ua !== ua) return;
      this.setStatus({ state: 'registered' });
      if (reconnecting) {
        reconnecting = false;
        this.refreshCalls();
      }
    });
    ua.on('unregistered', () => {
      if (this.ua === ua) this.setStatus({ state: 'connecting' });
    });
    ua.on('registrationFailed', (event) => {
      if (this.ua !== ua) return;
      const error: RegistrationError =
        event.cause === JsSIP.C.causes.AUTHENTICATION_ERROR ? 'wrong-credentials' : 'rejected';
      this.setStatus({ state: 'error', error });
    });
    ua.on('disconnected', () => {
      if (this.ua !== ua) return;
      reconnecting = true;
      if (this.status.state === 'error') return;
      void this.explainDisconnect(registration.wssUrl, ua);
    });
    ua.on('connected', () => {
      if (this.status.state === 'error' && this.status.error !== 'wrong-credentials')
        this.setStatus({ state: 'connecting' });
    });
    ua.on('newRTCSession', (event: RTCSessionEvent) => {
      if (this.ua === ua && event.originator === 'remote') this.addIncoming(event.session);
    });
    ua.start();
  }

  /**
   * The browser reports every WebSocket failure as 1006; main's TLS probe tells which one it was. An
   * unreachable server while the browser knows it is offline is the network's fault, not the server's.
   */
  private async explainDisconnect(url: string, ua: UA): Promise<void> {
    const probe = await this.deps.probeTls(url).catch((): TlsProbeResult => ({ outcome: 'unreachable' }));
    if (this.ua !== ua || ua.isConnected()) return;
    const mapped = probeErrors[probe.outcome];
    const error = mapped === 'unreachable' && !navigator.onLine ? 'no-network' : mapped;
    this.setStatus(error ? { state: 'error', error } : { state: 'connecting' });
  }

  private refreshCalls(): void {
    for (const { session, view } of this.calls.values()) {
      if (view.state === 'active' && session.isEstablished()) session.renegotiate();
    }
  }

  /** On `online` and on resume: reconnect at once instead of waiting for JsSIP's back-off. */
  reconnectNow(): void {
    if (!this.ua || this.ua.isConnected()) return;
    // JsSIP has no public "reconnect now"; its transport's connect() is a no-op while connected or
    // connecting, and otherwise cuts the back-off short without touching calls in progress.
    (this.ua as unknown as { _transport?: { connect(): void } })._transport?.connect();
  }

  stop(): void {
    const ua = this.ua;
    this.ua = null;
    // Handlers of a stopped agent check `this.ua` and ignore what it still reports.
    ua?.stop();
    this.setStatus({ state: 'offline' });
  }

  call(targetUri: string): string | null {
    if (!this.ua || this.status.state !== 'registered') return null;
    let readyTimer: ReturnType<typeof setTimeout> | undefined;
    const session = this.ua.call(targetUri, {
      mediaConstraints: { audio: true, video: false },
      pcConfig: { iceServers: [], rtcpMuxPolicy: 'require', bundlePolicy: 'max-bundle' },
      eventHandlers: {
        // Fires inside ua.call(), before `session` exists: the track handler finds its call by connection.
        peerconnection: ({ peerconnection }) => this.attachRemoteAudio(null, peerconnection),
        icecandidate: (event) => {
          // Send the offer with the first usable candidate instead of waiting for gathering to finish.
          clearTimeout(readyTimer);
          if (event.candidate.candidate) event.ready();
          else readyTimer = setTimeout(event.ready, ICE_READY_TIMEOUT_MS);
        },
      },
    });
    const view = this.newView(session, 'outgoing', 'dialing');
    this.track(view, session);
    return view.id;
  }

  answer(id: string): void {
    const entry = this.calls.get(id);
    if (!entry || entry.view.state !== 'incoming') return;
    for (const other of this.calls.values()) {
      if (other.view.id !== id && other.view.state === 'active' && !other.view.heldLocally)
        this.setHold(other.view.id, true);
    }
    entry.session.answer({
      mediaConstraints: { audio: true, video: false },
      pcConfig: { iceServers: [], rtcpMuxPolicy: 'require', bundlePolicy: 'max-bundle' },
    });
  }

  decline(id: string, busy = false): void {
    this.calls
      .get(id)
      ?.session.terminate(
        busy
          ? { status_code: 486, reason_phrase: 'Busy Here' }
          : { status_code: 603, reason_phrase: 'Decline' },
      );
  }

  hangup(id: string): void {
    const entry = this.calls.get(id);
    if (entry && !entry.session.isEnded()) entry.session.terminate();
  }

  setMuted(id: string, muted: boolean): void {
    const entry = this.calls.get(id);
    if (!entry) return;
    if (muted) entry.session.mute({ audio: true });
    else entry.session.unmute({ audio: true });
    this.update(id, { muted });
  }

  setHold(id: string, hold: boolean): void {
    const entry = this.calls.get(id);
    if (!entry) return;
    if (hold) entry.session.hold();
    else entry.session.unhold();
  }

  sendDtmf(id: string, tones: string, transport: 'RFC2833' | 'INFO' = 'RFC2833'): void {
    if (!/^[0-9A-D*#]+$/i.test(tones)) return;
    // RFC 4733 telephone-events in the media stream by default; SIP INFO where the provider needs it.
    this.calls
      .get(id)
      ?.session.sendDTMF(tones, { transportType: transport as never, duration: 120, interToneGap: 80 });
  }

  private newView(session: RTCSession, direction: CallView['direction'], state: CallState): CallView {
    const identity = session.remote_identity;
    return {
      id: session.id ?? crypto.randomUUID(),
      direction,
      remoteUri: identity.uri.toString(),
      remoteName: identity.display_name || null,
      state,
      muted: false,
      heldLocally: false,
      heldRemotely: false,
      startedAt: this.deps.now(),
      answeredAt: null,
      encryption: null,
      sas: null,
      endCause: null,
    };
  }

  private addIncoming(session: RTCSession): void {
    const view = this.newView(session, 'incoming', 'incoming');
    session.on('peerconnection', ({ peerconnection }) => this.attachRemoteAudio(view.id, peerconnection));
    session.on('icecandidate', (event) => {
      if (event.candidate.candidate) event.ready();
    });
    this.track(view, session);
  }

  private track(view: CallView, session: RTCSession): void {
    this.calls.set(view.id, { view, session, audio: null });
    this.publishCalls();
    this.deps.report({
      type: 'started',
      callId: view.id,
      at: view.startedAt,
      direction: view.direction,
      account: this.registration?.sipUri ?? 'sip:unknown@invalid',
      remoteUri: view.remoteUri.startsWith('sip') ? view.remoteUri : `sip:${view.remoteUri}`,
      remoteName: view.remoteName,
    });
    session.on('progress', () => {
      if (view.direction === 'outgoing') {
        this.update(view.id, { state: 'ringing' });
        this.deps.report({ type: 'ringing', callId: view.id, at: this.deps.now() });
      }
    });
    session.on('confirmed', () => {
      const at = this.deps.now();
      this.update(view.id, { state: 'active', answeredAt: at });
      this.deps.report({ type: 'answered', callId: view.id, at });
      void this.inspectMedia(view.id, session);
    });
    session.on('hold', ({ originator }) => this.onHold(view.id, originator, true));
    session.on('unhold', ({ originator }) => this.onHold(view.id, originator, false));
    const end = (cause: string) => {
      const entry = this.calls.get(view.id);
      if (!entry || entry.view.state === 'ended') return;
      entry.audio?.remove();
      const answered = entry.view.answeredAt !== null;
      this.update(view.id, { state: 'ended', endCause: cause });
      this.deps.report({
        type: 'ended',
        callId: view.id,
        at: this.deps.now(),
        disposition: disposition(cause, view.direction, answered),
        cause: cause.slice(0, 128),
      });
      this.calls.delete(view.id);
      this.publishCalls();
    };
    session.on('ended', ({ cause }) => end(cause));
    session.on('failed', ({ cause }) => end(cause));
  }

  private onHold(id: string, originator: string, held: boolean): void {
    const by = originator === 'local' ? 'local' : 'remote';
    this.update(id, by === 'local' ? { heldLocally: held } : { heldRemotely: held });
    this.deps.report({ type: 'held', callId: id, at: this.deps.now(), by, held });
  }

  private attachRemoteAudio(id: string | null, connection: RTCPeerConnection): void {
    connection.addEventListener('track', (event) => {
      const entry =
        (id && this.calls.get(id)) ||
        [...this.calls.values()].find((candidate) => candidate.session.connection === connection);
      const audio = document.createElement('audio');
      audio.autoplay = true;
      audio.hidden = true;
      audio.dataset.callId = entry?.view.id ?? id ?? '';
      audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      document.body.append(audio);
      if (entry) entry.audio = audio;
      void audio.play().catch(() => {
        // Autoplay is allowed for the app's own window; nothing to recover here.
      });
    });
  }

  /** Encryption as the browser reports it (DTLS state, SRTP cipher) and the SAS from both fingerprints. */
  private async inspectMedia(id: string, session: RTCSession): Promise<void> {
    const connection = session.connection;
    if (!connection?.localDescription || !connection.remoteDescription) return;
    const sas = await deriveSas(connection.localDescription.sdp, connection.remoteDescription.sdp);
    let encryption = await readEncryption(connection);
    // DTLS completes shortly after the call is confirmed; look again for up to two seconds.
    for (let attempt = 0; attempt < 20 && encryption.dtlsState !== 'connected'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      encryption = await readEncryption(connection);
    }
    if (!this.calls.has(id)) return;
    this.update(id, { encryption, sas });
    this.deps.report({ type: 'encryption', callId: id, at: this.deps.now(), encryption });
  }

  private update(id: string, patch: Partial<CallView>): void {
    const entry = this.calls.get(id);
    if (!entry) return;
    entry.view = { ...entry.view, ...patch };
    this.publishCalls();
  }

  private publishCalls(): void {
    this.deps.publish({ calls: [...this.calls.values()].map((entry) => entry.view) });
  }

  private setStatus(status: RegistrationStatus): void {
    this.status = status;
    this.deps.publish({ registration: status });
  }
}

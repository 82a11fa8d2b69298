import JsSIP from 'jssip';
import type {
  IncomingDTMFEvent,
  IncomingEvent,
  OutgoingDTMFEvent,
  OutgoingEvent,
  ReferEvent,
  RTCSession,
} from 'jssip/lib/RTCSession';
import type { RTCSessionEvent, UA } from 'jssip/lib/UA';
import type { CallEvent, CallDisposition, MediaEncryption } from '../../shared/domain/calls';
import type { SipRegistration, TlsProbeResult } from '../../shared/domain/sip-account';
import type { Settings } from '../../shared/settings/settings';
import { MicrophoneError, openMicrophone, type MicrophoneProblem } from './audio-devices';
import { assessQuality, sampleFromStats, type CallQuality, type QualitySample } from './call-quality';
import { ConferenceMixer } from './conference';
import { iceReadiness } from './ice-gate';
import { deriveSas } from './sas';
import { routeToDevice, TonePlayer, type Tone } from './tones';

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
  /** What the person said after comparing the security code with the far end: null until then. */
  sasMatched: boolean | null;
  endCause: string | null;
  /** The far end sends early media (announcements, its own ringback); no local ringback then. */
  earlyMedia: boolean;
  /** Part of the local three-way conference. */
  conference: boolean;
  /** A transfer we asked for: under way, or refused by the far end or the target. */
  transfer: 'pending' | 'failed' | null;
  quality: CallQuality | null;
  /** DTMF digits the far end sent by SIP INFO (RFC 4733 events are not exposed by browsers). */
  dtmfReceived: string;
  /** Why the microphone could not be opened for this call, if it could not. */
  microphoneProblem: MicrophoneProblem | null;
  /** The microphone this call uses, as the system names it. */
  microphoneLabel: string | null;
}

export type PhonePreferences = Pick<
  Settings,
  'doNotDisturb' | 'dtmfTransport' | 'microphoneId' | 'speakerId' | 'ringDeviceId'
>;

export type CallStartResult =
  { ok: true; id: string } | { ok: false; problem: 'not-registered' | 'already-calling' | MicrophoneProblem };

export interface PhoneEngineDeps {
  report(event: CallEvent): void;
  probeTls(url: string): Promise<TlsProbeResult>;
  publish(update: { registration?: RegistrationStatus; calls?: CallView[] }): void;
  now(): number;
  preferences(): PhonePreferences;
  /** STUN/TURN servers from policy. */
  iceServers(): RTCIceServer[];
  /** Whether policy pins the provider's keys: only then is the server probed before connecting. */
  pinsConfigured(): boolean;
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

/**
 * User Timing marks of registration and call setup, for the DevTools performance panel and for
 * `npm run bench -- calls`, which reads them the same way from the app and from a bare JsSIP page.
 */
export const marks = {
  register: 'softphone:register',
  registered: 'softphone:registered',
  call: 'softphone:call',
  incoming: 'softphone:incoming',
  answer: 'softphone:answer',
  confirmed: 'softphone:confirmed',
} as const;

/** How often the call-quality indicator samples getStats. */
const QUALITY_INTERVAL_MS = 2000;

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

function sipUriOf(uri: string): string {
  return uri.startsWith('sip') ? uri : `sip:${uri}`;
}

interface CallEntry {
  view: CallView;
  session: RTCSession;
  audio: HTMLAudioElement | null;
  /** The microphone stream we opened for this call; JsSIP does not stop streams it was given. */
  microphone: MediaStream | null;
  /** The microphone setting the stream was opened with. */
  microphoneChoice: string;
  qualitySample: QualitySample | null;
  /** The address we dialled (outgoing calls only), as it was given to call(). */
  dialledUri: string | null;
  /** Answer was pressed and the microphone is opening: a second press must not open another one. */
  answering: boolean;
}

/**
 * The phone: one JsSIP user agent over wss://, DTLS-SRTP calls with a second line, transfer and a local
 * conference, and the reporting of every call's lifecycle to main. It holds no UI; the store renders
 * what it publishes.
 */
export class PhoneEngine {
  private ua: UA | null = null;
  private registration: SipRegistration | null = null;
  private status: RegistrationStatus = { state: 'offline' };
  private readonly calls = new Map<string, CallEntry>();
  private readonly tones = new TonePlayer();
  private conference: { ids: [string, string]; mixer: Promise<ConferenceMixer> } | null = null;
  /** Incoming INVITEs with Replaces we accepted (attended transfer to us): answered without ringing. */
  private readonly replacements = new WeakSet<RTCSession>();
  /** Targets whose microphone is being opened by call(): a double-click on Call dials them once. */
  private readonly placing = new Set<string>();
  private qualityTimer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly deps: PhoneEngineDeps) {
    window.addEventListener('online', () => this.reconnectNow());
    navigator.mediaDevices?.addEventListener?.('devicechange', () => void this.applyAudioDevices());
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
    performance.mark(marks.register);
    // After a lost connection, every established call is refreshed (re-INVITE through the new
    // connection, with the new Contact), so that the far end's BYE still reaches us.
    let reconnecting = false;
    ua.on('registered', () => {
      if (this.ua !== ua) return;
      performance.mark(marks.registered);
      this.setStatus({ state: 'registered' });
      // Tones are rendered while nothing else happens, not when the first call rings.
      this.tones.prepare();
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
    // Without pins the browser's own verification decides; failures are explained afterwards.
    if (this.deps.pinsConfigured()) void this.startWhenPinned(registration.wssUrl, ua);
    else ua.start();
  }

  /**
   * Certificate pins from policy: in Electron the session's certificate verification enforces them on the
   * WebSocket itself, but a browser (the e2e shell) knows no pins. Main's TLS probe applies the same
   * decision first, so that a server whose key is not pinned never receives a REGISTER. Other outcomes are
   * left to the browser's own verification and to `explainDisconnect`.
   */
  private async startWhenPinned(url: string, ua: UA): Promise<void> {
    const probe = await this.deps.probeTls(url).catch((): TlsProbeResult => ({ outcome: 'tls-error' }));
    if (this.ua !== ua) return;
    if (probe.outcome === 'pin-mismatch') this.setStatus({ state: 'error', error: 'pin-mismatch' });
    else ua.start();
  }

  /**
   * New credentials for the same account (the provider rotates short-lived ones): the agent keeps its
   * connection and its calls, takes the new HA1 and registers again. Another account starts afresh.
   */
  updateRegistration(registration: SipRegistration): void {
    const current = this.registration;
    const ua = this.ua;
    if (
      !ua ||
      !current ||
      current.sipUri !== registration.sipUri ||
      current.wssUrl !== registration.wssUrl ||
      current.authorizationUser !== registration.authorizationUser
    ) {
      this.start(registration);
      return;
    }
    if (current.ha1 === registration.ha1 && current.realm === registration.realm) return;
    this.registration = registration;
    ua.set('realm', registration.realm);
    ua.set('ha1', registration.ha1);
    ua.set('display_name', registration.displayName || undefined);
    ua.register();
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

  /** Re-INVITE with an ICE restart: the new Contact reaches the far end, and media follows a new network. */
  private refreshCalls(): void {
    for (const { session, view } of this.calls.values()) {
      if (view.state === 'active' && session.isEstablished())
        session.renegotiate({ rtcOfferConstraints: { iceRestart: true } });
    }
  }

  /** On `online` and on resume from sleep: reconnect at once instead of waiting for JsSIP's back-off. */
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

  private pcConfig(): RTCConfiguration {
    // 'balanced' (Chromium's default): rtpengine, carrier SBCs and PBXs offer and answer one audio m-line
    // without a=group:BUNDLE, which 'max-bundle' refuses in both directions (FIELD-NOTES, Interop).
    // Chromium accepts only rtcpMuxPolicy 'require'.
    return { iceServers: this.deps.iceServers(), rtcpMuxPolicy: 'require', bundlePolicy: 'balanced' };
  }

  /** Options for every call we place, by dialling or because the far end transferred us (REFER). */
  private outgoingOptions(microphone: MediaStream) {
    return {
      mediaStream: microphone,
      mediaConstraints: { audio: true, video: false },
      pcConfig: this.pcConfig(),
      eventHandlers: {
        // Fires inside connect(), before the session is returned: the track handler finds its call by connection.
        peerconnection: ({ peerconnection }: { peerconnection: RTCPeerConnection }) =>
          this.attachRemoteAudio(null, peerconnection),
        // Send the offer as soon as it carries what the network needs, not when gathering finishes.
        icecandidate: iceReadiness(this.deps.iceServers()),
      },
    };
  }

  /**
   * Places a call. The microphone is opened first: without it nothing is dialled. A target that is being
   * dialled already (Call pressed twice) is not dialled again.
   */
  async call(targetUri: string): Promise<CallStartResult> {
    performance.mark(marks.call);
    if (!this.ua || this.status.state !== 'registered') return { ok: false, problem: 'not-registered' };
    const dialling = [...this.calls.values()].some(
      (entry) => entry.dialledUri === targetUri && ['dialing', 'ringing'].includes(entry.view.state),
    );
    if (dialling || this.placing.has(targetUri)) return { ok: false, problem: 'already-calling' };
    this.placing.add(targetUri);
    let microphone: MediaStream;
    try {
      microphone = await openMicrophone(this.deps.preferences().microphoneId);
    } catch (error) {
      if (error instanceof MicrophoneError) return { ok: false, problem: error.problem };
      throw error;
    } finally {
      this.placing.delete(targetUri);
    }
    const ua = this.ua as UA | null;
    if (!ua) {
      microphone.getTracks().forEach((track) => track.stop());
      return { ok: false, problem: 'not-registered' };
    }
    this.holdOthers(null);
    const session = ua.call(targetUri, this.outgoingOptions(microphone) as never);
    const view = this.newView(session, 'outgoing', 'dialing');
    this.track(view, session, microphone, targetUri);
    return { ok: true, id: view.id };
  }

  async answer(id: string): Promise<boolean> {
    const entry = this.calls.get(id);
    if (!entry || entry.view.state !== 'incoming' || entry.answering) return false;
    entry.answering = true;
    performance.mark(marks.answer);
    this.updateTones(false);
    let microphone: MediaStream;
    try {
      microphone = await openMicrophone(this.deps.preferences().microphoneId);
    } catch (error) {
      entry.answering = false;
      if (!(error instanceof MicrophoneError)) throw error;
      // The call keeps ringing; the card says what to do about the microphone.
      this.update(id, { microphoneProblem: error.problem });
      return false;
    }
    if (entry.session.isEnded()) {
      microphone.getTracks().forEach((track) => track.stop());
      return false;
    }
    entry.microphone = microphone;
    entry.microphoneChoice = this.deps.preferences().microphoneId;
    // Answering a second call puts the first on hold.
    this.holdOthers(id);
    entry.session.answer({
      mediaStream: microphone,
      mediaConstraints: { audio: true, video: false },
      pcConfig: this.pcConfig(),
    });
    this.update(id, {
      microphoneProblem: null,
      microphoneLabel: microphone.getAudioTracks()[0]?.label ?? null,
    });
    return true;
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

  /** The person compared the security code with the far end: it matched, or it did not. */
  compareSas(id: string, matched: boolean): void {
    const entry = this.calls.get(id);
    if (!entry?.view.sas || entry.view.sasMatched !== null) return;
    this.update(id, { sasMatched: matched });
    this.deps.report({ type: 'sasCompared', callId: id, at: this.deps.now(), matched });
  }

  setMuted(id: string, muted: boolean): void {
    const entry = this.calls.get(id);
    if (!entry) return;
    if (this.conference?.ids.includes(id)) {
      // In a conference only our microphone goes silent; the other two still hear each other.
      void this.conference.mixer.then((mixer) => mixer.setMicrophoneMuted(muted));
      for (const legId of this.conference.ids) this.update(legId, { muted });
      return;
    }
    if (muted) entry.session.mute({ audio: true });
    else entry.session.unmute({ audio: true });
    this.update(id, { muted });
  }

  /** Hold or resume; resuming one call of two holds the other (swap). */
  setHold(id: string, hold: boolean): void {
    const entry = this.calls.get(id);
    if (!entry || entry.view.conference) return;
    if (hold) entry.session.hold();
    else {
      this.holdOthers(id);
      entry.session.unhold();
    }
  }

  /** Every other established call goes on hold (a new call, an answered second call, a swap). */
  private holdOthers(except: string | null): void {
    for (const other of this.calls.values()) {
      if (other.view.id !== except && other.view.state === 'active' && !other.view.heldLocally)
        if (!other.view.conference) other.session.hold();
    }
  }

  sendDtmf(id: string, tones: string): void {
    if (!/^[0-9A-D*#]+$/i.test(tones)) return;
    // RFC 4733 telephone-events in the media stream by default; SIP INFO where the provider needs it.
    const transportType = this.deps.preferences().dtmfTransport === 'info' ? 'INFO' : 'RFC2833';
    this.calls
      .get(id)
      ?.session.sendDTMF(tones, { transportType: transportType as never, duration: 120, interToneGap: 80 });
  }

  /** Blind transfer: the far end is asked (REFER) to call `targetUri`; our leg ends once it does. */
  transfer(id: string, targetUri: string): void {
    const entry = this.calls.get(id);
    if (!entry || entry.view.state !== 'active') return;
    this.referAndEnd(entry, targetUri, null);
  }

  /**
   * Attended transfer: after consulting the target in a second call, the first far end is asked to
   * replace our consultation call with its own (REFER with Replaces); both our legs end.
   */
  completeTransfer(id: string, consultationId: string): void {
    const entry = this.calls.get(id);
    const consultation = this.calls.get(consultationId);
    if (!entry || !consultation || consultation.view.state !== 'active') return;
    this.referAndEnd(entry, consultation.session.remote_identity.uri.toString(), consultation);
  }

  private referAndEnd(entry: CallEntry, targetUri: string, consultation: CallEntry | null): void {
    const id = entry.view.id;
    this.update(id, { transfer: 'pending' });
    const failed = () => this.update(id, { transfer: 'failed' });
    entry.session.refer(targetUri, {
      ...(consultation ? { replaces: consultation.session } : {}),
      eventHandlers: {
        requestFailed: failed,
        failed,
        accepted: () => {
          this.deps.report({
            type: 'transferred',
            callId: id,
            at: this.deps.now(),
            target: sipUriOf(targetUri),
            attended: consultation !== null,
          });
          this.hangup(id);
          if (consultation) this.hangup(consultation.view.id);
        },
      },
    } as never);
  }

  /** Joins two established calls into a three-way conference mixed on this device. */
  async merge(firstId: string, secondId: string): Promise<void> {
    const first = this.calls.get(firstId);
    const second = this.calls.get(secondId);
    if (
      this.conference ||
      !first ||
      !second ||
      first.view.state !== 'active' ||
      second.view.state !== 'active'
    )
      return;
    const legs = [first, second] as const;
    const microphones = legs.map((leg) => leg.microphone?.getAudioTracks()[0]);
    const connections = legs.map((leg) => leg.session.connection);
    if (!microphones[0] || !microphones[1] || !connections[0] || !connections[1]) return;
    for (const leg of legs) if (leg.view.heldLocally) leg.session.unhold();
    const mixer = ConferenceMixer.start([
      { connection: connections[0], microphone: microphones[0] },
      { connection: connections[1], microphone: microphones[1] },
    ]);
    this.conference = { ids: [firstId, secondId], mixer };
    for (const leg of legs) this.update(leg.view.id, { conference: true, muted: false });
    for (const leg of legs) leg.session.unmute({ audio: true });
    await mixer;
  }

  /** Ends the conference when one of its calls ends; the other goes on as a plain call. */
  private leaveConference(id: string): void {
    if (!this.conference?.ids.includes(id)) return;
    const { ids, mixer } = this.conference;
    this.conference = null;
    void mixer.then((running) => running.stop());
    for (const legId of ids) this.update(legId, { conference: false, muted: false });
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
      sasMatched: null,
      endCause: null,
      earlyMedia: false,
      conference: false,
      transfer: null,
      quality: null,
      dtmfReceived: '',
      microphoneProblem: null,
      microphoneLabel: null,
    };
  }

  private addIncoming(session: RTCSession): void {
    performance.mark(marks.incoming);
    const replacement = this.replacements.has(session);
    if (!replacement && this.deps.preferences().doNotDisturb) {
      this.rejectForDoNotDisturb(session);
      return;
    }
    const view = this.newView(session, 'incoming', 'incoming');
    session.on('peerconnection', ({ peerconnection }) => this.attachRemoteAudio(view.id, peerconnection));
    session.on('icecandidate', iceReadiness(this.deps.iceServers()));
    this.track(view, session, null);
    // An attended transfer to us replaces a call we already have: no ringing, answered at once.
    if (replacement) void this.answer(view.id);
  }

  /** Do Not Disturb: 486 Busy Here, and a missed call in History so nobody is lost. */
  private rejectForDoNotDisturb(session: RTCSession): void {
    const view = this.newView(session, 'incoming', 'incoming');
    this.reportStarted(view);
    session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
    this.deps.report({
      type: 'ended',
      callId: view.id,
      at: this.deps.now(),
      disposition: 'missed',
      cause: 'Do Not Disturb',
    });
  }

  private reportStarted(view: CallView): void {
    this.deps.report({
      type: 'started',
      callId: view.id,
      at: view.startedAt,
      direction: view.direction,
      account: this.registration?.sipUri ?? 'sip:unknown@invalid',
      remoteUri: sipUriOf(view.remoteUri),
      remoteName: view.remoteName,
    });
  }

  private track(
    view: CallView,
    session: RTCSession,
    microphone: MediaStream | null,
    dialledUri: string | null = null,
  ): void {
    view.microphoneLabel = microphone?.getAudioTracks()[0]?.label ?? null;
    this.calls.set(view.id, {
      view,
      session,
      audio: null,
      microphone,
      microphoneChoice: this.deps.preferences().microphoneId,
      qualitySample: null,
      dialledUri,
      answering: false,
    });
    this.publishCalls();
    this.reportStarted(view);
    session.on('progress', (event: IncomingEvent | OutgoingEvent) => {
      if (view.direction !== 'outgoing') return;
      // A 183 (or 180) with SDP carries the far end's own tones or announcements.
      const earlyMedia = 'response' in event && Boolean(event.response.body);
      this.update(view.id, { state: 'ringing', earlyMedia });
      this.deps.report({ type: 'ringing', callId: view.id, at: this.deps.now() });
    });
    session.on('confirmed', () => {
      performance.mark(marks.confirmed);
      const at = this.deps.now();
      this.update(view.id, { state: 'active', answeredAt: at });
      this.deps.report({ type: 'answered', callId: view.id, at });
      void this.inspectMedia(view.id, session);
    });
    session.on('hold', ({ originator }) => this.onHold(view.id, originator, true));
    session.on('unhold', ({ originator }) => this.onHold(view.id, originator, false));
    session.on('newDTMF', (event: IncomingDTMFEvent | OutgoingDTMFEvent) => {
      const entry = this.calls.get(view.id);
      if (String(event.originator) === 'remote' && entry)
        this.update(view.id, { dtmfReceived: (entry.view.dtmfReceived + event.dtmf.tone).slice(-32) });
    });
    // The far end transfers us (blind or attended): we call the target; the far end then hangs up.
    session.on('refer', (request) => void this.followRefer(request));
    // An attended transfer elsewhere replaces this call with one from the transferred party.
    session.on('replaces', (request) =>
      request.accept((replacement: RTCSession) => this.replacements.add(replacement)),
    );
    const end = (cause: string) => {
      const entry = this.calls.get(view.id);
      if (!entry || entry.view.state === 'ended') return;
      entry.audio?.remove();
      entry.microphone?.getTracks().forEach((track) => track.stop());
      this.leaveConference(view.id);
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

  private async followRefer(request: ReferEvent): Promise<void> {
    let microphone: MediaStream;
    try {
      microphone = await openMicrophone(this.deps.preferences().microphoneId);
    } catch {
      request.reject();
      return;
    }
    request.accept((session: RTCSession) => {
      const view = this.newView(session, 'outgoing', 'dialing');
      this.track(view, session, microphone);
    }, this.outgoingOptions(microphone));
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
      const play = () => {
        const audio = document.createElement('audio');
        audio.autoplay = true;
        audio.hidden = true;
        audio.dataset.callId = entry?.view.id ?? id ?? '';
        audio.srcObject = event.streams[0] ?? new MediaStream([event.track]);
        document.body.append(audio);
        if (entry) entry.audio = audio;
        void routeToDevice(audio, this.deps.preferences().speakerId).then(() =>
          audio.play().catch(() => {
            // Autoplay is allowed for the app's own window; nothing to recover here.
          }),
        );
      };
      // Starting playout takes the audio service tens of milliseconds. An answered call plays once our
      // 200 OK is out: no media can arrive before the caller has it, and the answer is not held up.
      // Outgoing calls play at once, for early media.
      if (entry?.view.direction === 'incoming' && !entry.session.isEstablished())
        entry.session.on('accepted', play);
      else play();
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

  /** Samples getStats of every established call for the quality indicator. */
  private async sampleQuality(): Promise<void> {
    for (const entry of this.calls.values()) {
      const connection = entry.session.connection;
      if (entry.view.state !== 'active' || !connection) continue;
      const stats = await connection.getStats().catch(() => null);
      const sample = stats && sampleFromStats(stats.values() as Iterable<never>);
      if (!sample) continue;
      const quality = assessQuality(entry.qualitySample, sample);
      entry.qualitySample = sample;
      this.update(entry.view.id, { quality });
    }
  }

  /**
   * Applies the chosen devices to calls in progress and follows devices that come and go: a microphone
   * that disappeared (or was changed in Settings) is replaced mid-call with replaceTrack, the speaker
   * with setSinkId; the default stands in for a device that is gone.
   */
  async applyAudioDevices(): Promise<void> {
    const preferences = this.deps.preferences();
    for (const entry of this.calls.values()) {
      if (entry.audio) await routeToDevice(entry.audio, preferences.speakerId);
      const current = entry.microphone?.getAudioTracks()[0];
      const sender = entry.session.connection
        ?.getSenders()
        .find((candidate) => candidate.track?.kind === 'audio');
      if (!current || !sender || entry.view.state === 'ended') continue;
      // Replace when the device went away (its track ended) or another one was chosen.
      const wanted = preferences.microphoneId;
      if (current.readyState === 'live' && wanted === entry.microphoneChoice) continue;
      entry.microphoneChoice = wanted;
      const replacement = await openMicrophone(wanted).catch(() => null);
      if (!replacement) continue;
      const track = replacement.getAudioTracks()[0]!;
      track.enabled = current.enabled;
      if (this.conference?.ids.includes(entry.view.id)) {
        // The mixer reads the old track; the conference is rebuilt around the new one.
        entry.microphone = replacement;
        const ids = this.conference.ids;
        this.leaveConference(entry.view.id);
        await this.merge(ids[0], ids[1]);
      } else {
        await sender.replaceTrack(track);
        entry.microphone = replacement;
      }
      current.stop();
      this.update(entry.view.id, { microphoneLabel: track.label });
    }
    this.updateTones(true);
  }

  private update(id: string, patch: Partial<CallView>): void {
    const entry = this.calls.get(id);
    if (!entry) return;
    entry.view = { ...entry.view, ...patch };
    this.publishCalls();
  }

  private publishCalls(): void {
    const views = [...this.calls.values()].map((entry) => entry.view);
    this.deps.publish({ calls: views });
    this.updateTones(false);
    const anyActive = views.some((view) => view.state === 'active');
    if (anyActive && !this.qualityTimer)
      this.qualityTimer = setInterval(() => void this.sampleQuality(), QUALITY_INTERVAL_MS);
    else if (!anyActive && this.qualityTimer) {
      clearInterval(this.qualityTimer);
      this.qualityTimer = null;
    }
  }

  /**
   * Ringtone on the ring device while a call rings and no other is in progress; the call-waiting tone
   * instead when one is; ringback while our call rings and the far end sends no early media.
   */
  private updateTones(deviceChanged: boolean): void {
    const entries = [...this.calls.values()];
    const views = entries.map((entry) => entry.view);
    const inCall = views.some((view) => view.state === 'active');
    const preferences = this.deps.preferences();
    let tone: Tone | null = null;
    // A call stops ringing when Answer is pressed, not only once it is connected.
    if (entries.some((entry) => entry.view.state === 'incoming' && !entry.answering))
      tone = inCall ? 'callWaiting' : 'ringtone';
    else if (views.some((view) => view.state === 'ringing' && !view.earlyMedia)) tone = 'ringback';
    if (tone === null || deviceChanged) this.tones.stop();
    if (tone === null) return;
    void this.tones.play(tone, tone === 'ringtone' ? preferences.ringDeviceId : preferences.speakerId);
  }

  private setStatus(status: RegistrationStatus): void {
    this.status = status;
    this.deps.publish({ registration: status });
  }
}

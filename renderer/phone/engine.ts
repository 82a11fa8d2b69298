import type { ReferEvent } from 'jssip/lib/RTCSession';
import type { CallEvent } from '../../shared/domain/calls';
import type { SipRegistration, TlsProbeResult } from '../../shared/domain/sip-account';
import type { Ringtone, Settings } from '../../shared/settings/settings';
import { MicrophoneError, openMicrophone, type MicrophoneProblem } from './audio-devices';
import type { QualitySample } from './call-quality';
import { CallSession } from './call-session';
import { endIsNoticed } from './call-state';
import { newCallView, type CallView } from './call-view';
import { ConferenceMixer } from './conference';
import { iceReadiness } from './ice-gate';
import { MediaWatchdog, readMedia } from './media-watchdog';
import { marks, RegistrationClient, type RegistrationStatus } from './registration';
import { createSetupHold, type SetupHold } from './setup-hold';
import { FINGERPRINT_HEADER, certificateFingerprint, peerConnectionConfig, sdpProblemOf } from './sdp-policy';
import {
  answerOptions,
  callOptions,
  createJsSipAgent,
  dtmfOptions,
  referOptions,
  rejectOptions,
  type AgentFactory,
  type MediaOptions,
  type SipMessage,
  type SipResponse,
  type SipSession,
} from './sip-adapter';
import { chooseTone } from './tone-choice';
import { TonePlayer, type Tone } from './tones';

export type { CallState, CallView, EndReason, MediaWarning } from './call-view';
export type { RegistrationError, RegistrationStatus } from './registration';
export { marks } from './registration';

export type PhonePreferences = Pick<
  Settings,
  'doNotDisturb' | 'dtmfTransport' | 'microphoneId' | 'speakerId' | 'ringDeviceId' | 'ringtone' | 'ringVolume'
>;

/** What managed policy decides about calls (shared/policy/schema.ts). */
export interface PhonePolicy {
  /** Follow a transfer the far end asks for (REFER). */
  allowTransferByFarEnd: boolean;
  /** Without audio (RTP or RTCP) this long, the call says so. */
  mediaTimeoutSeconds: number;
  /** Without audio this long in all, the call is ended. */
  mediaHangupSeconds: number;
}

export type CallStartResult =
  { ok: true; id: string } | { ok: false; problem: 'not-registered' | 'already-calling' | MicrophoneProblem };

export interface PhoneEngineDeps {
  report(event: CallEvent): void;
  probeTls(url: string): Promise<TlsProbeResult>;
  /** Registration state, the calls in progress, and the calls that ended recently with a reason to show. */
  publish(update: { registration?: RegistrationStatus; calls?: CallView[]; ended?: CallView[] }): void;
  now(): number;
  preferences(): PhonePreferences;
  policy(): PhonePolicy;
  /** STUN/TURN servers from policy. */
  iceServers(): RTCIceServer[];
  /** Whether policy pins the provider's keys: only then is the server probed before connecting. */
  pinsConfigured(): boolean;
  /** The SIP user agent (JsSIP's by default; a stand-in in unit tests). */
  createAgent?: AgentFactory;
  /** A DTLS certificate for the next call (the browser's by default; none makes the browser pick one). */
  generateCertificate?: () => Promise<RTCCertificate | null>;
  /** Where call-progress tones play (WebAudio through an <audio> element by default). */
  tones?: ToneOutput;
}

/** What plays the call-progress tones (tones.ts `TonePlayer`). */
export interface ToneOutput {
  prepare(): void;
  /** The ringtone plays as chosen in Settings (`options`); call progress tones at full level. */
  play(tone: Tone, sinkId: string, options?: { ringtone?: Ringtone; volume?: number }): Promise<void>;
  stop(): void;
}

/** How often quality and the media watchdog sample getStats. */
const QUALITY_INTERVAL_MS = 2000;
/** How long the reason a call ended stays on screen (unless dismissed). */
const END_NOTICE_MS = 8000;
/** After an attended transfer, the target ends our consultation call (RFC 5589); we do after this long. */
const CONSULTATION_GRACE_MS = 4000;
/** Marks of one call; cleared once no call is left, so that they do not pile up over a day of calls. */
const CALL_MARKS = [marks.call, marks.incoming, marks.answer, marks.confirmed];

function sipUriOf(uri: string): string {
  return uri.startsWith('sip') ? uri : `sip:${uri}`;
}

/** Calls `release` at the first of these events of the session. */
function releaseWhen(
  session: SipSession,
  events: ('progress' | 'accepted' | 'confirmed' | 'failed' | 'ended')[],
  release: () => void,
): void {
  for (const event of events) session.on(event, release);
}

/** Awaits a call's first step; one that failed or did not go ahead has no signalling to wait for. */
async function releaseUnlessUnderway<T>(
  release: () => void,
  step: Promise<T>,
  underway: (result: T) => boolean,
): Promise<T> {
  try {
    const result = await step;
    if (!underway(result)) release();
    return result;
  } catch (error) {
    release();
    throw error;
  }
}

const ECDSA_P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

function browserCertificate(): Promise<RTCCertificate | null> {
  return typeof RTCPeerConnection === 'function'
    ? RTCPeerConnection.generateCertificate(ECDSA_P256).catch(() => null)
    : Promise.resolve(null);
}

interface MediaState {
  watchdog: MediaWatchdog;
  sample: QualitySample | null;
}

/**
 * The phone: registration (registration.ts), calls (call-session.ts, one state machine each), a second
 * line, transfer and a local conference, the call-progress tones and the media watchdog. It holds no UI;
 * the store renders what it publishes.
 */
export class PhoneEngine {
  private readonly registration: RegistrationClient;
  private readonly calls = new Map<string, CallSession>();
  private readonly endedCalls = new Map<string, { view: CallView; timer: ReturnType<typeof setTimeout> }>();
  private readonly tones: ToneOutput;
  private conference: { ids: [string, string]; mixer: Promise<ConferenceMixer> } | null = null;
  /** Incoming INVITEs with Replaces we accepted (attended transfer to us), with the call each replaces. */
  private readonly replacements = new WeakMap<SipSession, CallSession>();
  /** Targets whose microphone is being opened by call(): a double-click on Call dials them once. */
  private readonly placing = new Set<string>();
  private readonly media = new Map<string, MediaState>();
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  private nextCertificate: Promise<RTCCertificate | null> | null = null;
  /** The calls' updates to the screen, held while a call's signalling is in flight (setup-hold.ts). */
  private readonly callUpdates: SetupHold<{ calls: CallView[]; ended: CallView[] }>;
  private readonly onOnline = () => this.reconnectNow();
  private readonly onDeviceChange = () => void this.applyAudioDevices();

  constructor(private readonly deps: PhoneEngineDeps) {
    this.tones = deps.tones ?? new TonePlayer();
    this.callUpdates = createSetupHold((update) => deps.publish(update));
    this.registration = new RegistrationClient({
      probeTls: deps.probeTls,
      pinsConfigured: deps.pinsConfigured,
      createAgent: deps.createAgent ?? createJsSipAgent,
      online: () => navigator.onLine,
      onStatus: (registration) => deps.publish({ registration }),
      onRegistered: () => {
        // Tones and the next call's certificate are made while nothing else happens.
        this.tones.prepare();
        this.prepareCertificate();
      },
      onReconnected: () => this.refreshCalls(),
      onConnection: (connected) => {
        for (const call of [...this.calls.values()]) call.transport(connected);
      },
      onIncoming: (session, request) => this.addIncoming(session, request),
    });
    window.addEventListener('online', this.onOnline);
    navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
  }

  /** Removes what the constructor added to the window; the engine is not used afterwards. */
  dispose(): void {
    window.removeEventListener('online', this.onOnline);
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
    this.stop();
  }

  get domain(): string {
    return this.registration.domain;
  }

  start(registration: SipRegistration): void {
    this.registration.start(registration);
  }

  updateRegistration(registration: SipRegistration): void {
    this.registration.update(registration);
  }

  reconnectNow(): void {
    this.registration.reconnectNow();
  }

  stop(): void {
    this.registration.stop();
    for (const call of [...this.calls.values()]) call.end('network');
  }

  /** Re-INVITE with an ICE restart: the new Contact reaches the far end, and media follows a new network. */
  private refreshCalls(): void {
    for (const { session, view } of this.calls.values()) {
      if (view.state === 'active' && session.isEstablished())
        session.renegotiate({ rtcOfferConstraints: { iceRestart: true } });
    }
  }

  private prepareCertificate(): void {
    this.nextCertificate ??= (this.deps.generateCertificate ?? browserCertificate)();
  }

  private takeCertificate(): Promise<RTCCertificate | null> {
    const taken = this.nextCertificate ?? (this.deps.generateCertificate ?? browserCertificate)();
    this.nextCertificate = null;
    return taken;
  }

  /** The media settings of a call: the microphone, the peer connection, our fingerprint announced. */
  private mediaOptions(
    microphone: MediaStream,
    certificate: RTCCertificate | null,
    extra: string[] = [],
  ): MediaOptions {
    const fingerprint = certificate && certificateFingerprint(certificate);
    return {
      microphone,
      pcConfig: peerConnectionConfig(this.deps.iceServers(), certificate ?? undefined),
      extraHeaders: [...(fingerprint ? [`${FINGERPRINT_HEADER}: ${fingerprint}`] : []), ...extra],
    };
  }

  /**
   * Places a call. The microphone is opened first: without it nothing is dialled. A target that is being
   * dialled already (Call pressed twice) is not dialled again.
   */
  async call(targetUri: string): Promise<CallStartResult> {
    performance.mark(marks.call);
    if (!this.registration.registeredAgent) return { ok: false, problem: 'not-registered' };
    const dialling = [...this.calls.values()].some(
      (call) => call.dialledUri === targetUri && ['dialing', 'ringing'].includes(call.view.state),
    );
    if (dialling || this.placing.has(targetUri)) return { ok: false, problem: 'already-calling' };
    this.placing.add(targetUri);
    const release = this.callUpdates.hold();
    return releaseUnlessUnderway(release, this.place(targetUri, release), (result) => result.ok);
  }

  /** Opens the microphone and dials; `release` lets the screen draw the call once the far end answers. */
  private async place(targetUri: string, release: () => void): Promise<CallStartResult> {
    const choice = this.deps.preferences().microphoneId;
    let microphone: MediaStream;
    try {
      microphone = await openMicrophone(choice);
    } catch (error) {
      if (error instanceof MicrophoneError) return { ok: false, problem: error.problem };
      throw error;
    } finally {
      this.placing.delete(targetUri);
    }
    const certificate = await this.takeCertificate();
    const agent = this.registration.registeredAgent;
    if (!agent) {
      microphone.getTracks().forEach((track) => track.stop());
      return { ok: false, problem: 'not-registered' };
    }
    this.holdOthers(null);
    const options = callOptions(this.mediaOptions(microphone, certificate, ['Supported: 100rel']));
    const session = agent.call(targetUri, options);
    releaseWhen(session, ['progress', 'accepted', 'failed', 'ended'], release);
    const call = this.track(session, 'outgoing', null);
    call.useMicrophone(microphone, choice);
    call.dialledUri = targetUri;
    return { ok: true, id: call.id };
  }

  /** Whether a call is being set up, dialling or ringing at either end: the engine's own state, which the screen's may lag. */
  settingUp(): boolean {
    return [...this.calls.values()].some(({ view }) =>
      ['dialing', 'ringing', 'incoming'].includes(view.state),
    );
  }

  async answer(id: string): Promise<boolean> {
    const call = this.calls.get(id);
    if (!call || call.view.state !== 'incoming' || call.answering) return false;
    call.answering = true;
    performance.mark(marks.answer);
    this.updateTones(false);
    const release = this.callUpdates.hold();
    releaseWhen(call.session, ['confirmed', 'failed', 'ended'], release);
    return releaseUnlessUnderway(release, this.answerWithMicrophone(call), (answered) => answered);
  }

  private async answerWithMicrophone(call: CallSession): Promise<boolean> {
    const choice = this.deps.preferences().microphoneId;
    let microphone: MediaStream;
    try {
      microphone = await openMicrophone(choice);
    } catch (error) {
      call.answering = false;
      if (!(error instanceof MicrophoneError)) throw error;
      // The call keeps ringing; the card says what to do about the microphone.
      call.patch({ microphoneProblem: error.problem });
      return false;
    }
    const certificate = await this.takeCertificate();
    if (call.ended || call.session.isEnded()) {
      microphone.getTracks().forEach((track) => track.stop());
      return false;
    }
    call.useMicrophone(microphone, choice);
    // Answering a second call puts the first on hold (not the call an attended transfer replaces).
    this.holdOthers(call.id, this.replacements.get(call.session)?.id);
    try {
      call.session.answer(answerOptions(this.mediaOptions(microphone, certificate)));
    } catch {
      call.end('failed');
      return false;
    }
    return true;
  }

  decline(id: string, busy = false): void {
    this.calls.get(id)?.end('declined-here', rejectOptions(busy ? 486 : 603));
  }

  hangup(id: string): void {
    this.calls.get(id)?.end('hung-up');
  }

  /** The person compared the security code with the far end: it matched, or it did not. */
  compareSas(id: string, matched: boolean): void {
    const call = this.calls.get(id);
    if (!call?.view.sas || call.view.sasMatched !== null) return;
    call.patch({ sasMatched: matched });
    this.deps.report({ type: 'sasCompared', callId: id, at: this.deps.now(), matched });
  }

  setMuted(id: string, muted: boolean): void {
    const call = this.calls.get(id);
    if (!call) return;
    if (this.conference?.ids.includes(id)) {
      // In a conference only our microphone goes silent; the other two still hear each other.
      void this.conference.mixer.then((mixer) => mixer.setMicrophoneMuted(muted));
      for (const legId of this.conference.ids) this.calls.get(legId)?.patch({ muted });
      return;
    }
    if (muted) call.session.mute({ audio: true });
    else call.session.unmute({ audio: true });
    call.patch({ muted });
  }

  /** Hold or resume; resuming one call of two holds the other (swap). */
  setHold(id: string, hold: boolean): void {
    const call = this.calls.get(id);
    if (!call || call.view.conference) return;
    if (!hold) this.holdOthers(id);
    call.setHold(hold);
  }

  /** Every other established call goes on hold (a new call, an answered second call, a swap). */
  private holdOthers(except: string | null, alsoExcept?: string): void {
    for (const other of this.calls.values()) {
      const { id, state, heldLocally, conference } = other.view;
      if (id !== except && id !== alsoExcept && state === 'active' && !heldLocally && !conference)
        other.setHold(true);
    }
  }

  sendDtmf(id: string, tones: string): void {
    if (!/^[0-9A-D*#]+$/i.test(tones)) return;
    const transport = this.deps.preferences().dtmfTransport === 'info' ? 'info' : 'rfc4733';
    this.calls.get(id)?.session.sendDTMF(tones, dtmfOptions(transport));
  }

  /** Blind transfer: the far end is asked (REFER) to call `targetUri`; our leg ends once it does. */
  transfer(id: string, targetUri: string): void {
    const call = this.calls.get(id);
    if (!call || call.view.state !== 'active') return;
    this.referAndEnd(call, targetUri, null);
  }

  /**
   * Attended transfer: after consulting the target in a second call, the first far end is asked to
   * replace our consultation call with its own (REFER with Replaces). Our leg to the first far end ends;
   * the target ends the consultation call it replaces (RFC 5589), or we do after a grace period.
   */
  completeTransfer(id: string, consultationId: string): void {
    const call = this.calls.get(id);
    const consultation = this.calls.get(consultationId);
    if (!call || !consultation || consultation.view.state !== 'active') return;
    this.referAndEnd(call, consultation.session.remote_identity.uri.toString(), consultation);
  }

  private referAndEnd(call: CallSession, targetUri: string, consultation: CallSession | null): void {
    call.patch({ transfer: 'pending' });
    const failed = () => call.patch({ transfer: 'failed' });
    const accepted = () => {
      this.deps.report({
        type: 'transferred',
        callId: call.id,
        at: this.deps.now(),
        target: sipUriOf(targetUri),
        attended: consultation !== null,
      });
      call.end('transferred');
      if (!consultation) return;
      consultation.expectEnd('transferred');
      setTimeout(() => consultation.end('transferred'), CONSULTATION_GRACE_MS);
    };
    call.session.refer(targetUri, referOptions({ failed, accepted }, consultation?.session));
  }

  /** The far end transfers us (REFER): followed when policy allows, refused (and said so) otherwise. */
  private referred(call: CallSession, event: ReferEvent): void {
    if (!this.deps.policy().allowTransferByFarEnd) {
      event.reject();
      call.patch({ farEndTransferRefused: true });
      return;
    }
    void this.followRefer(call, event);
  }

  private async followRefer(call: CallSession, event: ReferEvent): Promise<void> {
    const choice = this.deps.preferences().microphoneId;
    let microphone: MediaStream;
    try {
      microphone = await openMicrophone(choice);
    } catch {
      event.reject();
      return;
    }
    const certificate = await this.takeCertificate();
    const transferredBy = call.view.remoteName ?? call.view.remoteUri;
    event.accept(
      (session: SipSession) => {
        const next = this.track(session, 'outgoing', null, { transferredBy });
        next.useMicrophone(microphone, choice);
      },
      callOptions(this.mediaOptions(microphone, certificate, ['Supported: 100rel'])),
    );
  }

  /** An INVITE with Replaces for `call` (an attended transfer elsewhere): the new call takes its place. */
  private replaced(call: CallSession, event: ReferEvent): void {
    call.expectEnd('replaced');
    event.accept((session: SipSession) => this.replacements.set(session, call));
  }

  /**
   * A 3xx: followed once, to an address in our own domain only (anything else could send the call, and
   * its costs, anywhere); the call card shows where the call went.
   */
  private redirected(call: CallSession, response: SipResponse): boolean {
    const contact = response.hasHeader('Contact')
      ? /<?(sips?:[^>;\s]+)/i.exec(response.getHeader('Contact'))?.[1]
      : null;
    const host = contact ? /@([^:;>]+)/.exec(contact)?.[1]?.toLowerCase() : null;
    const agent = this.registration.registeredAgent;
    const microphone = call.audio.microphone;
    if (
      !contact ||
      !host ||
      host !== this.domain.toLowerCase() ||
      call.view.redirectedTo ||
      !agent ||
      !microphone
    )
      return false;
    void this.takeCertificate().then((certificate) => {
      if (call.ended) return;
      const options = callOptions(this.mediaOptions(microphone, certificate, ['Supported: 100rel']));
      call.redirect(agent.call(contact, options), contact);
    });
    return true;
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
    const microphones = legs.map((leg) => leg.audio.microphoneTrack);
    const connections = legs.map((leg) => leg.session.connection);
    if (!microphones[0] || !microphones[1] || !connections[0] || !connections[1]) return;
    for (const leg of legs) if (leg.view.heldLocally) leg.setHold(false);
    const mixer = ConferenceMixer.start([
      { connection: connections[0], microphone: microphones[0] },
      { connection: connections[1], microphone: microphones[1] },
    ]);
    this.conference = { ids: [firstId, secondId], mixer };
    for (const leg of legs) leg.patch({ conference: true, muted: false });
    for (const leg of legs) leg.session.unmute({ audio: true });
    await mixer;
  }

  /** Ends the conference when one of its calls ends; the other goes on as a plain call. */
  private leaveConference(id: string): void {
    if (!this.conference?.ids.includes(id)) return;
    const { ids, mixer } = this.conference;
    this.conference = null;
    void mixer.then((running) => running.stop());
    for (const legId of ids) this.calls.get(legId)?.patch({ conference: false, muted: false });
  }

  private addIncoming(session: SipSession, request: SipMessage): void {
    performance.mark(marks.incoming);
    const replacing = this.replacements.get(session);
    const call = this.track(session, 'incoming', request);
    session.on('icecandidate', iceReadiness(this.deps.iceServers()));
    const require = request.hasHeader('Require') ? request.getHeader('Require') : '';
    const offerProblem = request.body ? sdpProblemOf(request.body) : null;
    // An attended transfer to us replaces a call we already have: no ringing, answered at once.
    if (replacing) void this.answer(call.id);
    else if (this.deps.preferences().doNotDisturb) call.end('do-not-disturb', rejectOptions(486));
    // RFC 3262: a caller that requires reliable provisional responses, which JsSIP cannot send.
    else if (/\b100rel\b/i.test(require))
      call.end('unsupported-extension', rejectOptions(420, ['Unsupported: 100rel']));
    // What the browser cannot take is refused at once, with the reason, instead of ringing in vain.
    else if (offerProblem) call.end(offerProblem, rejectOptions(488));
  }

  private track(
    session: SipSession,
    direction: CallView['direction'],
    request: SipMessage | null,
    extra: Partial<Pick<CallView, 'transferredBy'>> = {},
  ): CallSession {
    const identity = session.remote_identity;
    const view = {
      ...newCallView({
        id: session.id ?? crypto.randomUUID(),
        direction,
        remoteUri: identity.uri.toString(),
        remoteName: identity.display_name || null,
        state: direction === 'incoming' ? 'incoming' : 'dialing',
        startedAt: this.deps.now(),
      }),
      ...extra,
    };
    const call = new CallSession(
      session,
      view,
      {
        now: this.deps.now,
        report: this.deps.report,
        speakerId: () => this.deps.preferences().speakerId,
        openMicrophone,
        changed: () => this.publishCalls(),
        ended: (ended) => this.onEnded(ended),
        referred: (from, event) => this.referred(from, event),
        replaced: (old, event) => this.replaced(old, event),
        redirected: (redirectedCall, response) => this.redirected(redirectedCall, response),
      },
      request,
    );
    this.calls.set(view.id, call);
    this.deps.report({
      type: 'started',
      callId: view.id,
      at: view.startedAt,
      direction,
      account: this.registration.registration?.sipUri ?? 'sip:unknown@invalid',
      remoteUri: sipUriOf(view.remoteUri),
      remoteName: view.remoteName,
    });
    this.publishCalls();
    return call;
  }

  private onEnded(call: CallSession): void {
    const { view } = call;
    this.calls.delete(view.id);
    this.media.delete(view.id);
    this.leaveConference(view.id);
    if (view.endReason && endIsNoticed(view.endReason)) {
      const timer = setTimeout(() => this.dismissEnded(view.id), END_NOTICE_MS);
      this.endedCalls.set(view.id, { view, timer });
    }
    if (this.calls.size === 0) {
      for (const name of CALL_MARKS) performance.clearMarks(name);
      this.prepareCertificate();
    }
    this.publishCalls();
  }

  /** The person closed the notice of why a call ended (or it timed out). */
  dismissEnded(id: string): void {
    const notice = this.endedCalls.get(id);
    if (!notice) return;
    clearTimeout(notice.timer);
    this.endedCalls.delete(id);
    this.publishCalls();
  }

  /**
   * Applies the chosen devices to calls in progress and follows devices that come and go: a microphone
   * that disappeared (or was changed in Settings) is replaced mid-call with replaceTrack, the speaker
   * with setSinkId; the default stands in for a device that is gone.
   */
  async applyAudioDevices(): Promise<void> {
    const wanted = this.deps.preferences().microphoneId;
    for (const call of [...this.calls.values()]) {
      await call.audio.route();
      const sender = call.session.connection
        ?.getSenders()
        .find((candidate) => candidate.track?.kind === 'audio');
      if (!sender || call.ended) continue;
      const replacement = await call.audio.replaceMicrophone(wanted);
      const track = replacement?.getAudioTracks()[0];
      if (!replacement || !track || call.ended) continue;
      if (this.conference?.ids.includes(call.id)) {
        // The mixer reads the old track; the conference is rebuilt around the new one.
        const ids = this.conference.ids;
        call.useMicrophone(replacement, wanted);
        this.leaveConference(call.id);
        await this.merge(ids[0], ids[1]);
      } else {
        await sender.replaceTrack(track);
        call.useMicrophone(replacement, wanted);
      }
    }
    this.updateTones(true);
  }

  /** Quality and the media watchdog: every QUALITY_INTERVAL_MS for each connected call. */
  private async sampleMedia(): Promise<void> {
    const policy = this.deps.policy();
    const settings = {
      warnAfterMs: policy.mediaTimeoutSeconds * 1000,
      hangUpAfterMs: policy.mediaHangupSeconds * 1000,
    };
    for (const call of [...this.calls.values()]) {
      const connection = call.session.connection;
      if (call.view.state !== 'active' || !connection) continue;
      const state = this.media.get(call.id) ?? {
        watchdog: new MediaWatchdog(settings, call.view.answeredAt ?? this.deps.now()),
        sample: null,
      };
      this.media.set(call.id, state);
      const reading = await readMedia(connection, state.sample);
      if (!reading || call.ended) continue;
      state.sample = reading.sample ?? state.sample;
      const { heldLocally, heldRemotely } = call.view;
      const verdict = state.watchdog.observe(
        reading.life,
        this.deps.now(),
        heldLocally || heldRemotely || reading.receiveOff,
      );
      if (verdict === 'hang-up') call.end('no-audio');
      else call.patch({ quality: reading.quality, mediaWarning: verdict === 'no-audio' ? 'no-audio' : null });
    }
  }

  private publishCalls(): void {
    const views = [...this.calls.values()].map((call) => call.view);
    this.callUpdates.publish({
      calls: views,
      ended: [...this.endedCalls.values()].map((notice) => notice.view),
    });
    this.updateTones(false);
    const anyActive = views.some((view) => view.state === 'active');
    if (anyActive && !this.qualityTimer)
      this.qualityTimer = setInterval(() => void this.sampleMedia(), QUALITY_INTERVAL_MS);
    else if (!anyActive && this.qualityTimer) {
      clearInterval(this.qualityTimer);
      this.qualityTimer = null;
    }
  }

  /** The tone the calls' states call for (tone-choice.ts), on the ring device or the speaker. */
  private updateTones(deviceChanged: boolean): void {
    const tone = chooseTone([...this.calls.values()].map(({ view, answering }) => ({ view, answering })));
    if (tone === null || deviceChanged) this.tones.stop();
    if (tone === null) return;
    const preferences = this.deps.preferences();
    if (tone === 'ringtone')
      void this.tones.play(tone, preferences.ringDeviceId, {
        ringtone: preferences.ringtone,
        volume: preferences.ringVolume,
      });
    else void this.tones.play(tone, preferences.speakerId);
  }
}

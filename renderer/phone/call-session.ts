import type {
  IncomingDTMFEvent,
  IncomingEvent,
  OutgoingDTMFEvent,
  OutgoingEvent,
  ReferEvent,
  SDPEvent,
} from 'jssip/lib/RTCSession';
import type { CallEvent, MediaEncryption } from '../../shared/domain/calls';
import { CallAudio, type CallAudioDeps } from './call-audio';
import {
  dispositionOf,
  endReasonOf,
  jssipCauses,
  transition,
  type CallMachineEvent,
  type SdpProblem,
} from './call-state';
import type { CallView, EndReason } from './call-view';
import { marks } from './registration';
import { deriveSas, sdpFingerprints } from './sas';
import { encryptionScope, FINGERPRINT_HEADER, holdsUs, rejectUnusedMedia, sdpProblemOf } from './sdp-policy';
import type { MediaConnection, SipMessage, SipResponse, SipSession } from './sip-adapter';

export interface CallSessionDeps extends CallAudioDeps {
  now(): number;
  report(event: CallEvent): void;
  /** The call's view changed. */
  changed(call: CallSession): void;
  /** The call reached its final state (once). */
  ended(call: CallSession): void;
  /** The far end transfers us (REFER). */
  referred(call: CallSession, event: ReferEvent): void;
  /** An INVITE with Replaces for this call arrived (an attended transfer elsewhere). */
  replaced(call: CallSession, event: ReferEvent): void;
  /** The far end redirected our call (3xx): true when the engine follows it with a new session. */
  redirected(call: CallSession, response: SipResponse): boolean;
}

/** How long the DTLS handshake may take after the call is connected before its state is read anyway. */
const DTLS_WAIT_MS = 2000;
/** How often a hold or resume that had to wait for another offer (ours or the far end's) is tried again. */
const HOLD_RETRY_MS = 200;

function isResponse(message: unknown): message is SipResponse {
  return typeof message === 'object' && message !== null && 'status_code' in message;
}

function announcedFingerprint(message: SipMessage | null | undefined): string | null {
  return message?.hasHeader(FINGERPRINT_HEADER) ? message.getHeader(FINGERPRINT_HEADER) : null;
}

/**
 * One call: its JsSIP session (a new one when a redirect is followed), its view moved only through the
 * call state machine, its audio, and its reports to main. Whatever ends it (a final response, the far
 * end, a media or network failure, the person) ends in the machine's final state with a reason and
 * releases the call's element and microphone.
 */
export class CallSession {
  private current: CallView;
  private sessionNow: SipSession;
  readonly audio: CallAudio;
  /** Answer was pressed and the microphone is opening: a second press must not open another one. */
  answering = false;
  /** The address we dialled (outgoing calls only), as it was given to call(). */
  dialledUri: string | null = null;
  /** Why we end the call ourselves; wins over JsSIP's cause. */
  private requested: EndReason | null = null;
  private transportLost = false;
  private sdpProblem: SdpProblem | null = null;
  /** The DTLS fingerprint the far end announced in its INVITE or 200 OK. */
  private announced: string | null;
  /** Hold state of the far end's latest offer, applied once our answer to it is made. */
  private pendingRemoteHold: boolean | null = null;
  /** The RSeq of the last reliable provisional response we acknowledged (PRACK). */
  private lastRseq = 0;
  /** Hold (true) or resume (false) asked for while another offer was under way; applied after it. */
  private wantedHold: boolean | null = null;
  private holdTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    session: SipSession,
    view: CallView,
    private readonly deps: CallSessionDeps,
    request: SipMessage | null = null,
  ) {
    this.current = view;
    this.sessionNow = session;
    this.audio = new CallAudio(view.id, deps);
    this.announced = announcedFingerprint(request);
    this.bind(session);
  }

  get view(): CallView {
    return this.current;
  }

  get id(): string {
    return this.current.id;
  }

  get session(): SipSession {
    return this.sessionNow;
  }

  get ended(): boolean {
    return this.current.state === 'ended';
  }

  /** The microphone the call sends, as it was opened for the setting `choice`. */
  useMicrophone(stream: MediaStream, choice: string): void {
    this.audio.useMicrophone(stream, choice);
    this.patch({ microphoneLabel: this.audio.microphoneTrack?.label ?? null, microphoneProblem: null });
  }

  /** A change of the view's details (flags, media); the state itself changes only through the machine. */
  patch(update: Partial<Omit<CallView, 'state' | 'endReason' | 'id'>>): void {
    if (this.ended) return;
    this.current = { ...this.current, ...update };
    this.deps.changed(this);
  }

  private apply(event: CallMachineEvent): boolean {
    const next = transition(this.current, event);
    if (!next) return false;
    this.current = next;
    this.deps.changed(this);
    return true;
  }

  /**
   * Holds or resumes the call. JsSIP takes no new offer while one is under way (our previous hold, the far
   * end's re-INVITE, a retry after glare): a press of Hold or Resume then waits for it instead of being
   * lost, and the latest press wins.
   */
  setHold(held: boolean): void {
    this.wantedHold = held;
    this.applyHold();
  }

  private applyHold(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
    const wanted = this.wantedHold;
    if (
      wanted === null ||
      this.ended ||
      !this.sessionNow.isEstablished() ||
      wanted === this.current.heldLocally
    ) {
      this.wantedHold = null;
      return;
    }
    const sent = wanted ? this.sessionNow.hold() : this.sessionNow.unhold();
    if (sent) this.wantedHold = null;
    else this.holdTimer = setTimeout(() => this.applyHold(), HOLD_RETRY_MS);
  }

  /** Follows a redirect: the same call goes on with the new session to `target`. */
  redirect(session: SipSession, target: string): void {
    this.sessionNow = session;
    this.sdpProblem = null;
    this.announced = null;
    this.bind(session);
    this.patch({ redirectedTo: target, earlyMedia: false });
  }

  private bind(session: SipSession): void {
    const mine = () => session === this.sessionNow && !this.ended;
    const id = this.id;
    session.on('peerconnection', ({ peerconnection }) => {
      if (mine()) this.watchConnection(peerconnection);
    });
    // An incoming call's connection is made when it is answered; ours inside call(), before we get here.
    if (session.connection) this.watchConnection(session.connection);
    session.on('sdp', (event) => {
      if (mine()) this.inspectSdp(event);
    });
    session.on('progress', (event: IncomingEvent | OutgoingEvent) => {
      if (!mine() || this.current.direction !== 'outgoing') return;
      const response = 'response' in event && isResponse(event.response) ? event.response : null;
      this.acknowledgeReliably(response);
      // A 183 (or 180) with SDP carries the far end's own tones or announcements.
      if (this.apply({ type: 'progress', earlyMedia: Boolean(response?.body) }))
        this.deps.report({ type: 'ringing', callId: id, at: this.deps.now() });
    });
    session.on('accepted', (event: IncomingEvent | OutgoingEvent) => {
      if (!mine()) return;
      if (this.current.direction === 'incoming') {
        // Our 200 OK is out: the call is connected here (the caller's ACK confirms it in JsSIP). Counting
        // it from here also keeps a call that JsSIP fails to confirm (its own listener on an attended
        // transfer's replaced call can throw first) from staying "Incoming call".
        this.audio.start();
        this.connect();
      } else if ('response' in event && isResponse(event.response)) {
        this.announced = announcedFingerprint(event.response);
      }
    });
    session.on('confirmed', () => {
      if (!mine()) return;
      performance.mark(marks.confirmed);
      this.connect();
    });
    session.on('hold', ({ originator }) => {
      if (mine() && originator === 'local') this.held('local', true);
    });
    session.on('unhold', ({ originator }) => {
      if (mine() && originator === 'local') this.held('local', false);
    });
    session.on('newDTMF', (event: IncomingDTMFEvent | OutgoingDTMFEvent) => {
      if (mine() && String(event.originator) === 'remote')
        this.patch({ dtmfReceived: (this.current.dtmfReceived + event.dtmf.tone).slice(-32) });
    });
    session.on('refer', (event) => {
      if (mine()) this.deps.referred(this, event);
    });
    session.on('replaces', (event) => {
      if (mine()) this.deps.replaced(this, event);
    });
    // JsSIP keeps a call whose first early answer (18x) the browser refused (our offer is still open):
    // nothing can be heard on it, and its 200 OK would fail the same way. A repeated 18x fails harmlessly.
    session.on('peerconnection:setremotedescriptionfailed', () => {
      if (mine() && !session.isEstablished() && session.connection?.signalingState === 'have-local-offer')
        this.end(this.sdpProblem ?? 'media-failed');
    });
    const finish = ({
      originator,
      cause,
      message,
    }: {
      originator: string;
      cause: string;
      message: unknown;
    }) => {
      if (!mine()) return;
      const response = isResponse(message) ? message : null;
      if (cause === jssipCauses.REDIRECTED && response && this.deps.redirected(this, response)) return;
      this.finish(
        originator === 'remote' ? 'remote' : originator === 'system' ? 'system' : 'local',
        cause,
        response,
      );
    };
    session.on('ended', finish);
    session.on('failed', finish);
  }

  private watchConnection(connection: MediaConnection): void {
    connection.addEventListener('track', (event) => {
      if (this.ended) return;
      this.audio.receive(event);
      // An outgoing call plays at once (early media); an incoming one once our 200 OK is out.
      if (this.current.direction === 'outgoing') this.audio.start();
    });
    // JsSIP ends a call on ICE failure only; DTLS failing on a connected ICE path leaves it silent.
    connection.addEventListener('connectionstatechange', () => {
      if (connection.connectionState === 'failed' && connection === this.sessionNow.connection)
        this.end('media-failed');
    });
  }

  /**
   * The far end's SDP, before the browser sees it: what a browser cannot take (SDES only, no keys, no
   * RTCP multiplexing) is named for the end reason, m-lines other than the call's audio are rejected with
   * port 0, and a hold (also by c=0.0.0.0, which JsSIP does not read) is noted. Our answer then applies it.
   */
  private inspectSdp(event: SDPEvent): void {
    if (String(event.originator) === 'local') {
      if (event.type === 'answer' && this.pendingRemoteHold !== null) {
        this.held('remote', this.pendingRemoteHold);
        this.pendingRemoteHold = null;
      }
      return;
    }
    this.sdpProblem = sdpProblemOf(event.sdp);
    if (event.type !== 'offer') return;
    event.sdp = rejectUnusedMedia(event.sdp);
    if (this.sessionNow.isEstablished()) this.pendingRemoteHold = holdsUs(event.sdp);
  }

  /**
   * RFC 3262 for our INVITE (JsSIP has no PRACK): a reliable provisional response (Require: 100rel, RSeq)
   * is acknowledged in its early dialog, once; a retransmission of it needs no second PRACK.
   */
  private acknowledgeReliably(response: SipResponse | null): void {
    const require = response?.hasHeader('Require') ? response.getHeader('Require') : '';
    if (!response?.hasHeader('RSeq') || !/\b100rel\b/i.test(require)) return;
    const rseq = Number(response.getHeader('RSeq'));
    if (!(rseq > this.lastRseq)) return;
    this.lastRseq = rseq;
    this.sessionNow.sendRequest('PRACK', {
      extraHeaders: [`RAck: ${rseq} ${response.getHeader('CSeq').trim()}`],
    });
  }

  private connect(): void {
    if (!this.apply({ type: 'connected', at: this.deps.now() })) return;
    this.deps.report({ type: 'answered', callId: this.id, at: this.current.answeredAt ?? this.deps.now() });
    void this.inspectMedia();
  }

  private held(by: 'local' | 'remote', held: boolean): void {
    const before = by === 'local' ? this.current.heldLocally : this.current.heldRemotely;
    if (before === held || !this.apply({ type: 'held', by, held })) return;
    this.deps.report({ type: 'held', callId: this.id, at: this.deps.now(), by, held });
  }

  /** Encryption as the browser reports it (DTLS state, SRTP cipher) and the SAS from both fingerprints. */
  private async inspectMedia(): Promise<void> {
    const connection = this.sessionNow.connection;
    if (!connection?.localDescription || !connection.remoteDescription) return;
    const sas = await deriveSas(connection.localDescription.sdp, connection.remoteDescription.sdp);
    let encryption = await this.readEncryption(connection);
    // DTLS completes shortly after the call is connected; look again for a while.
    for (let waited = 0; waited < DTLS_WAIT_MS && encryption.dtlsState !== 'connected'; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (this.ended) return;
      encryption = await this.readEncryption(connection);
    }
    if (this.ended) return;
    const fingerprints = {
      local: sdpFingerprints(connection.localDescription.sdp)[0] ?? null,
      remote: sdpFingerprints(connection.remoteDescription.sdp)[0] ?? null,
    };
    this.patch({ encryption, sas, fingerprints });
    this.deps.report({ type: 'encryption', callId: this.id, at: this.deps.now(), encryption });
  }

  private async readEncryption(connection: MediaConnection): Promise<MediaEncryption> {
    const scope = encryptionScope(connection.remoteDescription?.sdp ?? '', this.announced);
    const stats = await connection.getStats().catch(() => null);
    for (const report of stats?.values() ?? []) {
      if (report.type === 'transport')
        return { dtlsState: report.dtlsState ?? null, srtpCipher: report.srtpCipher ?? null, scope };
    }
    return { dtlsState: null, srtpCipher: null, scope: 'unknown' };
  }

  /** The connection to the provider went (false) or came back (true). */
  transport(connected: boolean): void {
    if (connected) return;
    this.transportLost = true;
    // A call not yet connected cannot complete without the connection (nothing can reach us); a
    // connected one keeps its media and is refreshed once the phone is registered again.
    if (this.current.state !== 'active') this.end('network');
  }

  /**
   * Ends the call for `reason` (hung up, declined, or the engine's own reason). JsSIP ends its session
   * at once in every state; if it cannot (it had already ended it without telling), the call ends here.
   */
  end(reason: EndReason, options: Parameters<SipSession['terminate']>[0] = {}): void {
    if (this.ended) return;
    this.requested ??= reason;
    if (!this.sessionNow.isEnded()) {
      try {
        this.sessionNow.terminate(options);
      } catch {
        // Already terminated inside JsSIP: finished below.
      }
    }
    if (!this.ended) this.finish('local', jssipCauses.BYE, null);
  }

  /** Marks why the call will end, when something else ends it (a transfer, a replacement). */
  expectEnd(reason: EndReason): void {
    this.requested ??= reason;
  }

  private finish(
    originator: 'local' | 'remote' | 'system',
    cause: string,
    response: SipResponse | null,
  ): void {
    if (this.ended) return;
    const answered = this.current.answeredAt !== null;
    const reason = endReasonOf({
      originator,
      cause,
      statusCode: response?.status_code ?? null,
      direction: this.current.direction,
      answered,
      requested: this.requested,
      transportLost: this.transportLost,
      sdpProblem: this.sdpProblem,
    });
    this.audio.release();
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.apply({ type: 'ended', reason, cause });
    this.deps.report({
      type: 'ended',
      callId: this.id,
      at: this.deps.now(),
      disposition: dispositionOf(reason, this.current.direction, answered),
      cause: reason,
    });
    this.deps.ended(this);
  }
}

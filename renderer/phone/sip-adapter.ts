import JsSIP from 'jssip';
import type {
  AnswerOptions,
  DTMFOptions,
  ExtraHeaders,
  HoldOptions,
  ReferOptions,
  RenegotiateOptions,
  RTCSessionEventMap,
  TerminateOptions,
} from 'jssip/lib/RTCSession';
import type { CallOptions, UAConfiguration, UAEventMap } from 'jssip/lib/UA';
import type { SipRegistration } from '../../shared/domain/sip-account';
import { iceReadiness } from './ice-gate';

// JsSIP's own in-dialog request API (RTCSession.sendRequest), which its typings leave out: PRACK uses it.
declare module 'jssip/lib/RTCSession' {
  interface RTCSession {
    sendRequest(method: string, options?: ExtraHeaders & { body?: string }): unknown;
  }
}

/**
 * The typed seam between the engine and JsSIP: the engine uses JsSIP only through these narrow
 * interfaces (which JsSIP's UA and RTCSession satisfy as they are) and through the option builders below,
 * so that no option is cast and the unit tests can drive the engine with typed stand-ins.
 */

/** What the engine uses of a call's RTCPeerConnection. */
export type MediaConnection = Pick<
  RTCPeerConnection,
  | 'addEventListener'
  | 'removeEventListener'
  | 'getStats'
  | 'getSenders'
  | 'getReceivers'
  | 'getTransceivers'
  | 'localDescription'
  | 'remoteDescription'
  | 'connectionState'
  | 'signalingState'
>;

/** A SIP message as the engine reads it: headers and body. */
export interface SipMessage {
  body?: string;
  hasHeader(name: string): boolean;
  getHeader(name: string): string;
}

/** A final or provisional response to our INVITE. */
export interface SipResponse extends SipMessage {
  status_code: number;
}

/** ReferOptions with the replaced call as the engine knows it (JsSIP is given its own RTCSession). */
export type SipReferOptions = Omit<ReferOptions, 'replaces'> & { replaces?: SipSession };

/** What the engine uses of a JsSIP RTCSession. */
export interface SipSession {
  readonly id: string;
  readonly connection: MediaConnection | null;
  readonly remote_identity: {
    readonly display_name: string;
    readonly uri: { readonly host: string; toString(): string };
  };
  isEstablished(): boolean;
  isEnded(): boolean;
  answer(options?: AnswerOptions): void;
  terminate(options?: TerminateOptions): void;
  hold(options?: HoldOptions, done?: VoidFunction): boolean;
  unhold(options?: HoldOptions, done?: VoidFunction): boolean;
  renegotiate(options?: RenegotiateOptions, done?: VoidFunction): boolean;
  mute(options?: { audio?: boolean }): void;
  unmute(options?: { audio?: boolean }): void;
  sendDTMF(tones: string, options?: DTMFOptions): void;
  refer(target: string, options?: SipReferOptions): unknown;
  sendRequest(method: string, options?: ExtraHeaders & { body?: string }): unknown;
  on<T extends keyof RTCSessionEventMap>(type: T, listener: RTCSessionEventMap[T]): unknown;
}

/** What the engine uses of a JsSIP UA. */
export interface SipAgent {
  start(): void;
  stop(): void;
  register(): void;
  isConnected(): boolean;
  call(target: string, options: CallOptions): SipSession;
  set<T extends keyof UAConfiguration>(parameter: T, value: UAConfiguration[T]): boolean;
  on<T extends keyof UAEventMap>(type: T, listener: UAEventMap[T]): unknown;
}

/** Makes the user agent for a configuration (JsSIP's UA; a stand-in in unit tests). */
export type AgentFactory = (configuration: UAConfiguration) => SipAgent;

export const createJsSipAgent: AgentFactory = (configuration) => new JsSIP.UA(configuration);

/**
 * JsSIP's WebSocket transport, able to reconnect at once: JsSIP has no public "reconnect now", and after a
 * lost connection it waits out its back-off. Opening the socket ourselves reaches the transport's own
 * handlers (set when it last connected), which register again and cancel the pending retry.
 */
export class RecoverableSocket extends JsSIP.WebSocketInterface {
  connectNow(): void {
    if (!this.isConnected() && !this.isConnecting()) this.connect();
  }
}

/** Seconds of JsSIP's reconnection back-off: short, because a phone that is offline misses calls. */
const RECOVERY_MIN_SECONDS = 1;
const RECOVERY_MAX_SECONDS = 5;

export function userAgentConfiguration(
  registration: SipRegistration,
  socket: RecoverableSocket,
): UAConfiguration {
  return {
    sockets: [socket],
    uri: registration.sipUri,
    authorization_user: registration.authorizationUser,
    ha1: registration.ha1,
    realm: registration.realm,
    display_name: registration.displayName || undefined,
    register: true,
    register_expires: 300,
    // RFC 4028: a call whose far end vanished ends, whichever side refreshes.
    session_timers: true,
    connection_recovery_min_interval: RECOVERY_MIN_SECONDS,
    connection_recovery_max_interval: RECOVERY_MAX_SECONDS,
    user_agent: 'Secure Softphone',
  };
}

export interface MediaOptions {
  microphone: MediaStream;
  pcConfig: RTCConfiguration;
  /** SIP headers of the INVITE (or of the 200 OK when answering). */
  extraHeaders: string[];
}

/**
 * Options for a call we place, by dialling, following a redirect, or because the far end transferred us
 * (REFER). JsSIP makes the call's peer connection inside connect(): the session has it when we get it.
 */
export function callOptions(media: MediaOptions): CallOptions {
  return {
    mediaStream: media.microphone,
    mediaConstraints: { audio: true, video: false },
    pcConfig: media.pcConfig,
    extraHeaders: media.extraHeaders,
    // Send the offer as soon as it carries what the network needs, not when gathering finishes.
    eventHandlers: { icecandidate: iceReadiness(media.pcConfig.iceServers ?? []) },
  };
}

export function answerOptions(media: MediaOptions): AnswerOptions {
  return {
    mediaStream: media.microphone,
    mediaConstraints: { audio: true, video: false },
    pcConfig: media.pcConfig,
    extraHeaders: media.extraHeaders,
  };
}

/** RFC 4733 telephone-events in the media stream by default; SIP INFO where the provider needs it. */
export function dtmfOptions(transport: 'rfc4733' | 'info'): DTMFOptions {
  return {
    transportType: transport === 'info' ? JsSIP.C.DTMF_TRANSPORT.INFO : JsSIP.C.DTMF_TRANSPORT.RFC2833,
    duration: 120,
    interToneGap: 80,
  };
}

/** A final response that refuses an incoming call. */
export function rejectOptions(
  statusCode: 420 | 486 | 488 | 603,
  extraHeaders: string[] = [],
): TerminateOptions {
  const phrases = { 420: 'Bad Extension', 486: 'Busy Here', 488: 'Not Acceptable Here', 603: 'Decline' };
  return { status_code: statusCode, reason_phrase: phrases[statusCode], extraHeaders };
}

export interface ReferHandlers {
  /** The REFER itself was refused, or the transferred call failed. */
  failed(): void;
  /** The far end reached the target (NOTIFY with 2xx). */
  accepted(): void;
}

/** A REFER: blind, or (with the consultation call it replaces) attended. */
export function referOptions(handlers: ReferHandlers, replaces?: SipSession): SipReferOptions {
  return {
    ...(replaces ? { replaces } : {}),
    eventHandlers: { requestFailed: handlers.failed, failed: handlers.failed, accepted: handlers.accepted },
  };
}

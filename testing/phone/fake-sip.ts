// Typed stand-ins for JsSIP's UA and RTCSession, for the phone engine's unit tests. They emit JsSIP's
// events with the payloads JsSIP gives them (node_modules/jssip/lib/RTCSession.js), and terminate() ends a
// session the way JsSIP does: at once, with 'failed' before the call is established and 'ended' after.
import type { CallOptions, UAConfiguration } from 'jssip/lib/UA';
import type {
  MediaConnection,
  SipAgent,
  SipMessage,
  SipReferOptions,
  SipResponse,
  SipSession,
} from '../../renderer/phone/sip-adapter';

type Listener = (...args: never[]) => unknown;

/** A minimal event emitter with JsSIP's `on` (the engine only listens). */
class Emitter {
  private readonly listeners = new Map<string, Listener[]>();

  on(type: string, listener: Listener): this {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    return this;
  }

  /** Emits `type` with `payload` to every listener, as JsSIP's EventEmitter does (synchronously). */
  emit(type: string, payload?: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) (listener as (event: unknown) => unknown)(payload);
  }

  listenerCount(type: string): number {
    return this.listeners.get(type)?.length ?? 0;
  }
}

/** A SIP message with headers (case-insensitive) and a body. */
export function sipMessage(headers: Record<string, string> = {}, body = ''): SipMessage {
  const lower = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    body,
    hasHeader: (name) => lower.has(name.toLowerCase()),
    getHeader: (name) => lower.get(name.toLowerCase()) ?? '',
  };
}

export function sipResponse(
  statusCode: number,
  headers: Record<string, string> = {},
  body = '',
): SipResponse {
  return { ...sipMessage(headers, body), status_code: statusCode };
}

export interface TerminateCall {
  status_code?: number;
  reason_phrase?: string;
  extraHeaders?: string[];
  cause?: string;
}

let sessions = 0;

export class FakeSession extends Emitter implements SipSession {
  readonly id = `call-${(sessions += 1)}`;
  connection: MediaConnection | null;
  readonly remote_identity: SipSession['remote_identity'];
  established = false;
  over = false;
  readonly terminated: TerminateCall[] = [];
  readonly answered: unknown[] = [];
  readonly requests: { method: string; extraHeaders: string[] }[] = [];
  readonly referred: { target: string; options: SipReferOptions | undefined }[] = [];
  readonly holds: boolean[] = [];
  /** False while another offer is under way: JsSIP then refuses hold and resume (they return false). */
  readyToReOffer = true;
  /** Makes terminate() throw as JsSIP does when its session is already terminated, without an event. */
  terminateThrows = false;

  constructor(
    readonly direction: 'incoming' | 'outgoing',
    remote = 'sip:far@softphone.test',
    connection: MediaConnection | null = null,
  ) {
    super();
    this.connection = connection;
    const host = /@([^;>]+)/.exec(remote)?.[1] ?? '';
    this.remote_identity = { display_name: '', uri: { host, toString: () => remote } };
  }

  isEstablished(): boolean {
    return this.established && !this.over;
  }

  isEnded(): boolean {
    return this.over;
  }

  answer(options?: unknown): void {
    this.answered.push(options);
  }

  terminate(options: TerminateCall = {}): void {
    if (this.terminateThrows || this.over) throw new Error('INVALID_STATE_ERROR');
    this.terminated.push(options);
    if (this.established) this.end('ended', 'local', options.cause ?? 'Terminated');
    else this.end('failed', 'local', this.direction === 'incoming' ? 'Rejected' : 'Canceled');
  }

  /** JsSIP's end of a session: 'ended' or 'failed', once. */
  end(
    event: 'ended' | 'failed',
    originator: 'local' | 'remote' | 'system',
    cause: string,
    message: unknown = null,
  ): void {
    if (this.over) return;
    this.over = true;
    this.emit(event, { originator, cause, message });
  }

  /** The far end answered (outgoing) or our 200 OK went out and was acknowledged (incoming). */
  establish(response: SipResponse | null = null): void {
    this.established = true;
    this.emit('accepted', { originator: this.direction === 'incoming' ? 'local' : 'remote', response });
    this.emit('confirmed', { originator: 'local', ack: null });
  }

  hold(): boolean {
    if (!this.readyToReOffer) return false;
    this.holds.push(true);
    this.emit('hold', { originator: 'local' });
    return true;
  }

  unhold(): boolean {
    if (!this.readyToReOffer) return false;
    this.holds.push(false);
    this.emit('unhold', { originator: 'local' });
    return true;
  }

  renegotiate(): boolean {
    return true;
  }

  mute(): void {}

  unmute(): void {}

  sendDTMF(): void {}

  refer(target: string, options?: SipReferOptions): void {
    this.referred.push({ target, options });
  }

  sendRequest(method: string, options: { extraHeaders?: string[] } = {}): void {
    this.requests.push({ method, extraHeaders: options.extraHeaders ?? [] });
  }
}

export class FakeAgent extends Emitter implements SipAgent {
  started = false;
  stopped = false;
  connected = true;
  readonly calls: { target: string; options: CallOptions; session: FakeSession }[] = [];
  readonly settings: Partial<UAConfiguration> = {};
  registrations = 0;
  /** The connection the next outgoing session gets (JsSIP makes it inside call()). */
  nextConnection: () => MediaConnection | null = () => null;

  constructor(readonly configuration: UAConfiguration) {
    super();
  }

  start(): void {
    this.started = true;
  }

  stop(): void {
    this.stopped = true;
  }

  register(): void {
    this.registrations += 1;
  }

  isConnected(): boolean {
    return this.connected;
  }

  call(target: string, options: CallOptions): FakeSession {
    const session = new FakeSession('outgoing', target, this.nextConnection());
    this.calls.push({ target, options, session });
    return session;
  }

  set<T extends keyof UAConfiguration>(parameter: T, value: UAConfiguration[T]): boolean {
    this.settings[parameter] = value;
    return true;
  }

  /** An INVITE arrives: JsSIP's newRTCSession with originator remote. */
  invite(session: FakeSession, request: SipMessage): void {
    this.emit('newRTCSession', { originator: 'remote', session, request });
  }
}

import JsSIP from 'jssip';
import type { RTCSessionEvent } from 'jssip/lib/UA';
import type { SipRegistration, TlsProbeResult } from '../../shared/domain/sip-account';
import {
  RecoverableSocket,
  userAgentConfiguration,
  type AgentFactory,
  type SipAgent,
  type SipMessage,
  type SipSession,
} from './sip-adapter';

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

export interface RegistrationDeps {
  probeTls(url: string): Promise<TlsProbeResult>;
  /** Whether policy pins the provider's keys: only then is the server probed before connecting. */
  pinsConfigured(): boolean;
  createAgent: AgentFactory;
  /** Whether the browser believes it is online (navigator.onLine). */
  online(): boolean;
  onStatus(status: RegistrationStatus): void;
  /** Registered, the first time or again. */
  onRegistered(): void;
  /** Registered again after the connection was lost: dialogs need the new Contact. */
  onReconnected(): void;
  /** The connection to the provider dropped (false) or is back (true). */
  onConnection(connected: boolean): void;
  onIncoming(session: SipSession, request: SipMessage): void;
}

/**
 * Registration and reconnection: one JsSIP user agent over wss://, its status in words the app shows,
 * certificate problems explained by main's TLS probe, and a reconnect at once when the network returns.
 */
export class RegistrationClient {
  private agent: SipAgent | null = null;
  private socket: RecoverableSocket | null = null;
  private current: SipRegistration | null = null;
  private state: RegistrationStatus = { state: 'offline' };
  /** The agent's connection was lost and JsSIP is waiting out its back-off. */
  private lostConnection = false;

  constructor(private readonly deps: RegistrationDeps) {}

  get status(): RegistrationStatus {
    return this.state;
  }

  get registration(): SipRegistration | null {
    return this.current;
  }

  /** The SIP domain of the account ('' without one). */
  get domain(): string {
    return this.current ? this.current.sipUri.slice(this.current.sipUri.indexOf('@') + 1) : '';
  }

  /** The user agent while it is registered (calls can be placed), else null. */
  get registeredAgent(): SipAgent | null {
    return this.state.state === 'registered' ? this.agent : null;
  }

  start(registration: SipRegistration): void {
    this.stop();
    this.current = registration;
    const socket = new RecoverableSocket(registration.wssUrl);
    const agent = this.deps.createAgent(userAgentConfiguration(registration, socket));
    this.agent = agent;
    this.socket = socket;
    this.setStatus({ state: 'connecting' });
    performance.mark(marks.register);
    this.listen(agent, registration.wssUrl);
    // Without pins the browser's own verification decides; failures are explained afterwards.
    if (this.deps.pinsConfigured()) void this.startWhenPinned(registration.wssUrl, agent);
    else agent.start();
  }

  private listen(agent: SipAgent, wssUrl: string): void {
    // Handlers of a stopped agent check `this.agent` and ignore what it still reports.
    let reconnecting = false;
    agent.on('registered', () => {
      if (this.agent !== agent) return;
      performance.mark(marks.registered);
      this.setStatus({ state: 'registered' });
      this.deps.onRegistered();
      if (reconnecting) {
        reconnecting = false;
        this.deps.onReconnected();
      }
    });
    agent.on('unregistered', () => {
      if (this.agent === agent) this.setStatus({ state: 'connecting' });
    });
    agent.on('registrationFailed', (event) => {
      if (this.agent !== agent) return;
      const error: RegistrationError =
        event.cause === JsSIP.C.causes.AUTHENTICATION_ERROR ? 'wrong-credentials' : 'rejected';
      this.setStatus({ state: 'error', error });
    });
    agent.on('disconnected', () => {
      if (this.agent !== agent) return;
      reconnecting = true;
      this.lostConnection = true;
      this.deps.onConnection(false);
      if (this.state.state === 'error') return;
      void this.explainDisconnect(wssUrl, agent);
    });
    agent.on('connected', () => {
      if (this.agent !== agent) return;
      this.lostConnection = false;
      this.deps.onConnection(true);
      if (this.state.state === 'error' && this.state.error !== 'wrong-credentials')
        this.setStatus({ state: 'connecting' });
    });
    agent.on('newRTCSession', (event: RTCSessionEvent) => {
      if (this.agent === agent && event.originator === 'remote')
        this.deps.onIncoming(event.session, event.request);
    });
  }

  /**
   * Certificate pins from policy: in Electron the session's certificate verification enforces them on the
   * WebSocket itself, but a browser (the e2e shell) knows no pins. Main's TLS probe applies the same
   * decision first, so that a server whose key is not pinned never receives a REGISTER. Other outcomes are
   * left to the browser's own verification and to `explainDisconnect`.
   */
  private async startWhenPinned(url: string, agent: SipAgent): Promise<void> {
    const probe = await this.deps.probeTls(url).catch((): TlsProbeResult => ({ outcome: 'tls-error' }));
    if (this.agent !== agent) return;
    if (probe.outcome === 'pin-mismatch') this.setStatus({ state: 'error', error: 'pin-mismatch' });
    else agent.start();
  }

  /**
   * New credentials for the same account (the provider rotates short-lived ones): the agent keeps its
   * connection and its calls, takes the new HA1 and registers again. Another account starts afresh.
   */
  update(registration: SipRegistration): void {
    const current = this.current;
    const agent = this.agent;
    if (
      !agent ||
      !current ||
      current.sipUri !== registration.sipUri ||
      current.wssUrl !== registration.wssUrl ||
      current.authorizationUser !== registration.authorizationUser
    ) {
      this.start(registration);
      return;
    }
    if (current.ha1 === registration.ha1 && current.realm === registration.realm) return;
    this.current = registration;
    agent.set('realm', registration.realm);
    agent.set('ha1', registration.ha1);
    agent.set('display_name', registration.displayName || undefined);
    agent.register();
  }

  /**
   * The browser reports every WebSocket failure as 1006; main's TLS probe tells which one it was. An
   * unreachable server while the browser knows it is offline is the network's fault, not the server's.
   */
  private async explainDisconnect(url: string, agent: SipAgent): Promise<void> {
    const probe = await this.deps.probeTls(url).catch((): TlsProbeResult => ({ outcome: 'unreachable' }));
    if (this.agent !== agent || agent.isConnected()) return;
    const mapped = probeErrors[probe.outcome];
    const error = mapped === 'unreachable' && !this.deps.online() ? 'no-network' : mapped;
    this.setStatus(error ? { state: 'error', error } : { state: 'connecting' });
  }

  /** On `online` and on resume from sleep: reconnect at once instead of waiting for JsSIP's back-off. */
  reconnectNow(): void {
    // Before its first connection the transport has not hooked the socket yet: JsSIP connects it itself.
    if (!this.agent || !this.lostConnection || this.agent.isConnected()) return;
    this.socket?.connectNow();
  }

  stop(): void {
    const agent = this.agent;
    this.agent = null;
    this.socket = null;
    this.lostConnection = false;
    agent?.stop();
    this.setStatus({ state: 'offline' });
  }

  private setStatus(status: RegistrationStatus): void {
    this.state = status;
    this.deps.onStatus(status);
  }
}

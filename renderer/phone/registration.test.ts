import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TlsProbeResult } from '../../shared/domain/sip-account';
import { FakeAgent, FakeSession, sipMessage } from '../../testing/phone/fake-sip';
import { RegistrationClient, type RegistrationStatus } from './registration';
import { RecoverableSocket } from './sip-adapter';

const REGISTRATION = {
  displayName: 'Alice',
  sipUri: 'sip:alice@softphone.test',
  authorizationUser: 'alice',
  wssUrl: 'wss://127.0.0.1:7443',
  realm: 'softphone.test',
  ha1: '0123456789abcdef0123456789abcdef',
};

function client(options: { probe?: TlsProbeResult['outcome']; pins?: boolean; online?: boolean } = {}) {
  const agents: FakeAgent[] = [];
  const statuses: RegistrationStatus[] = [];
  const events: string[] = [];
  const registration = new RegistrationClient({
    probeTls: async () => ({ outcome: options.probe ?? 'ok' }),
    pinsConfigured: () => options.pins ?? false,
    createAgent: (configuration) => {
      const agent = new FakeAgent(configuration);
      agents.push(agent);
      return agent;
    },
    online: () => options.online ?? true,
    onStatus: (status) => statuses.push(status),
    onRegistered: () => events.push('registered'),
    onReconnected: () => events.push('reconnected'),
    onConnection: (connected) => events.push(connected ? 'connected' : 'disconnected'),
    onIncoming: (session) => events.push(`incoming ${session.id}`),
  });
  return { registration, agents, statuses, events, agent: () => agents.at(-1)! };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('registration', () => {
  it('configures JsSIP for the account: HA1 not password, session timers, a short reconnect back-off', () => {
    const { registration, agent } = client();
    registration.start(REGISTRATION);
    expect(agent().configuration).toMatchObject({
      uri: REGISTRATION.sipUri,
      authorization_user: 'alice',
      ha1: REGISTRATION.ha1,
      realm: 'softphone.test',
      register: true,
      session_timers: true,
      connection_recovery_max_interval: 5,
    });
    expect(agent().configuration).not.toHaveProperty('password');
    expect(agent().started).toBe(true);
    expect(registration.domain).toBe('softphone.test');
  });

  it('says connecting, then ready; names wrong credentials apart from other refusals', () => {
    const { registration, agent, statuses, events } = client();
    registration.start(REGISTRATION);
    expect(registration.registeredAgent).toBeNull();
    agent().emit('registered', {});
    expect(statuses.map((status) => status.state)).toEqual(['offline', 'connecting', 'registered']);
    expect(registration.registeredAgent).toBe(agent());
    expect(events).toEqual(['registered']);
    agent().emit('registrationFailed', { cause: 'Authentication Error' });
    expect(registration.status).toEqual({ state: 'error', error: 'wrong-credentials' });
    agent().emit('registrationFailed', { cause: 'Request Timeout' });
    expect(registration.status).toEqual({ state: 'error', error: 'rejected' });
  });

  it('explains a lost connection with the TLS probe, and the network when offline', async () => {
    const untrusted = client({ probe: 'untrusted' });
    untrusted.registration.start(REGISTRATION);
    untrusted.agent().connected = false;
    untrusted.agent().emit('disconnected', { error: true });
    await vi.waitFor(() =>
      expect(untrusted.registration.status).toEqual({ state: 'error', error: 'untrusted-certificate' }),
    );
    const offline = client({ probe: 'unreachable', online: false });
    offline.registration.start(REGISTRATION);
    offline.agent().connected = false;
    offline.agent().emit('disconnected', { error: true });
    await vi.waitFor(() =>
      expect(offline.registration.status).toEqual({ state: 'error', error: 'no-network' }),
    );
  });

  it('tells the calls when the connection goes and comes back, and refreshes them once registered again', () => {
    const { registration, agent, events } = client();
    registration.start(REGISTRATION);
    agent().emit('registered', {});
    agent().emit('disconnected', { error: true });
    agent().emit('connected', {});
    agent().emit('registered', {});
    expect(events).toEqual(['registered', 'disconnected', 'connected', 'registered', 'reconnected']);
  });

  it('reconnects at once only after a lost connection, not before JsSIP first connected', () => {
    const connectNow = vi.spyOn(RecoverableSocket.prototype, 'connectNow').mockImplementation(() => {});
    const { registration, agent } = client();
    registration.start(REGISTRATION);
    registration.reconnectNow();
    expect(connectNow).not.toHaveBeenCalled();
    agent().connected = false;
    agent().emit('disconnected', { error: true });
    registration.reconnectNow();
    expect(connectNow).toHaveBeenCalledOnce();
    agent().emit('connected', {});
    registration.reconnectNow();
    expect(connectNow).toHaveBeenCalledOnce();
  });

  it('never sends a REGISTER to a server whose pinned key does not match', async () => {
    const { registration, agent } = client({ pins: true, probe: 'pin-mismatch' });
    registration.start(REGISTRATION);
    await vi.waitFor(() => expect(registration.status).toEqual({ state: 'error', error: 'pin-mismatch' }));
    expect(agent().started).toBe(false);
  });

  it('takes rotated credentials of the same account without a new agent, and another account afresh', () => {
    const { registration, agents } = client();
    registration.start(REGISTRATION);
    registration.update({ ...REGISTRATION, ha1: 'ffffffffffffffffffffffffffffffff' });
    expect(agents).toHaveLength(1);
    expect(agents[0]!.settings.ha1).toBe('ffffffffffffffffffffffffffffffff');
    expect(agents[0]!.registrations).toBe(1);
    registration.update({ ...REGISTRATION, sipUri: 'sip:bob@softphone.test', authorizationUser: 'bob' });
    expect(agents).toHaveLength(2);
    expect(agents[0]!.stopped).toBe(true);
  });

  it('passes incoming calls on, and ignores what a stopped agent still reports', () => {
    const { registration, agent, events, statuses } = client();
    registration.start(REGISTRATION);
    const session = new FakeSession('incoming');
    agent().invite(session, sipMessage());
    const old = agent();
    registration.stop();
    old.invite(new FakeSession('incoming'), sipMessage());
    old.emit('registered', {});
    expect(events).toEqual([`incoming ${session.id}`]);
    expect(statuses.at(-1)).toEqual({ state: 'offline' });
  });
});

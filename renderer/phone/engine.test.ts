import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallEvent } from '../../shared/domain/calls';
import { resolvePolicy } from '../../shared/policy/schema';
import { defaultSettings } from '../../shared/settings/settings';
import { description, FakeConnection, FakeStream, mediaStats } from '../../testing/phone/fake-media';
import { FakeAgent, FakeSession, sipMessage, sipResponse } from '../../testing/phone/fake-sip';
import type { CallView } from './call-view';
import { marks, PhoneEngine, type PhonePolicy, type PhonePreferences, type ToneOutput } from './engine';
import { FINGERPRINT_HEADER } from './sdp-policy';
import { SETUP_HOLD_MAX_MS } from './setup-hold';
import type { Tone } from './tones';

const DOMAIN = 'softphone.test';
const REGISTRATION = {
  displayName: 'Alice',
  sipUri: `sip:alice@${DOMAIN}`,
  authorizationUser: 'alice',
  wssUrl: 'wss://127.0.0.1:7443',
  realm: DOMAIN,
  ha1: '0123456789abcdef0123456789abcdef',
};
const FINGERPRINT =
  'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';
const offer = (...media: string[]) =>
  ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, ''].join('\r\n');
const DTLS_AUDIO = [
  'm=audio 40000 UDP/TLS/RTP/SAVPF 0 101',
  `a=fingerprint:sha-256 ${FINGERPRINT}`,
  'a=setup:actpass',
  'a=rtcp-mux',
];
const SDES_AUDIO = [
  'm=audio 20222 RTP/SAVP 0 8 101',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcww=',
  'a=rtcp-mux',
];

class RecordingTones implements ToneOutput {
  current: Tone | null = null;
  prepare(): void {}
  async play(tone: Tone): Promise<void> {
    this.current = tone;
  }
  stop(): void {
    this.current = null;
  }
}

interface HarnessOptions {
  policy?: Partial<PhonePolicy>;
  preferences?: Partial<PhonePreferences>;
  certificate?: RTCCertificate;
}

function harness(options: HarnessOptions = {}) {
  const agents: FakeAgent[] = [];
  const connections: FakeConnection[] = [];
  const reports: CallEvent[] = [];
  const state: { calls: CallView[]; ended: CallView[] } = { calls: [], ended: [] };
  /** Every call as last published, also after it left the lists. */
  const seen = new Map<string, CallView>();
  const tones = new RecordingTones();
  const microphones: FakeStream[] = [];
  const devices = {
    getUserMedia: async () => {
      const stream = new FakeStream();
      microphones.push(stream);
      return stream;
    },
    addEventListener: vi.fn(),
    removeEventListener: vi.fn(),
  };
  Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: devices });
  const engine = new PhoneEngine({
    report: (event) => reports.push(event),
    probeTls: async () => ({ outcome: 'ok' }),
    publish: (update) => {
      if (update.calls) state.calls = update.calls;
      if (update.ended) state.ended = update.ended;
      for (const call of [...state.calls, ...state.ended]) seen.set(call.id, call);
    },
    now: () => Date.now(),
    preferences: () => ({ ...defaultSettings, ...options.preferences }),
    policy: () => ({ ...resolvePolicy({}), ...options.policy }),
    iceServers: () => [],
    pinsConfigured: () => false,
    createAgent: (configuration) => {
      const agent = new FakeAgent(configuration);
      agent.nextConnection = () => {
        const connection = new FakeConnection();
        connections.push(connection);
        return connection;
      };
      agents.push(agent);
      return agent;
    },
    generateCertificate: async () => options.certificate ?? null,
    tones,
  });
  engine.start(REGISTRATION);
  const agent = () => agents.at(-1)!;
  agent().emit('registered', { response: null });
  const view = (id: string) => seen.get(id);
  const ended = (id: string) => reports.find((event) => event.type === 'ended' && event.callId === id);

  /** We dial: the call is placed and shown (the far end has not answered yet), its session and connection returned. */
  async function dial(target = `sip:bob@${DOMAIN}`) {
    const result = await engine.call(target);
    if (!result.ok) throw new Error(result.problem);
    await vi.advanceTimersByTimeAsync(SETUP_HOLD_MAX_MS);
    const placed = agent().calls.at(-1)!;
    return { id: result.id, session: placed.session, connection: connections.at(-1)! };
  }

  /** An INVITE arrives with `request` (its headers and SDP). */
  function ring(request = sipMessage({}, offer(...DTLS_AUDIO))) {
    const session = new FakeSession('incoming', 'sip:carol@softphone.test', null);
    agent().invite(session, request);
    return { id: session.id, session };
  }

  /** Leaves no trace of a call: no card, no element, no live microphone, no tone. */
  function expectNothingBehind() {
    expect(state.calls).toEqual([]);
    expect(document.querySelectorAll('audio[data-call-id]')).toHaveLength(0);
    expect(
      microphones.flatMap((stream) => stream.getTracks()).filter((track) => track.readyState === 'live'),
    ).toEqual([]);
    expect(tones.current).toBeNull();
  }

  return { engine, agent, devices, reports, state, tones, view, ended, dial, ring, expectNothingBehind };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe('outgoing calls that fail end visibly, at once', () => {
  const responses: [number, string, string][] = [
    [486, 'Busy', 'busy'],
    [600, 'Busy', 'busy'],
    [603, 'Rejected', 'declined'],
    [403, 'Rejected', 'forbidden'],
    [404, 'Not Found', 'not-found'],
    [480, 'Unavailable', 'unavailable'],
    [408, 'Unavailable', 'timeout'],
    [484, 'Address Incomplete', 'incomplete-number'],
    [487, 'SIP Failure Code', 'terminated'],
    [488, 'Incompatible SDP', 'incompatible'],
    [500, 'SIP Failure Code', 'server-error'],
    [503, 'SIP Failure Code', 'server-error'],
  ];
  for (const [code, cause, reason] of responses)
    it(`a ${code} ends the call as ${reason}, in History and on screen`, async () => {
      const phone = harness();
      const { id, session } = await phone.dial();
      session.emit('progress', { originator: 'remote', response: sipResponse(180) });
      expect(phone.tones.current).toBe('ringback');
      session.end('failed', 'remote', cause, sipResponse(code));
      expect(phone.view(id)).toMatchObject({ state: 'ended', endReason: reason });
      expect(phone.state.ended.map((call) => call.id)).toEqual([id]);
      expect(phone.ended(id)).toMatchObject({ cause: reason });
      phone.expectNothingBehind();
    });

  it('files a busy far end as busy, and a declined one as declined', async () => {
    const phone = harness();
    const busy = await phone.dial();
    busy.session.end('failed', 'remote', 'Busy', sipResponse(486));
    const declined = await phone.dial('sip:dave@softphone.test');
    declined.session.end('failed', 'remote', 'Rejected', sipResponse(603));
    expect(phone.ended(busy.id)).toMatchObject({ disposition: 'busy' });
    expect(phone.ended(declined.id)).toMatchObject({ disposition: 'declined' });
  });

  it('names an SDES-only or unmultiplexed answer when the browser refuses it', async () => {
    for (const [media, reason] of [
      [SDES_AUDIO, 'sdes-only'],
      [DTLS_AUDIO.filter((line) => line !== 'a=rtcp-mux'), 'no-rtcp-mux'],
    ] as const) {
      const phone = harness();
      const { id, session } = await phone.dial();
      session.emit('sdp', { originator: 'remote', type: 'answer', sdp: offer(...media) });
      // JsSIP acknowledges the 200, hangs up, and fails the call with that response.
      session.end('failed', 'remote', 'Bad Media Description', sipResponse(200));
      expect(phone.view(id)).toMatchObject({ state: 'ended', endReason: reason });
    }
  });

  it('ends a call whose first early answer the browser refused, instead of ringing on', async () => {
    const phone = harness();
    const { id, session, connection } = await phone.dial();
    session.emit('sdp', { originator: 'remote', type: 'answer', sdp: offer(...SDES_AUDIO) });
    session.emit('peerconnection:setremotedescriptionfailed', new Error('no fingerprint'));
    expect(session.terminated).toHaveLength(1);
    expect(phone.view(id)).toMatchObject({ state: 'ended', endReason: 'sdes-only' });
    // A repeated 18x that fails once the first was taken is harmless.
    const next = await phone.dial('sip:erin@softphone.test');
    next.connection.signalingState = 'stable';
    next.session.emit('peerconnection:setremotedescriptionfailed', new Error('wrong state'));
    expect(phone.view(next.id)?.state).toBe('dialing');
    expect(connection.signalingState).toBe('have-local-offer');
  });

  it('ends the call when DTLS fails on a connected ICE path, which JsSIP does not watch', async () => {
    const phone = harness();
    const { id, session, connection } = await phone.dial();
    session.establish(sipResponse(200));
    connection.fail();
    expect(phone.view(id)).toMatchObject({ state: 'ended', endReason: 'media-failed' });
    expect(phone.ended(id)).toMatchObject({ disposition: 'answered', cause: 'media-failed' });
  });

  it('ends on ICE failure, on a missing ACK and on JsSIP errors with their reasons', async () => {
    const phone = harness();
    const ice = await phone.dial();
    ice.session.establish(sipResponse(200));
    ice.session.end('ended', 'local', 'RTP Timeout');
    const webrtc = await phone.dial('sip:x@softphone.test');
    webrtc.session.end('failed', 'local', 'WebRTC Error');
    const internal = await phone.dial('sip:y@softphone.test');
    internal.session.end('failed', 'system', 'Internal Error');
    expect([ice, webrtc, internal].map(({ id }) => phone.view(id)?.endReason)).toEqual([
      'media-failed',
      'media-failed',
      'failed',
    ]);
    phone.expectNothingBehind();
  });

  it('tells a lost connection from a request nobody answered when JsSIP cancels the call itself', async () => {
    const phone = harness();
    const timedOut = await phone.dial();
    timedOut.session.end('failed', 'local', 'Canceled');
    expect(phone.view(timedOut.id)?.endReason).toBe('timeout');
    const lost = await phone.dial('sip:x@softphone.test');
    phone.agent().emit('disconnected', { error: true });
    // Nothing can reach a call being set up once the connection is gone: it ends at once.
    expect(phone.view(lost.id)).toMatchObject({ state: 'ended', endReason: 'network' });
    expect(lost.session.terminated).toHaveLength(1);
  });

  it('ends a call whose session JsSIP already terminated without telling', async () => {
    const phone = harness();
    const { id, session } = await phone.dial();
    session.terminateThrows = true;
    phone.engine.hangup(id);
    expect(phone.view(id)).toMatchObject({ state: 'ended', endReason: 'cancelled' });
    phone.expectNothingBehind();
  });
});

describe('ordinary ends', () => {
  it('cancels before the answer and hangs up after, without a notice', async () => {
    const phone = harness();
    const early = await phone.dial();
    phone.engine.hangup(early.id);
    const answered = await phone.dial('sip:x@softphone.test');
    answered.session.establish(sipResponse(200));
    expect(phone.view(answered.id)?.state).toBe('active');
    phone.engine.hangup(answered.id);
    const remote = await phone.dial('sip:y@softphone.test');
    remote.session.establish(sipResponse(200));
    remote.session.end('ended', 'remote', 'Terminated');
    expect(phone.ended(early.id)).toMatchObject({ disposition: 'cancelled', cause: 'cancelled' });
    expect(phone.ended(answered.id)).toMatchObject({ disposition: 'answered', cause: 'hung-up' });
    expect(phone.ended(remote.id)).toMatchObject({ disposition: 'answered', cause: 'far-end-hung-up' });
    expect(phone.state.ended).toEqual([]);
    phone.expectNothingBehind();
  });

  it('shows a notice for a while, or until it is closed', async () => {
    const phone = harness();
    const first = await phone.dial();
    first.session.end('failed', 'remote', 'Busy', sipResponse(486));
    const second = await phone.dial('sip:x@softphone.test');
    second.session.end('failed', 'remote', 'Not Found', sipResponse(404));
    expect(phone.state.ended.map((call) => call.id)).toEqual([first.id, second.id]);
    phone.engine.dismissEnded(first.id);
    expect(phone.state.ended.map((call) => call.id)).toEqual([second.id]);
    vi.advanceTimersByTime(8_000);
    expect(phone.state.ended).toEqual([]);
  });

  it('clears the per-call performance marks once no call is left, and keeps the registration marks', async () => {
    const phone = harness();
    const { id, session } = await phone.dial();
    session.establish(sipResponse(200));
    expect(performance.getEntriesByName(marks.call)).not.toHaveLength(0);
    phone.engine.hangup(id);
    for (const name of [marks.call, marks.incoming, marks.answer, marks.confirmed])
      expect(performance.getEntriesByName(name)).toHaveLength(0);
    expect(performance.getEntriesByName(marks.registered)).not.toHaveLength(0);
  });
});

describe('incoming calls the browser cannot take are refused at once, with the reason', () => {
  const cases: [string, ReturnType<typeof sipMessage>, number, string][] = [
    ['SDES keys only', sipMessage({}, offer(...SDES_AUDIO)), 488, 'sdes-only'],
    ['no keys at all', sipMessage({}, offer('m=audio 6000 RTP/AVP 0')), 488, 'unencrypted'],
    [
      'RTCP on its own port',
      sipMessage({}, offer(...DTLS_AUDIO.filter((line) => line !== 'a=rtcp-mux'))),
      488,
      'no-rtcp-mux',
    ],
    [
      'a required 100rel',
      sipMessage({ Require: '100rel' }, offer(...DTLS_AUDIO)),
      420,
      'unsupported-extension',
    ],
  ];
  for (const [what, request, status, reason] of cases)
    it(`refuses ${what} with ${status}`, () => {
      const phone = harness();
      const { id, session } = phone.ring(request);
      expect(session.terminated[0]).toMatchObject({ status_code: status });
      expect(phone.view(id)).toMatchObject({ state: 'ended', endReason: reason });
      expect(phone.ended(id)).toMatchObject({ disposition: 'failed', cause: reason });
      expect(phone.state.ended.map((call) => call.id)).toEqual([id]);
      phone.expectNothingBehind();
    });

  it('answers an offer without SDP (the answer comes in the ACK) like any other', () => {
    const phone = harness();
    const { id, session } = phone.ring(sipMessage({}, ''));
    expect(session.terminated).toEqual([]);
    expect(phone.view(id)?.state).toBe('incoming');
    expect(phone.tones.current).toBe('ringtone');
  });

  it('refuses with busy under Do Not Disturb and files it as missed, without a notice', () => {
    const phone = harness({ preferences: { doNotDisturb: true } });
    const { id, session } = phone.ring();
    expect(session.terminated[0]).toMatchObject({ status_code: 486 });
    expect(phone.ended(id)).toMatchObject({ disposition: 'missed', cause: 'do-not-disturb' });
    expect(phone.state.ended).toEqual([]);
  });
});

describe('incoming calls', () => {
  it('stop ringing when the caller gives up, and are missed', () => {
    const phone = harness();
    const { id, session } = phone.ring();
    session.end('failed', 'remote', 'Canceled', sipMessage());
    expect(phone.ended(id)).toMatchObject({ disposition: 'missed', cause: 'missed' });
    phone.expectNothingBehind();
  });

  it('are connected once our 200 OK is out, and end visibly if the browser fails the answer', async () => {
    const phone = harness();
    const { id, session } = phone.ring();
    await phone.engine.answer(id);
    expect(session.answered).toHaveLength(1);
    session.emit('accepted', { originator: 'local', response: null });
    // Drawn once the caller confirms, or at the latest after the setup hold: JsSIP may never confirm.
    await vi.advanceTimersByTimeAsync(SETUP_HOLD_MAX_MS);
    expect(phone.view(id)?.state).toBe('active');
    const failing = phone.ring();
    await phone.engine.answer(failing.id);
    failing.session.end('failed', 'system', 'WebRTC Error');
    expect(phone.view(failing.id)).toMatchObject({ state: 'ended', endReason: 'media-failed' });
  });

  it('can be declined, busy or not: the History entry says declined', () => {
    const phone = harness();
    const declined = phone.ring();
    phone.engine.decline(declined.id);
    const busy = phone.ring();
    phone.engine.decline(busy.id, true);
    expect(declined.session.terminated[0]).toMatchObject({ status_code: 603 });
    expect(busy.session.terminated[0]).toMatchObject({ status_code: 486 });
    for (const { id } of [declined, busy])
      expect(phone.ended(id)).toMatchObject({ disposition: 'declined', cause: 'declined-here' });
    phone.expectNothingBehind();
  });
});

describe('call audio over renegotiations', () => {
  it('keeps one <audio> element per call through every hold and resume, and none after the end', async () => {
    const phone = harness();
    const { id, session, connection } = await phone.dial();
    session.establish(sipResponse(200));
    const remote = new FakeStream();
    for (let hold = 0; hold < 15; hold += 1) {
      phone.engine.setHold(id, hold % 2 === 0);
      connection.deliverTrack(hold % 3 ? remote : new FakeStream());
    }
    expect(document.querySelectorAll('audio[data-call-id]')).toHaveLength(1);
    phone.engine.hangup(id);
    phone.expectNothingBehind();
  });
});

describe('encryption', () => {
  const answered = async (announce: string | null) => {
    const phone = harness();
    const { id, session, connection } = await phone.dial();
    connection.localDescription = description('offer', offer(...DTLS_AUDIO));
    connection.remoteDescription = description('answer', offer(...DTLS_AUDIO));
    connection.stats = mediaStats(100);
    session.establish(sipResponse(200, announce ? { [FINGERPRINT_HEADER]: announce } : {}));
    await vi.waitFor(() => expect(phone.view(id)?.encryption).not.toBeNull());
    return phone.view(id)!;
  };

  it('is the peer when the far end announced the fingerprint of its SDP', async () => {
    expect((await answered(`sha-256 ${FINGERPRINT}`)).encryption).toMatchObject({ scope: 'peer' });
  });

  it('is to the provider when it announced another (a gateway in between) or nothing', async () => {
    expect((await answered(`sha-256 ${FINGERPRINT.replace('AA', '00')}`)).encryption?.scope).toBe(
      'to-provider',
    );
    expect((await answered(null)).encryption?.scope).toBe('to-provider');
  });
});

describe('the media watchdog', () => {
  async function connected(policy: Partial<PhonePolicy> = {}) {
    const phone = harness({ policy });
    const call = await phone.dial();
    call.session.establish(sipResponse(200));
    return { phone, ...call };
  }

  it('says so after the timeout without audio, never rates the silence good, and hangs up after the total', async () => {
    const { phone, id, connection } = await connected();
    connection.stats = mediaStats(0);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(phone.view(id)).toMatchObject({ mediaWarning: null, quality: null });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(phone.view(id)).toMatchObject({ mediaWarning: 'no-audio', quality: null });
    await vi.advanceTimersByTimeAsync(50_000);
    expect(phone.view(id)).toMatchObject({ state: 'ended', endReason: 'no-audio' });
    expect(phone.ended(id)).toMatchObject({ disposition: 'answered', cause: 'no-audio' });
    expect(phone.state.ended.map((call) => call.id)).toEqual([id]);
    phone.expectNothingBehind();
  });

  it('takes RTCP as life, and rates quality only from packets that arrived', async () => {
    const { phone, id, connection } = await connected();
    for (let second = 2, reports = 1; second <= 90; second += 2, reports += 1) {
      connection.stats = mediaStats(0, reports);
      await vi.advanceTimersByTimeAsync(2_000);
    }
    expect(phone.view(id)).toMatchObject({ state: 'active', mediaWarning: null, quality: null });
    connection.stats = mediaStats(100, 50);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(phone.view(id)?.quality?.level).toBe('good');
  });

  it('exempts a held call', async () => {
    const { phone, id, connection } = await connected();
    connection.stats = mediaStats(0);
    phone.engine.setHold(id, true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(phone.view(id)).toMatchObject({ state: 'active', mediaWarning: null });
  });

  it('takes its thresholds from policy', async () => {
    const { phone, id } = await connected({ mediaTimeoutSeconds: 4, mediaHangupSeconds: 6 });
    await vi.advanceTimersByTimeAsync(4_000);
    expect(phone.view(id)?.mediaWarning).toBe('no-audio');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(phone.view(id)?.state).toBe('ended');
  });
});

describe('redirects (3xx)', () => {
  it('are followed once within our own domain, and the card says where the call went', async () => {
    const phone = harness();
    const { id, session } = await phone.dial();
    session.end('failed', 'remote', 'Redirected', sipResponse(302, { Contact: `<sip:carol@${DOMAIN}>` }));
    await vi.advanceTimersByTimeAsync(0);
    const followed = phone.agent().calls.at(-1)!;
    expect(followed.target).toBe(`sip:carol@${DOMAIN}`);
    expect(phone.view(id)).toMatchObject({ state: 'dialing', redirectedTo: `sip:carol@${DOMAIN}` });
    // The same call goes on with the new session; a second redirect is not followed.
    followed.session.end(
      'failed',
      'remote',
      'Redirected',
      sipResponse(302, { Contact: `<sip:dave@${DOMAIN}>` }),
    );
    expect(phone.view(id)).toMatchObject({ state: 'ended', endReason: 'redirect-refused' });
    expect(phone.agent().calls).toHaveLength(2);
    phone.expectNothingBehind();
  });

  it('are refused to another domain', async () => {
    const phone = harness();
    const { id, session } = await phone.dial();
    session.end(
      'failed',
      'remote',
      'Redirected',
      sipResponse(301, { Contact: '<sip:premium@elsewhere.example>' }),
    );
    expect(phone.view(id)).toMatchObject({ state: 'ended', endReason: 'redirect-refused' });
    expect(phone.agent().calls).toHaveLength(1);
  });
});

describe('reliable provisional responses (100rel)', () => {
  it('are acknowledged with one PRACK each, and our INVITE says we support them', async () => {
    const phone = harness();
    const { session } = await phone.dial();
    expect(phone.agent().calls[0]!.options.extraHeaders).toContain('Supported: 100rel');
    const reliable = sipResponse(
      183,
      { Require: '100rel', RSeq: '1', CSeq: '4711 INVITE' },
      offer(...DTLS_AUDIO),
    );
    session.emit('progress', { originator: 'remote', response: reliable });
    session.emit('progress', { originator: 'remote', response: reliable });
    session.emit('progress', { originator: 'remote', response: sipResponse(180, { CSeq: '4711 INVITE' }) });
    expect(session.requests).toEqual([{ method: 'PRACK', extraHeaders: ['RAck: 1 4711 INVITE'] }]);
  });

  it('play no ringback once the far end sends early media', async () => {
    const phone = harness();
    const { id, session } = await phone.dial();
    session.emit('progress', { originator: 'remote', response: sipResponse(183, {}, offer(...DTLS_AUDIO)) });
    expect(phone.view(id)).toMatchObject({ state: 'ringing', earlyMedia: true });
    expect(phone.tones.current).toBeNull();
  });
});

describe('hold and resume by the person', () => {
  it('wait for an offer under way instead of being lost, and the latest press wins', async () => {
    const phone = harness();
    const { id, session } = await phone.dial();
    session.establish(sipResponse(200));
    phone.engine.setHold(id, true);
    expect(session.holds).toEqual([true]);
    // Our hold's re-INVITE (or the far end's, or a retry after glare) is still under way.
    session.readyToReOffer = false;
    phone.engine.setHold(id, false);
    phone.engine.setHold(id, true);
    phone.engine.setHold(id, false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(session.holds).toEqual([true]);
    session.readyToReOffer = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(session.holds).toEqual([true, false]);
    expect(phone.view(id)?.heldLocally).toBe(false);
  });

  it('asked for while an offer is under way, is dropped when the call ends', async () => {
    const phone = harness();
    const { id, session } = await phone.dial();
    session.establish(sipResponse(200));
    session.readyToReOffer = false;
    phone.engine.setHold(id, true);
    phone.engine.hangup(id);
    session.readyToReOffer = true;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(session.holds).toEqual([]);
    phone.expectNothingBehind();
  });
});

describe('holds by the far end', () => {
  it('are read from the offer, also the c=0.0.0.0 kind, once our answer is made', async () => {
    const phone = harness();
    const { id, session } = await phone.dial();
    session.establish(sipResponse(200));
    const zero = offer(...DTLS_AUDIO).replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0');
    session.emit('sdp', { originator: 'remote', type: 'offer', sdp: zero });
    expect(phone.view(id)?.heldRemotely).toBe(false);
    session.emit('sdp', { originator: 'local', type: 'answer', sdp: offer(...DTLS_AUDIO) });
    expect(phone.view(id)?.heldRemotely).toBe(true);
    session.emit('sdp', { originator: 'remote', type: 'offer', sdp: offer(...DTLS_AUDIO) });
    session.emit('sdp', { originator: 'local', type: 'answer', sdp: offer(...DTLS_AUDIO) });
    expect(phone.view(id)?.heldRemotely).toBe(false);
    expect(phone.reports.filter((event) => event.type === 'held')).toHaveLength(2);
  });

  it('get video and other m-lines rejected with port 0 before the browser answers', async () => {
    const phone = harness();
    const { session } = phone.ring();
    const event = {
      originator: 'remote',
      type: 'offer',
      sdp: offer(...DTLS_AUDIO, 'm=video 40002 RTP/AVP 96'),
    };
    session.emit('sdp', event);
    expect(event.sdp).toContain('m=video 0 RTP/AVP 96');
  });
});

describe('transfers', () => {
  async function twoCalls() {
    const phone = harness();
    const first = await phone.dial();
    first.session.establish(sipResponse(200));
    const consultation = await phone.dial('sip:carol@softphone.test');
    consultation.session.establish(sipResponse(200));
    return { phone, first, consultation };
  }

  it('attended: the transferee leg ends at once, the consultation is left for the target to end', async () => {
    const { phone, first, consultation } = await twoCalls();
    expect(first.session.holds).toEqual([true]);
    phone.engine.completeTransfer(first.id, consultation.id);
    const refer = first.session.referred[0]!;
    expect(refer).toMatchObject({ target: 'sip:carol@softphone.test' });
    expect(refer.options?.replaces).toBe(consultation.session);
    refer.options?.eventHandlers.accepted();
    expect(phone.view(first.id)).toMatchObject({ state: 'ended', endReason: 'transferred' });
    expect(phone.view(consultation.id)?.state).toBe('active');
    // The target ends the replaced call (RFC 5589)…
    consultation.session.end('ended', 'remote', 'Terminated');
    expect(phone.ended(consultation.id)).toMatchObject({ cause: 'transferred' });
    expect(phone.reports.filter((event) => event.type === 'transferred')).toHaveLength(1);
  });

  it('attended: we end the consultation ourselves if the target does not', async () => {
    const { phone, first, consultation } = await twoCalls();
    phone.engine.completeTransfer(first.id, consultation.id);
    first.session.referred[0]!.options?.eventHandlers.accepted();
    await vi.advanceTimersByTimeAsync(4_000);
    expect(consultation.session.terminated).toHaveLength(1);
    expect(phone.view(consultation.id)).toMatchObject({ state: 'ended', endReason: 'transferred' });
    phone.expectNothingBehind();
  });

  it('as the target: the replacing call connects once answered, even if JsSIP never confirms it', async () => {
    const phone = harness();
    const old = phone.ring();
    await phone.engine.answer(old.id);
    old.session.establish();
    const replacing = new FakeSession('incoming', 'sip:bob@softphone.test');
    old.session.emit('replaces', {
      request: sipMessage(),
      accept: (initCallback: (session: FakeSession) => void) => {
        initCallback(replacing);
        phone.agent().invite(replacing, sipMessage({}, offer(...DTLS_AUDIO)));
      },
      reject: () => {},
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(replacing.answered).toHaveLength(1);
    // Answering the replacement holds nothing: the call it replaces is about to end.
    expect(old.session.holds).toEqual([]);
    // The transferor's BYE reached us first: JsSIP's own 'confirmed' handler would throw; 'accepted' counts.
    old.session.end('ended', 'remote', 'Terminated');
    replacing.emit('accepted', { originator: 'local', response: null });
    await vi.advanceTimersByTimeAsync(SETUP_HOLD_MAX_MS);
    expect(phone.view(replacing.id)?.state).toBe('active');
    expect(phone.ended(old.id)).toMatchObject({ cause: 'replaced' });
    expect(phone.tones.current).toBeNull();
  });

  it('from the far end: followed when policy allows, and the new call says who passed us on', async () => {
    const phone = harness();
    const { id, session } = await phone.dial();
    session.establish(sipResponse(200));
    const next = new FakeSession('outgoing', 'sip:carol@softphone.test', new FakeConnection());
    const accept = vi.fn((initCallback: (session: FakeSession) => void) => initCallback(next));
    session.emit('refer', { request: sipMessage(), accept, reject: vi.fn() });
    await vi.advanceTimersByTimeAsync(0);
    expect(accept).toHaveBeenCalledOnce();
    expect(phone.view(next.id)).toMatchObject({ state: 'dialing', transferredBy: `sip:bob@${DOMAIN}` });
    expect(phone.view(id)?.farEndTransferRefused).toBe(false);
  });

  it('from the far end: refused when policy does not allow it, and the call says so', async () => {
    const phone = harness({ policy: { allowTransferByFarEnd: false } });
    const { id, session } = await phone.dial();
    session.establish(sipResponse(200));
    const accept = vi.fn();
    const reject = vi.fn();
    session.emit('refer', { request: sipMessage(), accept, reject });
    expect(reject).toHaveBeenCalledOnce();
    expect(accept).not.toHaveBeenCalled();
    expect(phone.view(id)).toMatchObject({ state: 'active', farEndTransferRefused: true });
  });
});

describe('the screen while a call is being set up', () => {
  it('draws a call we place once the far end first answers, or after the setup hold at the latest', async () => {
    const phone = harness();
    const placed = await phone.engine.call(`sip:bob@${DOMAIN}`);
    if (!placed.ok) throw new Error(placed.problem);
    expect(phone.view(placed.id)).toBeUndefined();
    phone.agent().calls[0]!.session.emit('progress', { originator: 'remote', response: sipResponse(180) });
    expect(phone.view(placed.id)).toMatchObject({ state: 'ringing' });
    // A far end slow to answer, or an offer that waits for a STUN or TURN server: the card does not wait.
    const waiting = await phone.engine.call(`sip:carol@${DOMAIN}`);
    if (!waiting.ok) throw new Error(waiting.problem);
    await vi.advanceTimersByTimeAsync(SETUP_HOLD_MAX_MS - 1);
    expect(phone.view(waiting.id)).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(phone.view(waiting.id)).toMatchObject({ state: 'dialing' });
  });

  it('draws a call we answer once the caller confirms it, and a failed answer at once', async () => {
    const phone = harness();
    const { id, session } = phone.ring();
    await phone.engine.answer(id);
    session.emit('accepted', { originator: 'local', response: null });
    expect(phone.view(id)?.state).toBe('incoming');
    session.emit('confirmed', { originator: 'remote', ack: null });
    expect(phone.view(id)?.state).toBe('active');
    const failing = phone.ring();
    await phone.engine.answer(failing.id);
    failing.session.end('failed', 'system', 'WebRTC Error');
    expect(phone.view(failing.id)).toMatchObject({ state: 'ended', endReason: 'media-failed' });
  });

  it('says a call is being set up from dialling until it is answered, before the screen shows it', async () => {
    const phone = harness();
    const placed = await phone.engine.call(`sip:bob@${DOMAIN}`);
    if (!placed.ok) throw new Error(placed.problem);
    expect(phone.view(placed.id)).toBeUndefined();
    expect(phone.engine.settingUp()).toBe(true);
    phone.agent().calls[0]!.session.establish(sipResponse(200));
    expect(phone.engine.settingUp()).toBe(false);
    phone.ring();
    expect(phone.engine.settingUp()).toBe(true);
  });

  it('draws at once what a call that could not be placed or answered shows', async () => {
    const phone = harness();
    phone.devices.getUserMedia = async () => {
      throw new DOMException('denied', 'NotAllowedError');
    };
    const { id } = phone.ring();
    expect(await phone.engine.answer(id)).toBe(false);
    expect(phone.view(id)).toMatchObject({ state: 'incoming', microphoneProblem: 'microphone-denied' });
    expect(await phone.engine.call(`sip:bob@${DOMAIN}`)).toEqual({ ok: false, problem: 'microphone-denied' });
    const next = phone.ring();
    expect(phone.view(next.id)).toMatchObject({ state: 'incoming' });
  });
});

describe('the engine', () => {
  it('announces the DTLS fingerprint of the certificate it made for the call', async () => {
    const certificate = {
      expires: Date.now() + 86_400_000,
      getFingerprints: () => [{ algorithm: 'sha-256', value: FINGERPRINT.toLowerCase() }],
    } satisfies RTCCertificate;
    const phone = harness({ certificate });
    await phone.dial();
    const { options } = phone.agent().calls[0]!;
    expect(options.extraHeaders).toContain(`${FINGERPRINT_HEADER}: sha-256 ${FINGERPRINT}`);
    expect(options.pcConfig?.certificates).toEqual([certificate]);
  });

  it('removes on dispose the listeners its constructor added', () => {
    const added = vi.spyOn(window, 'addEventListener');
    const removed = vi.spyOn(window, 'removeEventListener');
    const phone = harness();
    const online = added.mock.calls.find(([type]) => type === 'online')![1];
    phone.engine.dispose();
    expect(removed).toHaveBeenCalledWith('online', online);
    const { devices } = phone;
    expect(devices.removeEventListener).toHaveBeenCalledWith(
      'devicechange',
      devices.addEventListener.mock.calls[0]![1],
    );
    added.mockRestore();
    removed.mockRestore();
  });
});

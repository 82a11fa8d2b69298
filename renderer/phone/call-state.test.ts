import { describe, expect, it } from 'vitest';
import { endReasons } from '../../shared/domain/calls';
import {
  dispositionOf,
  endIsNoticed,
  endReasonOf,
  jssipCauses,
  noticedReason,
  reasonOfStatus,
  transition,
  type EndFacts,
} from './call-state';
import { newCallView, type CallView } from './call-view';

const view = (patch: Partial<CallView> = {}): CallView => ({
  ...newCallView({
    id: 'c1',
    direction: 'outgoing',
    remoteUri: 'sip:bob@softphone.test',
    remoteName: null,
    state: 'dialing',
    startedAt: 0,
  }),
  ...patch,
});

describe('the call state machine', () => {
  it('goes dialing → ringing → active → ended, and nowhere from ended', () => {
    const ringing = transition(view(), { type: 'progress', earlyMedia: false })!;
    expect(ringing.state).toBe('ringing');
    const active = transition(ringing, { type: 'connected', at: 42 })!;
    expect(active).toMatchObject({ state: 'active', answeredAt: 42 });
    const ended = transition(active, { type: 'ended', reason: 'far-end-hung-up', cause: 'Terminated' })!;
    expect(ended).toMatchObject({ state: 'ended', endReason: 'far-end-hung-up', endCause: 'Terminated' });
    for (const event of [
      { type: 'progress', earlyMedia: true },
      { type: 'connected', at: 1 },
      { type: 'held', by: 'remote', held: true },
      { type: 'ended', reason: 'busy', cause: 'Busy' },
    ] as const)
      expect(transition(ended, event)).toBeNull();
  });

  it('ignores a provisional response after the answer, and a second answer', () => {
    const active = view({ state: 'active', answeredAt: 5 });
    expect(transition(active, { type: 'progress', earlyMedia: true })).toBeNull();
    expect(transition(active, { type: 'connected', at: 9 })).toBeNull();
    expect(
      transition(view({ state: 'incoming', direction: 'incoming' }), { type: 'progress', earlyMedia: false }),
    ).toBeNull();
  });

  it('keeps early media once the far end sent it, until the call is answered', () => {
    const early = transition(view(), { type: 'progress', earlyMedia: true })!;
    expect(transition(early, { type: 'progress', earlyMedia: false })!.earlyMedia).toBe(true);
    expect(transition(early, { type: 'connected', at: 1 })!.earlyMedia).toBe(false);
  });

  it('changes hold only while active', () => {
    expect(transition(view(), { type: 'held', by: 'local', held: true })).toBeNull();
    const active = view({ state: 'active', answeredAt: 1 });
    expect(transition(active, { type: 'held', by: 'remote', held: true })).toMatchObject({
      heldRemotely: true,
    });
    expect(transition(active, { type: 'held', by: 'local', held: true })).toMatchObject({
      heldLocally: true,
    });
  });

  it('clears what only a live call shows when it ends', () => {
    const ended = transition(view({ state: 'active', mediaWarning: 'no-audio', transfer: 'pending' }), {
      type: 'ended',
      reason: 'no-audio',
      cause: 'Terminated',
    })!;
    expect(ended).toMatchObject({ mediaWarning: null, transfer: null });
  });
});

const facts = (patch: Partial<EndFacts>): EndFacts => ({
  originator: 'remote',
  cause: jssipCauses.BYE,
  statusCode: null,
  direction: 'outgoing',
  answered: false,
  requested: null,
  transportLost: false,
  sdpProblem: null,
  ...patch,
});

describe('why a call ended', () => {
  it('names each final response of the far end in its own words', () => {
    const cases: [number, string][] = [
      [486, 'busy'],
      [600, 'busy'],
      [603, 'declined'],
      [403, 'forbidden'],
      [407, 'forbidden'],
      [404, 'not-found'],
      [604, 'not-found'],
      [480, 'unavailable'],
      [410, 'unavailable'],
      [408, 'timeout'],
      [484, 'incomplete-number'],
      [487, 'terminated'],
      [488, 'incompatible'],
      [606, 'incompatible'],
      [500, 'server-error'],
      [503, 'server-error'],
      [302, 'redirect-refused'],
      [499, 'failed'],
    ];
    for (const [code, reason] of cases) {
      expect(reasonOfStatus(code, null), String(code)).toBe(reason);
      expect(endReasonOf(facts({ cause: 'SIP Failure Code', statusCode: code })), String(code)).toBe(reason);
    }
  });

  it('names what the far end SDP lacked when the negotiation failed on it', () => {
    expect(reasonOfStatus(488, 'sdes-only')).toBe('sdes-only');
    for (const cause of [
      jssipCauses.BAD_MEDIA_DESCRIPTION,
      jssipCauses.WEBRTC_ERROR,
      jssipCauses.INCOMPATIBLE_SDP,
    ])
      expect(endReasonOf(facts({ cause, originator: 'local', sdpProblem: 'no-rtcp-mux' }))).toBe(
        'no-rtcp-mux',
      );
    expect(endReasonOf(facts({ cause: jssipCauses.BAD_MEDIA_DESCRIPTION }))).toBe('incompatible');
    // JsSIP fails the call with the 200 whose SDP the browser refused.
    const refusedAnswer = {
      cause: jssipCauses.BAD_MEDIA_DESCRIPTION,
      statusCode: 200,
      sdpProblem: 'sdes-only',
    } as const;
    expect(endReasonOf(facts(refusedAnswer))).toBe('sdes-only');
    expect(endReasonOf(facts({ cause: jssipCauses.WEBRTC_ERROR, originator: 'system' }))).toBe(
      'media-failed',
    );
  });

  it('tells the ordinary ends apart', () => {
    expect(endReasonOf(facts({ answered: true }))).toBe('far-end-hung-up');
    expect(endReasonOf(facts({ answered: true, originator: 'local' }))).toBe('hung-up');
    expect(
      endReasonOf(facts({ requested: 'hung-up', originator: 'local', cause: jssipCauses.CANCELED })),
    ).toBe('cancelled');
    expect(
      endReasonOf(facts({ requested: 'hung-up', direction: 'incoming', cause: jssipCauses.REJECTED })),
    ).toBe('declined-here');
    expect(endReasonOf(facts({ direction: 'incoming', cause: jssipCauses.CANCELED }))).toBe('missed');
    expect(
      endReasonOf(facts({ direction: 'incoming', cause: jssipCauses.NO_ANSWER, originator: 'local' })),
    ).toBe('missed');
  });

  it('lets what the engine asked for win over what JsSIP reports', () => {
    const requested = ['no-audio', 'transferred', 'replaced', 'sdes-only', 'do-not-disturb'] as const;
    for (const reason of requested)
      expect(endReasonOf(facts({ requested: reason, answered: true, originator: 'remote' }))).toBe(reason);
  });

  it('tells a lost connection from a request nobody answered when JsSIP cancels our call itself', () => {
    const cancelled = facts({ originator: 'local', cause: jssipCauses.CANCELED });
    expect(endReasonOf(cancelled)).toBe('timeout');
    expect(endReasonOf({ ...cancelled, transportLost: true })).toBe('network');
    expect(
      endReasonOf(facts({ originator: 'local', cause: jssipCauses.REQUEST_TIMEOUT, answered: true })),
    ).toBe('timeout');
    expect(endReasonOf(facts({ originator: 'local', cause: jssipCauses.CONNECTION_ERROR }))).toBe('network');
    expect(endReasonOf(facts({ originator: 'remote', cause: jssipCauses.NO_ACK }))).toBe('network');
  });

  it('names ICE failure, a refused redirect and an unknown cause', () => {
    expect(endReasonOf(facts({ originator: 'local', cause: jssipCauses.RTP_TIMEOUT, answered: true }))).toBe(
      'media-failed',
    );
    expect(endReasonOf(facts({ cause: jssipCauses.REDIRECTED }))).toBe('redirect-refused');
    expect(endReasonOf(facts({ cause: jssipCauses.AUTHENTICATION_ERROR }))).toBe('forbidden');
    expect(endReasonOf(facts({ cause: 'Something New', originator: 'system' }))).toBe('failed');
  });
});

describe('how History files an ended call', () => {
  it('files answered calls as answered, whatever ended them', () => {
    for (const reason of endReasons) expect(dispositionOf(reason, 'incoming', true)).toBe('answered');
  });

  it('files unanswered calls by their reason', () => {
    expect(dispositionOf('busy', 'outgoing', false)).toBe('busy');
    expect(dispositionOf('declined', 'outgoing', false)).toBe('declined');
    expect(dispositionOf('declined-here', 'incoming', false)).toBe('declined');
    expect(dispositionOf('cancelled', 'outgoing', false)).toBe('cancelled');
    expect(dispositionOf('missed', 'incoming', false)).toBe('missed');
    expect(dispositionOf('do-not-disturb', 'incoming', false)).toBe('missed');
    expect(dispositionOf('sdes-only', 'incoming', false)).toBe('failed');
    expect(dispositionOf('not-found', 'outgoing', false)).toBe('failed');
  });
});

describe('which ends are told in a notice', () => {
  it('reads a History cause as a reason to tell, and nothing from older entries or ordinary ends', () => {
    expect(noticedReason('not-found')).toBe('not-found');
    expect(noticedReason('hung-up')).toBeNull();
    expect(noticedReason('Terminated')).toBeNull();
    expect(noticedReason(null)).toBeNull();
  });

  it('tells every failure, and none of the ends the person caused or expects', () => {
    for (const quiet of [
      'hung-up',
      'far-end-hung-up',
      'cancelled',
      'missed',
      'declined-here',
      'transferred',
    ] as const)
      expect(endIsNoticed(quiet)).toBe(false);
    for (const told of [
      'busy',
      'not-found',
      'sdes-only',
      'no-rtcp-mux',
      'no-audio',
      'network',
      'failed',
    ] as const)
      expect(endIsNoticed(told)).toBe(true);
  });
});

import { endReasons, ordinaryEndReasons, type CallDisposition } from '../../shared/domain/calls';
import type { CallView, EndReason } from './call-view';

/**
 * The one call state machine. Every change of a call's state goes through `transition`:
 *
 *   dialing ──progress──▶ ringing ──connected──▶ active
 *   incoming ─────────────connected────────────▶ active
 *   any state but ended ──────ended────────────▶ ended (final)
 *
 * Hold flags change only while active. An event the current state does not take is ignored (null), so
 * that late or repeated events from the SIP stack (a 180 after the 200, a second BYE) cannot move a
 * call back, and nothing leaves `ended`.
 */
export type CallMachineEvent =
  | { type: 'progress'; earlyMedia: boolean }
  | { type: 'connected'; at: number }
  | { type: 'held'; by: 'local' | 'remote'; held: boolean }
  | { type: 'ended'; reason: EndReason; cause: string };

export function transition(view: CallView, event: CallMachineEvent): CallView | null {
  if (view.state === 'ended') return null;
  switch (event.type) {
    case 'progress':
      if (view.state !== 'dialing' && view.state !== 'ringing') return null;
      // Once the far end has sent early media, a later 180 without SDP does not bring our ringback back.
      return { ...view, state: 'ringing', earlyMedia: view.earlyMedia || event.earlyMedia };
    case 'connected':
      if (view.state === 'active') return null;
      return { ...view, state: 'active', answeredAt: event.at, earlyMedia: false };
    case 'held':
      if (view.state !== 'active') return null;
      return event.by === 'local'
        ? { ...view, heldLocally: event.held }
        : { ...view, heldRemotely: event.held };
    case 'ended':
      return {
        ...view,
        state: 'ended',
        endReason: event.reason,
        endCause: event.cause,
        mediaWarning: null,
        transfer: null,
      };
  }
}

/** JsSIP's causes (JsSIP.C.causes), as it words them in 'ended' and 'failed' events. */
export const jssipCauses = {
  BYE: 'Terminated',
  CANCELED: 'Canceled',
  REJECTED: 'Rejected',
  NO_ANSWER: 'No Answer',
  EXPIRES: 'Expires',
  CONNECTION_ERROR: 'Connection Error',
  REQUEST_TIMEOUT: 'Request Timeout',
  DIALOG_ERROR: 'Dialog Error',
  RTP_TIMEOUT: 'RTP Timeout',
  WEBRTC_ERROR: 'WebRTC Error',
  BAD_MEDIA_DESCRIPTION: 'Bad Media Description',
  INCOMPATIBLE_SDP: 'Incompatible SDP',
  MISSING_SDP: 'Missing SDP',
  NO_ACK: 'No ACK',
  AUTHENTICATION_ERROR: 'Authentication Error',
  REDIRECTED: 'Redirected',
} as const;

/** What was wrong with the far end's SDP, when the media negotiation failed on it. */
export type SdpProblem = 'sdes-only' | 'unencrypted' | 'no-rtcp-mux';

export interface EndFacts {
  /** Who JsSIP says ended it. */
  originator: 'local' | 'remote' | 'system';
  /** JsSIP's cause. */
  cause: string;
  /** The final response that failed the call, if one did. */
  statusCode: number | null;
  direction: CallView['direction'];
  answered: boolean;
  /**
   * Why we ended it ourselves: the person hung up (`hung-up`), declined (`declined-here`) or said busy
   * (`busy`), or the engine ended it (`no-audio`, `media-failed`, `transferred`, `replaced`, an SDP
   * problem). Wins over whatever JsSIP reports for it.
   */
  requested: EndReason | null;
  /** The connection to the provider was lost while the call lasted. */
  transportLost: boolean;
  /** What was wrong with the far end's SDP, if anything was. */
  sdpProblem: SdpProblem | null;
}

/** The words for a final response of the far end or the provider. */
export function reasonOfStatus(code: number, sdpProblem: SdpProblem | null): EndReason {
  if (code >= 300 && code < 400) return 'redirect-refused';
  if (code >= 500 && code < 600) return 'server-error';
  switch (code) {
    case 486:
    case 600:
      return 'busy';
    case 603:
      return 'declined';
    case 401:
    case 403:
    case 407:
      return 'forbidden';
    case 404:
    case 604:
      return 'not-found';
    case 410:
    case 430:
    case 480:
      return 'unavailable';
    case 408:
      return 'timeout';
    case 484:
      return 'incomplete-number';
    case 487:
      return 'terminated';
    case 420:
    case 488:
    case 606:
      return sdpProblem ?? 'incompatible';
    default:
      return 'failed';
  }
}

/** Why a call ended, from what JsSIP reported and what the engine knows (see EndFacts). */
export function endReasonOf(facts: EndFacts): EndReason {
  const { cause, originator, requested } = facts;
  if (requested === 'hung-up' && !facts.answered)
    return facts.direction === 'outgoing' ? 'cancelled' : 'declined-here';
  if (requested) return requested;
  // A failure response; a 200 whose SDP the browser refused fails with JsSIP's cause, below.
  if (facts.statusCode !== null && facts.statusCode >= 300 && originator === 'remote')
    return reasonOfStatus(facts.statusCode, facts.sdpProblem);
  switch (cause) {
    case jssipCauses.BYE:
      return originator === 'remote' ? 'far-end-hung-up' : 'hung-up';
    case jssipCauses.CANCELED:
      // The caller gave up; or JsSIP cancelled our own call because its request timed out or could not be sent.
      if (originator === 'remote') return 'missed';
      return facts.transportLost ? 'network' : 'timeout';
    case jssipCauses.NO_ANSWER:
    case jssipCauses.EXPIRES:
      return 'missed';
    case jssipCauses.REJECTED:
      return 'declined-here';
    case jssipCauses.CONNECTION_ERROR:
    case jssipCauses.NO_ACK:
      return 'network';
    case jssipCauses.REQUEST_TIMEOUT:
      return facts.transportLost ? 'network' : 'timeout';
    case jssipCauses.RTP_TIMEOUT:
      return 'media-failed';
    case jssipCauses.WEBRTC_ERROR:
      return facts.sdpProblem ?? 'media-failed';
    case jssipCauses.BAD_MEDIA_DESCRIPTION:
    case jssipCauses.INCOMPATIBLE_SDP:
    case jssipCauses.MISSING_SDP:
      return facts.sdpProblem ?? 'incompatible';
    case jssipCauses.AUTHENTICATION_ERROR:
      return 'forbidden';
    case jssipCauses.REDIRECTED:
      return 'redirect-refused';
    default:
      return facts.transportLost ? 'network' : 'failed';
  }
}

/** Incoming calls that ended unanswered for these reasons rang and were not taken: missed. */
const MISSED_WHEN_UNANSWERED: readonly EndReason[] = [
  'missed',
  'do-not-disturb',
  'far-end-hung-up',
  'timeout',
  'network',
  'terminated',
];

/** How History files the call. */
export function dispositionOf(
  reason: EndReason,
  direction: CallView['direction'],
  answered: boolean,
): CallDisposition {
  if (answered) return 'answered';
  if (reason === 'busy') return 'busy';
  if (reason === 'declined' || reason === 'declined-here') return 'declined';
  if (direction === 'incoming') return MISSED_WHEN_UNANSWERED.includes(reason) ? 'missed' : 'failed';
  return reason === 'cancelled' ? 'cancelled' : 'failed';
}

/** Whether the end of a call is shown as a notice (why it ended) after its card has gone. */
export function endIsNoticed(reason: EndReason): boolean {
  return !ordinaryEndReasons.some((ordinary) => ordinary === reason);
}

/** A History entry's cause when it is an end reason worth telling (older entries hold JsSIP's words). */
export function noticedReason(cause: string | null): EndReason | null {
  const reason = endReasons.find((known) => known === cause);
  return reason && endIsNoticed(reason) ? reason : null;
}

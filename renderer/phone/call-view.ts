import type { EndReason, MediaEncryption } from '../../shared/domain/calls';
import type { MicrophoneProblem } from './audio-devices';
import type { CallQuality } from './call-quality';

/** Why a call ended, machine-readable: texts under `call.endReason.<code>`, History's cause column. */
export { endReasons, type EndReason } from '../../shared/domain/calls';

export type CallState = 'dialing' | 'ringing' | 'incoming' | 'active' | 'ended';

/** What a call in progress lacks, shown while it lasts: no audio has arrived for a while. */
export type MediaWarning = 'no-audio';

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
  /** Both ends' DTLS certificate fingerprints ("sha-256 AB:CD:…"), from the SDP: shown on demand. */
  fingerprints: { local: string | null; remote: string | null } | null;
  /** JsSIP's cause of the end, as JsSIP words it (for logs); `endReason` is what the app shows. */
  endCause: string | null;
  /** Why the call ended, once it has. */
  endReason: EndReason | null;
  /** The far end sends early media (announcements, its own ringback); no local ringback then. */
  earlyMedia: boolean;
  /** Part of the local three-way conference. */
  conference: boolean;
  /** A transfer we asked for: under way, or refused by the far end or the target. */
  transfer: 'pending' | 'failed' | null;
  /** The far end tried to transfer this call elsewhere and policy did not allow following it. */
  farEndTransferRefused: boolean;
  /** This call was placed because the far end of another call transferred us (REFER): its address. */
  transferredBy: string | null;
  /** The address we were redirected to (3xx) and now call instead, within the same domain. */
  redirectedTo: string | null;
  quality: CallQuality | null;
  /** Set while the call lacks media (the media watchdog): the card warns. */
  mediaWarning: MediaWarning | null;
  /** DTMF digits the far end sent by SIP INFO (RFC 4733 events are not exposed by browsers). */
  dtmfReceived: string;
  /** Why the microphone could not be opened for this call, if it could not. */
  microphoneProblem: MicrophoneProblem | null;
  /** The microphone this call uses, as the system names it. */
  microphoneLabel: string | null;
}

/** A new call's view: nothing known yet but who and which way. */
export function newCallView(
  fields: Pick<CallView, 'id' | 'direction' | 'remoteUri' | 'remoteName' | 'state' | 'startedAt'>,
): CallView {
  return {
    ...fields,
    muted: false,
    heldLocally: false,
    heldRemotely: false,
    answeredAt: null,
    encryption: null,
    sas: null,
    sasMatched: null,
    fingerprints: null,
    endCause: null,
    endReason: null,
    earlyMedia: false,
    conference: false,
    transfer: null,
    farEndTransferRefused: false,
    transferredBy: null,
    redirectedTo: null,
    quality: null,
    mediaWarning: null,
    dtmfReceived: '',
    microphoneProblem: null,
    microphoneLabel: null,
  };
}

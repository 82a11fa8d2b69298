import { type Baresip, startBaresip } from '../support/baresip.js';
import { callState, type Linphone, startLinphone } from '../support/linphone.js';
import type { SipUser } from '../support/phone.js';

/**
 * A phone of the interop matrix as a party to transfers, driven from its own command interface: the same
 * steps for baresip (ctrl_tcp) and linphone (linphone-daemon). A call is named by the phone's own id.
 */
export interface TransferPeer {
  user: SipUser;
  /** A mark in the phone's events: the waits below look only at events after it. */
  mark(): number;
  /** Answers the call that rings (from `since` on); its id. */
  answer(since: number): Promise<string>;
  /** Calls `uri`; its id, once the call is set up. */
  call(uri: string, since: number): Promise<string>;
  /** Waits until the far end answered a call the phone placed (from `since` on); its id. */
  established(since: number): Promise<string>;
  /** Puts the call on hold and waits until the far end accepted. */
  hold(id: string): Promise<void>;
  /** Makes sure the phone sends audio into the call (linphone plays a WAV file; baresip always sends). */
  sendAudio(id: string): Promise<void>;
  /** Asks the far end of call `id` to call `uri` instead (REFER), or null where the phone cannot. */
  blindTransfer: ((id: string, uri: string) => Promise<void>) | null;
  /** Asks the far end of `id` to replace `consultationId` (REFER with Replaces), or null where it cannot. */
  attendedTransfer: ((id: string, consultationId: string) => Promise<void>) | null;
  stop(): Promise<void>;
}

const WAV = '/usr/share/sounds/linphone/hello8000.wav';

function baresipPeer(peer: Baresip): TransferPeer {
  const callId = async (type: string, since: number) => (await peer.waitForEvent(type, { since })).id ?? '';
  return {
    user: peer.user,
    mark: () => peer.events.length,
    async answer(since) {
      const id = await callId('CALL_INCOMING', since);
      await peer.command('accept');
      await peer.waitForEvent('CALL_ESTABLISHED', { since, accept: (event) => event.id === id });
      return id;
    },
    async call(uri, since) {
      await peer.command('dial', uri);
      return callId('CALL_ESTABLISHED', since);
    },
    established: (since) => callId('CALL_ESTABLISHED', since),
    async hold() {
      await peer.command('hold');
    },
    async sendAudio() {},
    // baresip 1.0's menu transfers the current call (`/transfer <uri>`), blind only.
    async blindTransfer(_id, uri) {
      await peer.command('transfer', uri);
    },
    attendedTransfer: null,
    stop: () => peer.stop(),
  };
}

function linphonePeer(peer: Linphone): TransferPeer {
  const callId = async (state: string, since: number) =>
    (await peer.waitForEvent(callState(state), { since })).Id ?? '';
  const streamsRunning = (id: string, since: number) =>
    peer.waitForEvent((event) => callState('StreamsRunning')(event) && event.Id === id, { since });
  return {
    user: peer.user,
    mark: () => peer.events.length,
    async answer(since) {
      const id = await callId('IncomingReceived', since);
      await peer.command(`answer ${id}`);
      await streamsRunning(id, since);
      return id;
    },
    async call(uri, since) {
      const { Id: id = '' } = await peer.command(`call ${uri}`);
      await streamsRunning(id, since);
      return id;
    },
    async established(since) {
      const id = await callId('OutgoingInit', since);
      await streamsRunning(id, since);
      return id;
    },
    async hold(id) {
      const since = peer.events.length;
      await peer.command(`call-pause ${id}`);
      await peer.waitForEvent((event) => callState('Paused')(event) && event.Id === id, { since });
    },
    async sendAudio(id) {
      await peer.command(`incall-player-start ${WAV} ${id}`);
    },
    async blindTransfer(id, uri) {
      await peer.command(`call-transfer ${id} ${uri}`);
    },
    async attendedTransfer(id, consultationId) {
      await peer.command(`call-transfer ${id} ${consultationId}`);
    },
    stop: () => peer.stop(),
  };
}

/** The transfer cells of the matrix: who transfers, and how. */
export type TransferFeature =
  | 'blind transfer by app'
  | 'attended transfer by app'
  | 'blind transfer by peer'
  | 'attended transfer by peer';

export interface TransferPeerKind {
  name: string;
  start(dir: string, user: SipUser): Promise<TransferPeer>;
  /** The transfers the phone cannot take part in, and why (reported as not supported, never run). */
  cannot: Partial<Record<TransferFeature, string>>;
}

export const TRANSFER_PEERS: readonly TransferPeerKind[] = [
  {
    name: 'baresip UDP',
    start: async (dir, user) => baresipPeer(await startBaresip(dir, user)),
    cannot: {
      // Seen in the trace: INVITE sip:carol@…?Replaces=<call-id>?to-tag?…?from-tag?… and no Replaces header.
      'attended transfer by app':
        "baresip 1.0 (Debian 12) has no Replaces (RFC 3891): it puts the Refer-To's ?Replaces= into the " +
        'request URI of its INVITE instead of a Replaces header, so the target gets a new call',
      'attended transfer by peer': "baresip 1.0's command interface transfers blind only (/transfer)",
    },
  },
  {
    name: 'linphone',
    start: async (dir, user) => linphonePeer(await startLinphone(dir, user)),
    cannot: {},
  },
];

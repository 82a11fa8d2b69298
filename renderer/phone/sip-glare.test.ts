import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Glare (RFC 3261 14.1) in JsSIP as patched by patches/jssip+*.patch: upstream resends the stale re-INVITE
// after a 491 with its old CSeq header one second later, and ends the call when that fails too. These tests
// drive JsSIP's own code (the patched module from node_modules), not a copy of it.

/** A module of JsSIP's (they have no typings): named by a variable, so that it is loaded as it is. */
const load = async (path: string): Promise<unknown> => {
  const module: unknown = await import(/* @vite-ignore */ `jssip/lib/${path}`);
  return typeof module === 'object' && module !== null && 'default' in module ? module.default : module;
};

type Method = (this: object, ...args: unknown[]) => unknown;

function method(owner: unknown, name: string): Method {
  const found: unknown = typeof owner === 'function' ? Reflect.get(owner.prototype as object, name) : null;
  if (typeof found !== 'function') throw new Error(`JsSIP has no ${name}: is the patch applied?`);
  return found as Method;
}

const retryAfterGlare = method(await load('RTCSession.js'), '_retryReinviteAfterGlare');
const receiveResponse = method(await load('Dialog/RequestSender.js'), '_receiveResponse');
const checkInDialogRequest = method(await load('Dialog.js'), '_checkInDialogRequest');
const receiveRequest = method(await load('RTCSession.js'), 'receiveRequest');

/** The parts of an RTCSession the retry reads and calls. */
function session(direction: 'outgoing' | 'incoming') {
  const connection = {
    signalingState: 'have-local-offer' as RTCSignalingState,
    setLocalDescription: vi.fn(async (description: { type: string }) => {
      if (description.type === 'rollback') connection.signalingState = 'stable';
    }),
  };
  const fake = {
    _direction: direction,
    _status: 9, // C.STATUS_CONFIRMED
    _connection: connection,
    _connectionPromiseQueue: Promise.resolve(),
    _glareTimer: null as ReturnType<typeof setTimeout> | null,
    ready: true,
    isReadyToReOffer: () => fake.ready,
    _sendReinvite: vi.fn(),
    _retryReinviteAfterGlare(options: unknown) {
      retryAfterGlare.call(fake, options);
    },
  } satisfies Record<string, unknown>;
  return fake;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('a re-INVITE that meets the far end’s (491 Request Pending)', () => {
  it('from the far end, while ours is under way, is refused with 491 and never reaches the session', () => {
    const reply = vi.fn();
    const dialog = { _remote_seqnum: 110, _uac_pending_reply: true, _uas_pending_reply: false };
    const request = { method: 'INVITE', cseq: 111, body: 'v=0', reply, hasHeader: () => false };
    // Upstream replied 491 and still handed the offer to the session, which applied it to the connection.
    expect(checkInDialogRequest.call(dialog, request)).toBe(false);
    expect(reply).toHaveBeenCalledExactlyOnceWith(491);
  });

  it('is handed to the session, not resent as it was with its old CSeq', () => {
    const onErrorResponse = vi.fn();
    const send = vi.fn();
    const sender = { _eventHandlers: { onErrorResponse, onDialogError: vi.fn() }, send };
    receiveResponse.call(sender, { method: 'INVITE', status_code: 491 });
    vi.advanceTimersByTime(10_000);
    expect(onErrorResponse).toHaveBeenCalledTimes(1);
    expect(send).not.toHaveBeenCalled();
  });

  it('rolls our offer back and tries again after 2.1 to 4 s when we own the Call-ID', async () => {
    for (const random of [0, 0.999]) {
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const call = session('outgoing');
      const options = { eventHandlers: {} };
      call._retryReinviteAfterGlare(options);
      await call._connectionPromiseQueue;
      expect(call._connection.setLocalDescription).toHaveBeenCalledWith({ type: 'rollback' });
      const earliest = random === 0 ? 2100 : 4000;
      vi.advanceTimersByTime(earliest - 10);
      expect(call._sendReinvite).not.toHaveBeenCalled();
      vi.advanceTimersByTime(10);
      // A new transaction with the same intent: _sendReinvite makes a new offer and takes a new CSeq.
      expect(call._sendReinvite).toHaveBeenCalledExactlyOnceWith(options);
    }
  });

  it('tries again within 2 s when the far end owns the Call-ID', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const call = session('incoming');
    call._retryReinviteAfterGlare({});
    vi.advanceTimersByTime(2000);
    expect(call._sendReinvite).toHaveBeenCalledTimes(1);
  });

  it('waits again while another offer is under way, and gives up only when the call has ended', () => {
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const call = session('outgoing');
    call.ready = false;
    call._retryReinviteAfterGlare({});
    vi.advanceTimersByTime(2100);
    expect(call._sendReinvite).not.toHaveBeenCalled();
    call.ready = true;
    vi.advanceTimersByTime(2100);
    expect(call._sendReinvite).toHaveBeenCalledTimes(1);

    const ended = session('outgoing');
    ended._retryReinviteAfterGlare({});
    ended._status = 8; // C.STATUS_TERMINATED
    vi.advanceTimersByTime(5000);
    expect(ended._sendReinvite).not.toHaveBeenCalled();
  });
});

describe('an UPDATE that overtakes the ACK of our 2xx', () => {
  const WAITING_FOR_ACK = 6;
  const update = (body?: string) => ({ method: 'UPDATE', body, reply: vi.fn() });
  const answered = (lateSdp: boolean) => ({
    _status: WAITING_FOR_ACK,
    _late_sdp: lateSdp,
    _receiveUpdate: vi.fn(),
  });

  it('is taken: our 2xx confirmed the dialog (a session refresh right after the ACK)', () => {
    const call = answered(false);
    const refresh = update();
    receiveRequest.call(call, refresh);
    expect(call._receiveUpdate).toHaveBeenCalledExactlyOnceWith(refresh);
    expect(refresh.reply).not.toHaveBeenCalled();
  });

  it('with an offer while our own offer waits for its answer in the ACK, is refused with 491', () => {
    const call = answered(true);
    const offer = update('v=0');
    receiveRequest.call(call, offer);
    expect(call._receiveUpdate).not.toHaveBeenCalled();
    expect(offer.reply).toHaveBeenCalledExactlyOnceWith(491);
  });
});

import type { CallEvent } from '../../shared/domain/calls.js';

export interface MissedCall {
  callId: string;
  remoteUri: string;
  remoteName: string | null;
}

/**
 * Follows the phone engine's call events in main: how many calls are in progress (Quit asks first while
 * any is), and which incoming calls ended unanswered (the missed-call notification).
 */
export function createCallTracker(onMissed: (call: MissedCall) => void) {
  const open = new Map<string, Extract<CallEvent, { type: 'started' }>>();
  return {
    /** Calls started and not yet ended (dialling, ringing, connected, on hold). */
    active: () => open.size,
    apply(event: CallEvent): void {
      if (event.type === 'started') open.set(event.callId, event);
      if (event.type !== 'ended') return;
      const started = open.get(event.callId);
      open.delete(event.callId);
      if (started?.direction === 'incoming' && event.disposition === 'missed')
        onMissed({ callId: event.callId, remoteUri: started.remoteUri, remoteName: started.remoteName });
    },
  };
}

import type { AuditEvent } from '../../shared/audit/catalog.js';
import type { CallEvent } from '../../shared/domain/calls.js';
import type { IncomingCallNotice } from '../../shared/ipc/contract.js';
import type { Emit } from '../ipc/event-hub.js';
import type { HandlersFor } from '../ipc/router.js';
import type { HistoryStore } from '../storage/history.js';

export interface IncomingCallNotifier {
  show(notice: IncomingCallNotice, onAction: (action: 'answer' | 'decline' | 'show') => void): void;
  dismiss(callId: string): void;
}

/** The phone engine's reports of its calls (history, audit, listeners in main) and the OS call notifications. */
export interface CallUnit {
  /** Validated call lifecycle events from the phone engine. */
  onCallEvent(listener: (event: CallEvent) => void): () => void;
  handlers: HandlersFor<'call.report' | 'call.notifyIncoming' | 'call.dismissNotification'>;
  dispose(): void;
}

export function createCallUnit(deps: {
  /** The history store while the database is open (calls are not kept while it is closed). */
  history(): HistoryStore | null;
  notifier: IncomingCallNotifier;
  record(event: AuditEvent): void;
  emit: Emit;
  /** Seconds without audio after which the engine ends a call (policy mediaHangupSeconds). */
  mediaHangupSeconds(): number;
}): CallUnit {
  const listeners = new Set<(event: CallEvent) => void>();
  return {
    onCallEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    handlers: {
      'call.report': (event) => {
        deps.history()?.apply(event);
        if (event.type === 'sasCompared' && !event.matched)
          deps.record({ type: 'call.sasMismatchReported', details: { callId: event.callId } });
        // The engine's media watchdog ended the call: no audio from the far end for policy's time.
        if (event.type === 'ended' && event.cause === 'no-audio')
          deps.record({
            type: 'call.endedWithoutAudio',
            details: { callId: event.callId, seconds: deps.mediaHangupSeconds() },
          });
        // History lists finished calls; one refresh per call, when it ends.
        if (event.type === 'ended') deps.emit('history.changed', {});
        for (const listener of listeners) listener(event);
        return undefined;
      },
      'call.notifyIncoming': (notice) => {
        deps.notifier.show(notice, (action) =>
          deps.emit('call.notificationAction', { callId: notice.callId, action }),
        );
        return undefined;
      },
      'call.dismissNotification': ({ callId }) => {
        deps.notifier.dismiss(callId);
        return undefined;
      },
    },
    dispose: () => listeners.clear(),
  };
}

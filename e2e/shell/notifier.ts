import type { IncomingCallNotifier } from '../../electron/app-services.js';
import type { IncomingCallNotice } from '../../shared/ipc/contract.js';

type Action = 'answer' | 'decline' | 'show';

/**
 * The shell's stand-in for the operating system's notification centre: it keeps what the app showed,
 * and a test presses the notification's buttons the way a person would.
 */
export class ShellNotifier implements IncomingCallNotifier {
  private readonly shown = new Map<string, { notice: IncomingCallNotice; onAction(action: Action): void }>();

  show(notice: IncomingCallNotice, onAction: (action: Action) => void): void {
    this.shown.set(notice.callId, { notice, onAction });
  }

  dismiss(callId: string): void {
    this.shown.delete(callId);
  }

  /** The notifications on screen now, oldest first. */
  visible(): IncomingCallNotice[] {
    return [...this.shown.values()].map((entry) => entry.notice);
  }

  press(callId: string, action: Action): void {
    const entry = this.shown.get(callId);
    if (!entry) throw new Error(`no notification for call ${callId}`);
    this.shown.delete(callId);
    entry.onAction(action);
  }
}

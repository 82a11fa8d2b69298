import { endIsNoticed } from '../phone/call-state';
import type { CallView, EndReason } from '../phone/engine';

/**
 * Why an outgoing call failed (busy, not found, no audio…: the engine's end reasons worth telling), or
 * null when it did not (answered, or given up by us). An incoming call that ended unanswered is a missed
 * call, not a failure of ours.
 */
export function failureOf(view: Pick<CallView, 'direction' | 'answeredAt' | 'endReason'>): EndReason | null {
  if (view.direction !== 'outgoing' || view.answeredAt !== null || !view.endReason) return null;
  return endIsNoticed(view.endReason) ? view.endReason : null;
}

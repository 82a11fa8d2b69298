import type { CallView } from './call-view';
import type { Tone } from './tones';

/** A call as the tone choice sees it: its view, and whether Answer was pressed and is being carried out. */
export interface ToneInput {
  view: Pick<CallView, 'state' | 'earlyMedia'>;
  answering: boolean;
}

/**
 * The one call-progress tone to play, from the calls' states alone:
 * - the ringtone while a call rings here and no other is in progress (a call stops ringing as soon as
 *   Answer is pressed, not only once it is connected);
 * - the call-waiting tone instead when another call is in progress;
 * - ringback while our call rings at the far end, unless the far end plays its own (early media);
 * - nothing otherwise.
 */
export function chooseTone(calls: readonly ToneInput[]): Tone | null {
  const inCall = calls.some(({ view }) => view.state === 'active');
  if (calls.some(({ view, answering }) => view.state === 'incoming' && !answering))
    return inCall ? 'callWaiting' : 'ringtone';
  if (calls.some(({ view }) => view.state === 'ringing' && !view.earlyMedia)) return 'ringback';
  return null;
}

/**
 * The longest the screen waits for a call's signalling. A press shows at once (the button's own feedback);
 * the call card follows within this, well inside the 100 ms in which a response feels immediate.
 */
export const SETUP_HOLD_MAX_MS = 50;

export interface SetupHold<T> {
  /** Passes the update on, or queues it while a hold is on. */
  publish(update: T): void;
  /**
   * Holds the updates back until the returned release is called (the first call counts) or
   * `SETUP_HOLD_MAX_MS` after the first hold of the round, whichever comes first; then they are passed
   * on, in order.
   */
  hold(): () => void;
}

/**
 * Holds the calls' updates to the screen while a call's signalling is in flight: from Call until the far
 * end first answers (an INVITE sent at once meets the provider's authentication challenge), and from
 * Answer until the caller has confirmed. Drawing a call card in between takes the page's main thread
 * (and, on a small machine, a core) from the offer or answer being made and from the media connection
 * being set up, and so holds up the call; the screen loses nothing by waiting, as every update is passed
 * on in order once the step is done.
 */
export function createSetupHold<T>(publish: (update: T) => void): SetupHold<T> {
  let holds = 0;
  /** Counts the holding rounds, so that a release from a round that timed out does nothing. */
  let round = 0;
  let queued: T[] = [];
  let deadline: ReturnType<typeof setTimeout> | null = null;
  const passOn = () => {
    if (deadline !== null) clearTimeout(deadline);
    deadline = null;
    holds = 0;
    round += 1;
    const updates = queued;
    queued = [];
    for (const update of updates) publish(update);
  };
  return {
    publish(update) {
      if (holds > 0) queued.push(update);
      else publish(update);
    },
    hold() {
      holds += 1;
      deadline ??= setTimeout(passOn, SETUP_HOLD_MAX_MS);
      const heldIn = round;
      let released = false;
      return () => {
        if (released || heldIn !== round) return;
        released = true;
        holds -= 1;
        if (holds === 0) passOn();
      };
    },
  };
}

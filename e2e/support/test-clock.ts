/**
 * A clock for main's services in the browser shell that a spec moves forward: the real clock plus an
 * offset. It stands for time passing on this computer only (the broker and Kamailio keep the real clock).
 */
export interface TestClock {
  now(): number;
  /** Moves the clock forward by `ms` (never back: main's timers and the lock assume time only grows). */
  advance(ms: number): void;
}

export function createTestClock(): TestClock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError('the test clock only moves forward');
      offset += ms;
    },
  };
}

import type { Every } from '../electron/policy/layered-source.js';

/** A fake clock for polling tests: `advance(ms)` fires each running timer once per elapsed period. */
export function fakeEvery() {
  const timers: { tick: () => void; ms: number; next: number; stopped: boolean }[] = [];
  let now = 0;
  const every: Every = (tick, ms) => {
    const timer = { tick, ms, next: now + ms, stopped: false };
    timers.push(timer);
    return () => {
      timer.stopped = true;
    };
  };
  /** Lets the promises a tick started settle. */
  const settle = async () => {
    for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  return {
    every,
    timers,
    settle,
    async advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = timers.filter((t) => !t.stopped && t.next <= until).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.ms;
        due.tick();
        await settle();
      }
      now = until;
    },
  };
}

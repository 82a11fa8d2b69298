/**
 * The events a peer driven by a test reported (baresip, linphone, Janus), oldest first, and waits for the
 * first one that matches from a mark on: a test takes `events.length` before it acts, then waits from there.
 */
export interface EventLog<T> {
  readonly events: readonly T[];
  push(...events: T[]): void;
  waitFor(accept: (event: T) => boolean, options?: { since?: number; timeoutMs?: number }): Promise<T>;
}

/** `peer` and `describe` name the peer and its events in the error of a wait that timed out. */
export function eventLog<T>(peer: string, describe: (event: T) => string): EventLog<T> {
  const events: T[] = [];
  const wakers = new Set<() => void>();
  return {
    events,
    push(...arrived) {
      events.push(...arrived);
      for (const wake of wakers) wake();
    },
    waitFor(accept, { since = 0, timeoutMs = 15_000 } = {}) {
      const arrival = new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = events.slice(since).find(accept);
          if (found === undefined) return;
          clearTimeout(timer);
          wakers.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          const seen = events.slice(since).map(describe).join(' ');
          reject(new Error(`${peer}: no such event within ${timeoutMs} ms; events since: ${seen}`));
        }, timeoutMs);
        wakers.add(check);
        check();
      });
      // A caller that races the wait against the peer's exit may never look at it again.
      arrival.catch(() => {});
      return arrival;
    },
  };
}

/** Runs a task in the next task of the event loop: a message to itself, which a hidden window does not throttle. */
export function nextTask(task: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    task();
  };
  channel.port2.postMessage(null);
}

export interface NextTaskPublisher<T extends object> {
  /** Merges the update with those not yet applied; they are applied together in the next task. */
  publish(update: Partial<T>): void;
  /** What has been published and not yet applied (newest values), for readers that cannot wait. */
  pending(): Partial<T>;
}

/**
 * Hands the phone engine's updates to the store in the next task, merged. JsSIP negotiates in a chain of
 * promise callbacks, and a store update renders in a microtask too: published at once, a render ran
 * between "create the peer connection" and "make the offer" (or "set the far end's offer"), holding up
 * the call by the time it took. In the next task the negotiation has handed its work to the browser's
 * WebRTC thread first, and the render overlaps it; several updates within one task draw once. Each key
 * of an update carries its whole value (all calls, the registration), so the newest value of a key wins.
 */
export function nextTaskPublisher<T extends object>(
  apply: (update: Partial<T>) => void,
  schedule: (task: () => void) => void = nextTask,
): NextTaskPublisher<T> {
  let waiting: Partial<T> | null = null;
  return {
    publish(update) {
      if (waiting) {
        waiting = { ...waiting, ...update };
        return;
      }
      waiting = { ...update };
      schedule(() => {
        const next = waiting ?? {};
        waiting = null;
        apply(next);
      });
    },
    pending: () => waiting ?? {},
  };
}

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
  /** Queues the update; the updates of one task are applied in the next, in order. */
  publish(update: Partial<T>): void;
}

/**
 * Hands the phone engine's updates to the store in the next task. JsSIP negotiates in a chain of promise
 * callbacks, and a store update renders in a microtask too: published at once, a render ran between
 * "create the peer connection" and "make the offer" (or "set the far end's offer"), holding up the call by
 * the time it took. In the next task the negotiation has handed its work to the browser's WebRTC thread
 * first, and the render overlaps it. The updates are applied one by one, so that the store's subscribers
 * see every state (a registration that failed and is at once retried), and React draws them once.
 */
export function nextTaskPublisher<T extends object>(
  apply: (update: Partial<T>) => void,
  schedule: (task: () => void) => void = nextTask,
): NextTaskPublisher<T> {
  let queued: Partial<T>[] = [];
  return {
    publish(update) {
      queued.push(update);
      if (queued.length > 1) return;
      schedule(() => {
        const updates = queued;
        queued = [];
        for (const next of updates) apply(next);
      });
    },
  };
}

import type { EventName, EventPayload } from '../../shared/ipc/contract.js';

export type EventListener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;
export type Emit = EventListener;

/** Events from main to the renderer (shared/ipc/contract.ts `events`): the units emit, the windows listen. */
export interface EventHub {
  emit: Emit;
  onEvent(listener: EventListener): () => void;
  clear(): void;
}

export function createEventHub(): EventHub {
  const listeners = new Set<EventListener>();
  return {
    emit(event, payload) {
      for (const listener of listeners) listener(event, payload);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}

import type { ChannelInput, ChannelName, ChannelOutput, EventName, EventPayload } from './contract.js';
import type { IpcResult } from './errors.js';

/** IPC transport names; the preload and main agree on these and nothing else crosses the bridge. */
export const INVOKE_CHANNEL = 'softphone:invoke';
export const EVENT_CHANNEL = 'softphone:event';

/** What the renderer sees as `window.softphone`, in Electron (preload) and in the browser shell. */
export interface SoftphoneBridge {
  invoke<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<IpcResult<ChannelOutput<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export interface BridgeTransport {
  invoke(channel: string, input: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

/**
 * Builds the bridge from a transport. Names outside the contract are refused before they are sent,
 * and main checks them again: the renderer is never trusted.
 */
export function createBridge(
  transport: BridgeTransport,
  isChannel: (name: unknown) => boolean,
  isEvent: (name: unknown) => boolean,
): SoftphoneBridge {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let unsubscribeTransport: (() => void) | null = null;

  const dispatch = (event: string, payload: unknown): void => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };

  return {
    invoke(channel, input) {
      if (!isChannel(channel)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'unknown-channel', message: `unknown channel ${String(channel)}` },
        });
      }
      return transport.invoke(channel, input) as Promise<never>;
    },
    on(event, listener) {
      if (!isEvent(event)) throw new TypeError(`unknown event ${String(event)}`);
      unsubscribeTransport ??= transport.subscribe(dispatch);
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      return () => {
        set.delete(listener as (payload: unknown) => void);
      };
    },
  };
}

// Runs in the page before the renderer: builds `window.softphone` exactly as the preload does, over
// Playwright bindings to the real router in the test process instead of Electron's ipcRenderer.
import { createBridge } from '../../shared/ipc/bridge.js';
import { isChannelName, isEventName } from '../../shared/ipc/contract.js';
import type { SoftphoneBridge } from '../../shared/ipc/bridge.js';

declare global {
  interface Window {
    softphone: SoftphoneBridge;
    __softphoneInvoke(channel: string, input: unknown): Promise<unknown>;
    __softphoneEvent(event: string, payload: unknown): void;
  }
}

const listeners = new Set<(event: string, payload: unknown) => void>();
window.__softphoneEvent = (event, payload) => {
  for (const listener of listeners) listener(event, payload);
};
const bridge = createBridge(
  {
    invoke: (channel, input) => window.__softphoneInvoke(channel, input),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  },
  isChannelName,
  isEventName,
);
Object.defineProperty(window, 'softphone', {
  value: Object.freeze(bridge),
  writable: false,
  configurable: false,
});

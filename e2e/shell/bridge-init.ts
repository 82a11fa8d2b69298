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
    /** The shell's stand-in for hiding and showing Electron's window (shell.ts `hide()`/`show()`). */
    __softphoneWindowHidden(hidden: boolean): void;
  }
}

/**
 * Headless Chromium keeps every page visible, so the shell hides the window the way the page sees a hidden
 * Electron window: `document.hidden`/`visibilityState` and `hasFocus()` change with a `visibilitychange`
 * and a `blur`, and animation frames wait until it is shown again (Chromium runs none for hidden pages).
 */
function installWindowVisibility(): void {
  let hidden = false;
  const heldFrames: Array<() => void> = [];
  const requestFrame = window.requestAnimationFrame.bind(window);
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => (hidden ? 'hidden' : 'visible'),
  });
  const hasFocus = document.hasFocus.bind(document);
  document.hasFocus = () => !hidden && hasFocus();
  window.requestAnimationFrame = (callback) => {
    if (!hidden) return requestFrame(callback);
    heldFrames.push(() => requestFrame(callback));
    return 0;
  };
  window.__softphoneWindowHidden = (next) => {
    if (next === hidden) return;
    hidden = next;
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new FocusEvent(hidden ? 'blur' : 'focus'));
    if (!hidden) for (const frame of heldFrames.splice(0)) frame();
  };
}
installWindowVisibility();

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

import type { SoftphoneBridge } from '../shared/ipc/bridge';

declare global {
  interface Window {
    /** The IPC contract, from the preload (Electron) or the browser shell. Absent anywhere else. */
    softphone?: SoftphoneBridge;
  }
}

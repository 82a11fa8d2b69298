import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createBridge, EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/ipc/bridge.js';
import { isChannelName, isEventName } from '../shared/ipc/contract.js';

// window.softphone is the IPC contract and nothing else; ipcRenderer itself is never exposed.
contextBridge.exposeInMainWorld(
  'softphone',
  createBridge(
    {
      invoke: (channel, input) => ipcRenderer.invoke(INVOKE_CHANNEL, channel, input),
      subscribe: (listener) => {
        const handler = (_event: IpcRendererEvent, name: string, payload: unknown) => listener(name, payload);
        ipcRenderer.on(EVENT_CHANNEL, handler);
        return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
      },
    },
    isChannelName,
    isEventName,
  ),
);

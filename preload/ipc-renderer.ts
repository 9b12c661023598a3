// The only place that touches ipcRenderer: typed invoke/subscribe over the
// contract's channels. The IpcRendererEvent (which carries `sender`) never
// reaches the page, only the payload.
import { ipcRenderer } from 'electron';
// Payloads are typed as the Electron wire carries them (the contract's *OnIpc types).
import type { EventChannel, MainEventsOnIpc, RequestChannel, RequestPayload, RequestResultsOnIpc, Unsubscribe } from '../electron/ipc-contract.ts';

export function invoke<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<RequestResultsOnIpc[C]> {
  return ipcRenderer.invoke(channel, payload) as Promise<RequestResultsOnIpc[C]>;
}

export function subscribe<C extends EventChannel>(channel: C, listener: (payload: MainEventsOnIpc[C]) => void): Unsubscribe {
  const wrapped = (_event: Electron.IpcRendererEvent, payload: MainEventsOnIpc[C]) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

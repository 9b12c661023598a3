// The only place that touches ipcRenderer: typed invoke/subscribe over the
// contract's channels. The IpcRendererEvent (which carries `sender`) never
// reaches the page, only the payload.
import { ipcRenderer } from 'electron';
import type {
  EventChannel,
  MainEvents,
  RequestChannel,
  RequestPayload,
  RequestResults,
  Unsubscribe,
} from '../electron/ipc-contract.ts';

export function invoke<C extends RequestChannel>(channel: C, payload: RequestPayload<C>): Promise<RequestResults[C]> {
  return ipcRenderer.invoke(channel, payload) as Promise<RequestResults[C]>;
}

export function subscribe<C extends EventChannel>(channel: C, listener: (payload: MainEvents[C]) => void): Unsubscribe {
  const wrapped = (_event: Electron.IpcRendererEvent, payload: MainEvents[C]) => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

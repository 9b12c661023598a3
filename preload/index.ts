// Electron preload (sandboxed: bundled to one CJS file by electron-vite).
// Exposes only the typed TraceAnalyserApi through contextBridge; no raw
// ipcRenderer, no Node APIs reach the page.
import { contextBridge, webUtils } from 'electron';
import { API_GLOBAL_NAME, type EventChannel, type TraceLoadedEvent, type TraceProfileEvent } from '../electron/ipc-contract.ts';
import { carriesProfile, fromWire, stateFromWire, type HostTraceStateOnWire, type OnWire } from '../electron/profile-transfer.ts';
import { createTraceAnalyserApi } from './api-from-transport.ts';
import { invoke, subscribe } from './ipc-renderer.ts';

// Events reach the page in the order main sent them, though those carrying a profile wait for its bytes.
let delivered = Promise.resolve();

/** An event as the page gets it: with its profile's bytes fetched, for those that carry one. */
async function received(channel: EventChannel, payload: unknown): Promise<unknown> {
  return carriesProfile(channel) ? fromWire(payload as OnWire<TraceLoadedEvent | TraceProfileEvent>) : payload;
}

const api = createTraceAnalyserApi({
  // A loaded trace arrives as metadata plus a URL for its bytes (too large for IPC); fetch them here.
  invoke: (async (channel, payload) => {
    const result = await invoke(channel, payload);
    if (channel !== 'trace:get-state') return result;
    return stateFromWire(result as unknown as HostTraceStateOnWire);
  }) as typeof invoke,
  subscribe: ((channel, listener) =>
    subscribe(channel, (payload) => {
      delivered = delivered
        .then(async () => (listener as (event: unknown) => void)(await received(channel, payload)))
        .catch((error: Error) => console.error(error.message));
    })) as typeof subscribe,
  async importFile(file) {
    // Main reads the file itself (streamed, in the import worker); the page only names it.
    const path = webUtils.getPathForFile(file);
    if (!path) throw new Error(`"${file.name}" has no path on disk; save it to a file and open that.`);
    return invoke('trace:open-path', { path });
  },
});

contextBridge.exposeInMainWorld(API_GLOBAL_NAME, api);

// Electron preload (sandboxed: bundled to one CJS file by electron-vite).
// Exposes only the typed TraceAnalyserApi through contextBridge; no raw
// ipcRenderer, no Node APIs reach the page.
import { contextBridge, webUtils } from 'electron';
import { API_GLOBAL_NAME } from '../electron/ipc-contract.ts';
import { eventFromIpcWire, resultFromIpcWire } from '../electron/profile-transfer.ts';
import { createTraceAnalyserApi } from './api-from-transport.ts';
import { invoke, subscribe } from './ipc-renderer.ts';

// Events reach the page in the order main sent them, though those carrying a profile wait for its bytes.
let delivered = Promise.resolve();

const api = createTraceAnalyserApi({
  // A loaded trace arrives as metadata plus a URL for its bytes (too large for IPC); they are fetched here.
  invoke: async (channel, payload) => resultFromIpcWire(channel, await invoke(channel, payload)),
  subscribe: (channel, listener) =>
    subscribe(channel, (payload) => {
      delivered = delivered.then(async () => listener(await eventFromIpcWire(channel, payload))).catch((error: Error) => console.error(error.message));
    }),
  async importFile(file) {
    // Main reads the file itself (streamed, in the import worker); the page only names it.
    const path = webUtils.getPathForFile(file);
    if (!path) throw new Error(`"${file.name}" has no path on disk; save it to a file and open that.`);
    return invoke('trace:open-path', { path });
  },
});

contextBridge.exposeInMainWorld(API_GLOBAL_NAME, api);

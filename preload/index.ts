// Electron preload (sandboxed: bundled to one CJS file by electron-vite).
// Exposes only the typed TraceAnalyserApi through contextBridge; no raw
// ipcRenderer, no Node APIs reach the page.
import { contextBridge, webUtils } from 'electron';
import { API_GLOBAL_NAME } from '../electron/ipc-contract.ts';
import { createTraceAnalyserApi } from './api-from-transport.ts';
import { invoke, subscribe } from './ipc-renderer.ts';

const api = createTraceAnalyserApi({
  invoke,
  subscribe,
  async importFile(file) {
    // Main reads the file itself (streamed, in the import worker); the page only names it.
    const path = webUtils.getPathForFile(file);
    if (!path) throw new Error(`"${file.name}" has no path on disk; save it to a file and open that.`);
    return invoke('trace:open-path', { path });
  },
});

contextBridge.exposeInMainWorld(API_GLOBAL_NAME, api);

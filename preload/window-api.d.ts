// `window.traceAnalyser`, installed by preload/index.ts in Electron and by
// preload/browser-bridge.ts in the browser host.
import type { TraceAnalyserApi } from '../electron/ipc-contract.ts';

declare global {
  interface Window {
    traceAnalyser: TraceAnalyserApi;
  }
}

// Renderer entry: connect to the host API (installed by the preload in
// Electron, by the browser bridge in the browser host) and mount the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { TraceAnalyserApi } from '../electron/ipc-contract.ts';
import { App } from './App.tsx';
import { connectHost } from './api/connect-host.ts';
import { installDebugHooks } from './debug/frame-stats.ts';
import { useViewStore } from './state/view-store.ts';
import './styles/app.css';

/** The host installs the API before this module runs, or (browser bridge) very soon after. */
async function hostApi(timeoutMs = 3000): Promise<TraceAnalyserApi | undefined> {
  const started = performance.now();
  while (!window.traceAnalyser && performance.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return window.traceAnalyser;
}

installDebugHooks(window, () => useViewStore.getState().viewports);
const root = createRoot(document.getElementById('root')!);
const api = await hostApi();
if (!api) {
  root.render(
    <main className="empty-state">
      <div className="empty-card">
        <h1>Not connected</h1>
        <p className="lead">This page needs the Trace Analyser host (the desktop app or `npm run serve`).</p>
      </div>
    </main>,
  );
} else {
  connectHost(api);
  root.render(
    <StrictMode>
      <App api={api} />
    </StrictMode>,
  );
}

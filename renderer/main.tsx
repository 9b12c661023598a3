// Renderer entry: connect to the host API (installed by the preload in
// Electron, by the browser bridge in the browser host) and mount the app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { connectHost } from './api/connect-host.ts';
import { installDebugHooks } from './debug/frame-stats.ts';
import './styles/app.css';

installDebugHooks(window);
const root = createRoot(document.getElementById('root')!);
const api = window.traceAnalyser;
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

// The window: empty state or the open trace, import status, drop target, the
// update notice, and the shortcuts that work everywhere (/ and Ctrl+F search,
// 1-3 switch views, Ctrl+, opens Settings).
import { useEffect, useRef, useState } from 'react';
import type { MenuCommand, TraceAnalyserApi } from '../electron/ipc-contract.ts';
import { openTraceDialog } from './api/trace-commands.ts';
import { DropOverlay } from './components/DropOverlay.tsx';
import { EmptyState } from './components/EmptyState.tsx';
import { ImportErrorBanner, ImportProgressBar } from './components/ImportStatus.tsx';
import { UpdateNotice } from './components/UpdateNotice.tsx';
import { Workspace } from './components/Workspace.tsx';
import { SettingsDialog } from './settings/SettingsDialog.tsx';
import { activeChart } from './state/chart-registry.ts';
import { useTraceStore } from './state/trace-store.ts';
import { useViewStore, VIEW_MODES } from './state/view-store.ts';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

export function App({ api }: { api: TraceAnalyserApi }) {
  const trace = useTraceStore((s) => s.trace);
  const searchRef = useRef<HTMLInputElement>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);

  useEffect(() => {
    const focusSearch = () => {
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    const run = (command: MenuCommand) => {
      const view = useViewStore.getState();
      switch (command) {
        case 'view:time-order':
          return view.modeChosen('time-order');
        case 'view:left-heavy':
          return view.modeChosen('left-heavy');
        case 'view:sandwich':
          return view.modeChosen('sandwich');
        case 'view:toggle-summary':
          return view.summaryToggled();
        case 'view:zoom-in':
          return activeChart()?.zoom(0.8);
        case 'view:zoom-out':
          return activeChart()?.zoom(1.25);
        case 'view:reset-zoom':
          return activeChart()?.reset();
        case 'edit:find':
          return focusSearch();
        case 'app:settings':
          return setSettingsOpen(true);
      }
    };
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if (mod && event.key.toLowerCase() === 'f') {
        event.preventDefault();
        return focusSearch();
      }
      if (mod && event.key.toLowerCase() === 'o') {
        event.preventDefault();
        return void openTraceDialog();
      }
      if (mod && event.key === ',') {
        event.preventDefault();
        return setSettingsOpen(true);
      }
      if (mod || event.altKey || isTyping(event.target)) return;
      if (event.key === '/') {
        event.preventDefault();
        return focusSearch();
      }
      const view = VIEW_MODES.find((v) => v.key === event.key);
      if (view && useTraceStore.getState().trace) {
        useViewStore.getState().modeChosen(view.mode);
        event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    const unsubscribe = api.onMenuCommand(run);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      unsubscribe();
    };
  }, [api]);

  return (
    <div className="app">
      <ImportProgressBar />
      <ImportErrorBanner />
      {trace ? <Workspace key={trace.traceId} trace={trace} searchRef={searchRef} /> : <EmptyState />}
      <DropOverlay />
      <UpdateNotice />
      {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
    </div>
  );
}

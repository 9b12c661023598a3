// Wires window.traceAnalyser's events into the stores, once, at start-up.
import type { TraceAnalyserApi } from '../../electron/ipc-contract.ts';
import { recordSummaryArrived, recordTraceArrived } from '../debug/frame-stats.ts';
import { orderedThreads } from '../profile-views/thread-order.ts';
import { useChatStore } from '../state/chat-store.ts';
import { useSettingsStore } from '../state/settings-store.ts';
import { useSyncStore } from '../state/sync-store.ts';
import { useTraceStore } from '../state/trace-store.ts';
import { useUpdateStore } from '../state/update-store.ts';
import { useViewStore } from '../state/view-store.ts';
import { setHostApi } from './host-api.ts';

export function connectHost(api: TraceAnalyserApi): () => void {
  setHostApi(api);
  const trace = useTraceStore.getState();
  const unsubscribers = [
    api.onImportProgress((event) => useTraceStore.getState().importProgressed(event)),
    api.onTraceLoaded((event) => {
      recordTraceArrived(event.fileName, event.importMs);
      useTraceStore.getState().traceLoaded(event);
    }),
    api.onTraceProfile((event) => useTraceStore.getState().profileArrived(event)),
    api.onTraceSummary((event) => {
      useTraceStore.getState().summaryArrived(event);
      if (useTraceStore.getState().trace?.summary === event) recordSummaryArrived();
    }),
    api.onImportFailed((event) => useTraceStore.getState().importFailed(event)),
    api.onRecentFilesChanged((files) => useTraceStore.getState().recentFilesChanged(files)),
    api.onSettingsChanged((settings) => useSettingsStore.getState().settingsChanged(settings)),
    api.onAccountChanged((account) => useSettingsStore.getState().accountChanged(account)),
    api.onChatConnection((event) => useChatStore.getState().connectionChanged(event)),
    api.onChatEvent((event) => useChatStore.getState().turnEventReceived(event)),
    api.onSyncProgress((state) => useSyncStore.getState().progressed(state)),
    api.onUpdateState((state) => useUpdateStore.getState().stateChanged(state)),
    // A new trace resets the view: its main thread, everything zoomed out.
    useTraceStore.subscribe((state, previous) => {
      if (state.trace && state.trace.traceId !== previous.trace?.traceId) {
        const threads = orderedThreads(state.trace.profile);
        useViewStore.getState().traceOpened(threads[0]?.timeline.id ?? null);
      }
    }),
  ];
  api.getRecentFiles().then(
    (files) => trace.recentFilesChanged(files),
    () => {},
  );
  // A trace given on the command line (or loaded before a reload) may already be there, or have failed.
  api.getTraceState().then(
    (state) => {
      useTraceStore.getState().hostStateReceived(state);
      // An upload running before a reload; a progress event that arrived meanwhile is newer.
      const sync = useSyncStore.getState();
      if (state.sync && !sync.byTrace[state.sync.traceId]) sync.progressed(state.sync);
    },
    () => {},
  );
  api.getSettings().then(
    (settings) => useSettingsStore.getState().settingsChanged(settings),
    () => {},
  );
  api.getUpdateState().then(
    (state) => useUpdateStore.getState().stateChanged(state),
    () => {},
  );
  api.getAccount().then(
    (account) => useSettingsStore.getState().accountChanged(account),
    () => {},
  );
  return () => unsubscribers.forEach((u) => u());
}

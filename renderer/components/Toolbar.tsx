// Top bar: file name, view switcher, thread picker, search, panel toggle, open;
// under it, the sync status line when there is something to say.
import { forwardRef } from 'react';
import type { ThreadTimeline } from '../../shared-importer/src/model/thread-timeline.ts';
import { openTraceDialog } from '../api/trace-commands.ts';
import { formatBytes } from '../../shared-importer/src/format-bytes.ts';
import { threadLabel } from '../profile-views/thread-order.ts';
import type { LoadedTrace } from '../state/trace-store.ts';
import { useViewStore, VIEW_MODES } from '../state/view-store.ts';
import { SyncStatusLine } from './SyncStatus.tsx';

interface ToolbarProps {
  trace: LoadedTrace;
  threads: ThreadTimeline[];
  matchCount: number;
}

export const Toolbar = forwardRef<HTMLInputElement, ToolbarProps>(function Toolbar({ trace, threads, matchCount }, searchRef) {
  const mode = useViewStore((s) => s.mode);
  const threadId = useViewStore((s) => s.threadId);
  const search = useViewStore((s) => s.search);
  const summaryOpen = useViewStore((s) => s.summaryOpen);
  const store = useViewStore.getState();
  return (
    <>
      <header className="toolbar" data-testid="toolbar">
        <div className="toolbar-file" title={trace.path ?? trace.fileName}>
          <span className="file-name" data-testid="trace-file-name">
            {trace.fileName}
          </span>
          <span className="muted file-meta">
            {trace.format} · {formatBytes(trace.sizeBytes)}
          </span>
        </div>
        <div className="view-tabs" role="tablist" aria-label="Flame chart view">
          {VIEW_MODES.map((v) => (
            <button
              key={v.mode}
              type="button"
              role="tab"
              aria-selected={mode === v.mode}
              className={mode === v.mode ? 'active' : ''}
              onClick={() => store.modeChosen(v.mode)}
              title={`${v.label} (${v.key})`}
              data-testid={`view-${v.mode}`}
            >
              {v.label}
            </button>
          ))}
        </div>
        {/* Nothing to draw: no thread to pick, and an empty list would read as broken. */}
        {threads.length > 0 && (
          <label className="thread-picker">
            <span className="visually-hidden">Thread</span>
            <select
              value={threadId ?? ''}
              onChange={(e) => store.threadChosen(e.target.value)}
              aria-label="Thread"
              aria-busy={!trace.complete}
              title={trace.complete ? undefined : 'The other threads are on their way'}
              data-testid="thread-picker"
            >
              {threads.map((t) => (
                <option key={t.id} value={t.id}>
                  {threadLabel(t)}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="search-box">
          <input
            ref={searchRef}
            type="search"
            placeholder="Search functions  ( / )"
            aria-label="Search functions"
            value={search}
            onChange={(e) => store.searchChanged(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') {
                store.searchChanged('');
                e.currentTarget.blur();
              }
            }}
            data-testid="search-input"
          />
          {search.trim() && (
            <span className="search-count muted" data-testid="search-count" aria-live="polite">
              {matchCount} {matchCount === 1 ? 'match' : 'matches'}
            </span>
          )}
        </div>
        <div className="toolbar-actions">
          <button type="button" aria-pressed={summaryOpen} onClick={() => store.summaryToggled()} data-testid="toggle-summary" title="Show or hide the summary">
            Summary
          </button>
          <button type="button" className="primary" onClick={() => void openTraceDialog()} data-testid="open-button">
            Open…
          </button>
        </div>
      </header>
      <SyncStatusLine traceId={trace.traceId} />
    </>
  );
});

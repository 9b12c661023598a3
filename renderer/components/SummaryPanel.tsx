// What the summariser found: the same facts the AI reads. Every function, hot
// path, long task and page item is a button that shows it in the flame chart. The
// summary arrives after the chart; until then the panel says so and shows the
// importer's warnings, which the profile already carries.
import type { TraceSummaryEvent } from '../../electron/ipc-contract.ts';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { ThreadSummary, TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { formatCount, formatMilliseconds, formatSummaryValue } from '../format/units.ts';
import { intervalOfTaskId, showFunction, showInterval, showSummaryItem } from '../state/navigation.ts';
import { useViewStore } from '../state/view-store.ts';
import { PageSection } from './PageSection.tsx';
import { Section } from './SummarySection.tsx';
import { SyncBadge } from './SyncStatus.tsx';
import { TraceWarnings } from './TraceWarnings.tsx';

interface SummaryPanelProps {
  profile: Profile;
  /** Null while the summary is being computed. */
  summary: TraceSummaryEvent | null;
}

export function SummaryPanel({ profile, summary }: SummaryPanelProps) {
  const ready = summary?.status === 'ready' ? summary : null;
  // The summary's warnings start with the importer's, then add its own.
  const warnings = ready ? ready.summary.warnings : profile.warnings;
  return (
    <aside className="summary-panel" aria-label="Trace summary" aria-busy={summary === null} data-testid="summary-panel">
      <header className="summary-head">
        <h2>Summary</h2>
        <p className={summary?.status === 'failed' ? 'summary-failed' : 'muted'} data-testid="summary-status">
          {summary === null
            ? 'Summarising…'
            : summary.status === 'failed'
              ? summary.message
              : `What the assistant sees · ${formatCount(summary.tokens)} tokens`}
        </p>
        <SyncBadge />
      </header>
      {warnings.length > 0 && (
        <Section title="Warnings" count={warnings.length}>
          <TraceWarnings warnings={warnings} />
        </Section>
      )}
      {profile.page && <PageSection profile={profile} page={profile.page} />}
      {ready && <SummaryFacts profile={profile} summary={ready.summary} />}
    </aside>
  );
}

function SummaryFacts({ profile, summary }: { profile: Profile; summary: TraceSummary }) {
  const threadId = useViewStore((s) => s.threadId);
  const thread = summary.threads.find((t) => t.id === threadId) ?? null;
  const unit = summary.valueUnit;
  return (
    <>
      <dl className="summary-facts">
        <dt>Duration</dt>
        <dd>{formatSummaryValue(summary.durationValue, unit)}</dd>
        <dt>Events</dt>
        <dd>{formatCount(summary.stats.eventCount)}</dd>
        <dt>Functions</dt>
        <dd>{formatCount(summary.stats.frameCount)}</dd>
        <dt>Threads</dt>
        <dd>
          {summary.stats.threadCount}
          {summary.omittedThreadCount > 0 ? ` (${summary.omittedThreadCount} not listed)` : ''}
        </dd>
      </dl>

      <Section title="Threads" count={summary.threads.length}>
        <ul className="summary-list">
          {summary.threads.map((t) => (
            <li key={t.id}>
              <button
                type="button"
                className={`summary-item thread-item${t.id === threadId ? ' current' : ''}`}
                onClick={() => useViewStore.getState().threadChosen(t.id)}
                aria-pressed={t.id === threadId}
              >
                <span className="item-name">
                  {t.name}
                  {t.isMainThread && <span className="badge">main</span>}
                </span>
                <span className="item-value">{formatSummaryValue(t.busyValue, unit)}</span>
                <span className="bar" aria-hidden="true">
                  <span style={{ width: `${Math.min(100, t.busyPercent)}%` }} />
                </span>
              </button>
            </li>
          ))}
        </ul>
      </Section>

      {thread ? (
        <ThreadSections profile={profile} thread={thread} unit={unit} longTaskMs={summary.settings.longTaskThresholdMs} />
      ) : (
        <p className="muted">This thread is not in the summary.</p>
      )}
    </>
  );
}

function ThreadSections({
  profile,
  thread,
  unit,
  longTaskMs,
}: {
  profile: Profile;
  thread: ThreadSummary;
  unit: TraceSummary['valueUnit'];
  longTaskMs: number;
}) {
  const selectedFrame = useViewStore((s) => s.selectedFrame);
  const selectedId = selectedFrame >= 0 ? profile.frames.idOf(selectedFrame) : null;
  return (
    <>
      <Section title="Top functions (self)" count={thread.topFunctions.length}>
        <ol className="summary-list" data-testid="summary-top-functions">
          {thread.topFunctions.map((f) => (
            <li key={f.id}>
              <button
                type="button"
                className={`summary-item${f.id === selectedId ? ' current' : ''}`}
                onClick={() => showFunction(profile, thread.id, f.id)}
                data-testid="summary-function"
                data-function-id={f.id}
                title={f.file ? `${f.name} — ${f.file}${f.line ? `:${f.line}` : ''}` : f.name}
              >
                <span className="item-name">{f.name}</span>
                <span className="item-value">
                  {formatSummaryValue(f.selfValue, unit)} <span className="muted">{f.selfPercent.toFixed(1)}%</span>
                </span>
              </button>
            </li>
          ))}
        </ol>
      </Section>

      {thread.hotPaths.length > 0 && (
        <Section title="Hot paths" count={thread.hotPaths.length}>
          <ol className="summary-list">
            {thread.hotPaths.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="summary-item path-item"
                  onClick={() => showSummaryItem(profile, null, p.id, thread.id)}
                  title={p.frames.join(' → ')}
                >
                  <span className="item-name">
                    {p.frames.length > 3 ? '… → ' : ''}
                    {p.frames.slice(-3).join(' → ')}
                  </span>
                  <span className="item-value">
                    {formatSummaryValue(p.totalValue, unit)} <span className="muted">{p.percent.toFixed(1)}%</span>
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </Section>
      )}

      {(thread.longTasks.length > 0 || thread.longTaskCount > 0) && (
        <Section title={`Long tasks (≥ ${longTaskMs} ms)`} count={thread.longTaskCount}>
          <ol className="summary-list" data-testid="summary-long-tasks">
            {thread.longTasks.map((task) => (
              <li key={task.id}>
                <button
                  type="button"
                  className="summary-item"
                  onClick={() => showInterval(profile, task.threadId, intervalOfTaskId(task.id))}
                  data-testid="summary-long-task"
                  data-task-id={task.id}
                  title={task.stack.join(' → ')}
                >
                  <span className="item-name">
                    {task.name}
                    {task.stack.length > 1 && <span className="muted"> → {task.stack[task.stack.length - 1]}</span>}
                  </span>
                  <span className="item-value">
                    {formatMilliseconds(task.durMs)} <span className="muted">at {formatMilliseconds(task.startMs)}</span>
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </Section>
      )}

      {(thread.gc.count > 0 || thread.layoutPaint.count > 0) && (
        <Section title="GC, layout and paint">
          <dl className="summary-facts">
            {thread.gc.count > 0 && (
              <>
                <dt>Garbage collection</dt>
                <dd>
                  {formatSummaryValue(thread.gc.totalValue, unit)} in {formatCount(thread.gc.count)}
                  {thread.gc.longestMs !== null ? `, longest ${formatMilliseconds(thread.gc.longestMs)}` : ''}
                </dd>
              </>
            )}
            {thread.layoutPaint.count > 0 && (
              <>
                <dt>Layout</dt>
                <dd>{formatSummaryValue(thread.layoutPaint.layoutValue, unit)}</dd>
                <dt>Style</dt>
                <dd>{formatSummaryValue(thread.layoutPaint.styleValue, unit)}</dd>
                <dt>Paint</dt>
                <dd>{formatSummaryValue(thread.layoutPaint.paintValue, unit)}</dd>
              </>
            )}
          </dl>
        </Section>
      )}

      {thread.markers.length > 0 && (
        <Section title="Markers" count={thread.markers.length + thread.omittedMarkerCount}>
          <ol className="summary-list markers">
            {thread.markers.map((m, i) => (
              <li key={i} className="marker-item">
                <span className="item-name">{m.name}</span>
                <span className="item-value muted">
                  {formatMilliseconds(m.startMs)}
                  {m.durMs !== undefined ? ` · ${formatMilliseconds(m.durMs)}` : ''}
                </span>
              </li>
            ))}
          </ol>
        </Section>
      )}
    </>
  );
}

// A loaded trace: toolbar, the chart for the chosen view with its overview and
// details, the summary panel and the chat.
import { useEffect, useMemo, useState, type ReactNode, type RefObject } from 'react';
import { reportTraceShown } from '../api/trace-commands.ts';
import { ChatContainer } from '../chat/ChatContainer.tsx';
import type { FlameLayout } from '../flame-chart/flame-layout.ts';
import { orderedThreads } from '../profile-views/thread-order.ts';
import { searchMatches } from '../profile-views/search-matches.ts';
import { threadViews } from '../profile-views/thread-views.ts';
import { useChatStore } from '../state/chat-store.ts';
import { leftHeavyChartId, timeOrderChartId } from '../state/navigation.ts';
import type { LoadedTrace } from '../state/trace-store.ts';
import { useViewStore } from '../state/view-store.ts';
import { DetailsPanel } from './DetailsPanel.tsx';
import { FlameChart } from './FlameChart.tsx';
import { FlameMinimap } from './FlameMinimap.tsx';
import { PageTrack } from './PageTrack.tsx';
import { SandwichView, sandwichChartIds } from './SandwichView.tsx';
import { SummaryPanel } from './SummaryPanel.tsx';
import { Toolbar } from './Toolbar.tsx';
import { TraceWarnings } from './TraceWarnings.tsx';

export function Workspace({ trace, searchRef }: { trace: LoadedTrace; searchRef: RefObject<HTMLInputElement | null> }) {
  const { profile, summary } = trace;
  const threadId = useViewStore((s) => s.threadId);
  const mode = useViewStore((s) => s.mode);
  const search = useViewStore((s) => s.search);
  const summaryOpen = useViewStore((s) => s.summaryOpen);
  const chatOpen = useChatStore((s) => s.open);
  const selectedFrame = useViewStore((s) => s.selectedFrame);
  const ranked = useMemo(() => orderedThreads(profile), [profile]);
  const threads = useMemo(() => ranked.map((r) => r.timeline), [ranked]);
  const thread = threads.find((t) => t.id === threadId) ?? threads[0];
  const matchCount = searchMatches(profile.frames, search).count;

  useEffect(() => {
    if (thread && thread.id !== threadId) useViewStore.getState().threadChosen(thread.id);
  }, [thread, threadId]);

  // The chart comes first: the summary panel (hundreds of elements) mounts on the frame after,
  // and only then may the host compute the summary, which would otherwise share the CPU with this frame.
  const [panelReady, setPanelReady] = useState(false);
  useEffect(() => {
    const request = requestAnimationFrame(() => setPanelReady(true));
    return () => cancelAnimationFrame(request);
  }, []);
  useEffect(() => {
    if (panelReady) reportTraceShown(trace.traceId);
  }, [panelReady, trace.traceId]);

  if (!thread) {
    return (
      <>
        <Toolbar trace={trace} threads={threads} matchCount={matchCount} ref={searchRef} />
        <main className="workspace no-threads">
          <p className="muted">This trace has no calls or samples to draw.</p>
          {profile.warnings.length > 0 && <TraceWarnings warnings={profile.warnings} />}
        </main>
      </>
    );
  }

  const views = threadViews(thread, profile.frames.length);
  const busy = ranked.find((r) => r.timeline === thread)?.busy ?? 0;
  const layouts: Record<string, FlameLayout> = {};
  let main: ReactNode;
  if (mode === 'time-order' || mode === 'left-heavy') {
    const chartId = mode === 'time-order' ? timeOrderChartId(thread.id) : leftHeavyChartId(thread.id);
    const layout = mode === 'time-order' ? views.timeOrder() : views.leftHeavy();
    layouts[chartId] = layout;
    main = (
      <div className="chart-stack">
        <FlameMinimap chartId={chartId} layout={layout} profile={profile} />
        {mode === 'time-order' && profile.page && <PageTrack chartId={chartId} chartLayout={layout} profile={profile} page={profile.page} />}
        <FlameChart
          key={chartId}
          chartId={chartId}
          layout={layout}
          profile={profile}
          label={`${mode === 'time-order' ? 'Time order' : 'Left heavy'} flame chart of ${thread.name}`}
          testId="flame-chart"
          axisOrigin={mode === 'time-order' ? profile.startTime : undefined}
          markers={mode === 'time-order' ? thread.markers : undefined}
        />
      </div>
    );
  } else {
    if (selectedFrame >= 0) {
      const ids = sandwichChartIds(thread.id, selectedFrame);
      if (views.stats().total[selectedFrame] > 0) {
        layouts[ids.callers] = views.callers(selectedFrame);
        layouts[ids.callees] = views.callees(selectedFrame);
      }
    }
    main = <SandwichView profile={profile} thread={thread} busy={busy} />;
  }

  return (
    <>
      <Toolbar trace={trace} threads={threads} matchCount={matchCount} ref={searchRef} />
      <div className={`workspace${summaryOpen ? ' with-summary' : ''}${chatOpen ? ' with-chat' : ''}`}>
        <main className="chart-area" data-testid={`view-${mode}-panel`} data-view={mode}>
          {main}
          <DetailsPanel profile={profile} thread={thread} layouts={layouts} busy={busy} />
        </main>
        {summaryOpen && (panelReady ? <SummaryPanel profile={profile} summary={summary} /> : <aside className="summary-panel" />)}
        <ChatContainer trace={trace} />
      </div>
    </>
  );
}

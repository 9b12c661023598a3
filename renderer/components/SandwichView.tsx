// Sandwich: the function table, and for the selected function who called it
// (inverted, callers grow upwards) and what it called.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { ThreadTimeline } from '../../shared-importer/src/model/thread-timeline.ts';
import { threadViews } from '../profile-views/thread-views.ts';
import { useViewStore } from '../state/view-store.ts';
import { FlameChart } from './FlameChart.tsx';
import { FunctionTable } from './FunctionTable.tsx';

export function sandwichChartIds(threadId: string, frame: number): { callers: string; callees: string } {
  return { callers: `${threadId}/callers/${frame}`, callees: `${threadId}/callees/${frame}` };
}

export function SandwichView({ profile, thread, busy }: { profile: Profile; thread: ThreadTimeline; busy: number }) {
  const selectedFrame = useViewStore((s) => s.selectedFrame);
  const views = threadViews(thread, profile.frames.length);
  const stats = views.stats();
  const has = selectedFrame >= 0 && selectedFrame < profile.frames.length && stats.total[selectedFrame] > 0;
  const ids = sandwichChartIds(thread.id, selectedFrame);
  return (
    <div className="sandwich" data-testid="sandwich-view">
      <FunctionTable profile={profile} stats={stats} busy={busy} />
      <div className="sandwich-graphs">
        {has ? (
          <>
            <div className="sandwich-graph">
              <h3 className="graph-title">Callers of {profile.frames.names[selectedFrame]}</h3>
              <FlameChart
                chartId={ids.callers}
                layout={views.callers(selectedFrame)}
                profile={profile}
                label={`Callers of ${profile.frames.names[selectedFrame]}`}
                inverted
                testId="callers-chart"
              />
            </div>
            <div className="sandwich-graph">
              <h3 className="graph-title">Callees of {profile.frames.names[selectedFrame]}</h3>
              <FlameChart
                chartId={ids.callees}
                layout={views.callees(selectedFrame)}
                profile={profile}
                label={`Callees of ${profile.frames.names[selectedFrame]}`}
                testId="callees-chart"
              />
            </div>
          </>
        ) : (
          <p className="muted sandwich-hint">Select a function in the table to see its callers and callees.</p>
        )}
      </div>
    </div>
  );
}

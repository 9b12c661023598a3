// The selected function: where it is defined, the selected block's own self
// and total, and the function's totals over the whole thread.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { ThreadTimeline } from '../../shared-importer/src/model/thread-timeline.ts';
import type { FlameLayout } from '../flame-chart/flame-layout.ts';
import { formatPercent, formatWeight } from '../format/units.ts';
import { threadViews } from '../profile-views/thread-views.ts';
import { useViewStore } from '../state/view-store.ts';
import { sourceLocation } from './source-location.ts';

interface DetailsPanelProps {
  profile: Profile;
  thread: ThreadTimeline;
  /** Layouts on screen, by chart id, to read the selected block from. */
  layouts: Record<string, FlameLayout>;
  /** Thread's busy weight, for percentages. */
  busy: number;
}

export function DetailsPanel({ profile, thread, layouts, busy }: DetailsPanelProps) {
  const selectedFrame = useViewStore((s) => s.selectedFrame);
  const selectedSlot = useViewStore((s) => s.selectedSlot);
  const mode = useViewStore((s) => s.mode);
  if (selectedFrame < 0 || selectedFrame >= profile.frames.length) {
    return (
      <section className="details-panel empty" aria-label="Selection details" data-testid="details-panel">
        <p className="muted">Click a block to see its details. Double-click zooms to it.</p>
      </section>
    );
  }
  const stats = threadViews(thread, profile.frames.length).stats();
  const unit = profile.unit;
  const location = sourceLocation(profile.frames, selectedFrame);
  const category = profile.frames.categories[selectedFrame];
  const layout = selectedSlot ? layouts[selectedSlot.chartId] : undefined;
  const block = layout && selectedSlot && selectedSlot.slot < layout.count && layout.frame[selectedSlot.slot] === selectedFrame ? selectedSlot.slot : -1;
  const self = stats.self[selectedFrame];
  const total = stats.total[selectedFrame];
  const store = useViewStore.getState();
  return (
    <section className="details-panel" aria-label="Selection details" aria-live="polite" data-testid="details-panel">
      <div className="details-head">
        <h2 className="details-name" data-testid="details-name" title={profile.frames.names[selectedFrame]}>
          {profile.frames.names[selectedFrame]}
        </h2>
        <div className="details-actions">
          {mode !== 'sandwich' && (
            <button type="button" onClick={() => store.modeChosen('sandwich')}>
              Callers &amp; callees
            </button>
          )}
          <button type="button" onClick={() => store.selectionCleared()} aria-label="Clear selection">
            ✕
          </button>
        </div>
      </div>
      <div className="details-grid">
        {location && (
          <div className="details-item wide">
            <span className="label">Source</span>
            <span data-testid="details-file">{location}</span>
          </div>
        )}
        {category && (
          <div className="details-item">
            <span className="label">Category</span>
            <span>{category}</span>
          </div>
        )}
        <div className="details-item">
          <span className="label">Self (thread)</span>
          <span data-testid="details-function-self">{formatWeight(self, unit)}</span>
          <span className="muted"> {formatPercent(self, busy)}</span>
        </div>
        <div className="details-item">
          <span className="label">Total (thread)</span>
          <span data-testid="details-function-total">{formatWeight(total, unit)}</span>
          <span className="muted"> {formatPercent(total, busy)}</span>
        </div>
        {block >= 0 && layout && (
          <>
            <div className="details-item">
              <span className="label">{selectedSlot!.chartId.endsWith('/time-order') ? 'This call: total' : 'This node: total'}</span>
              <span data-testid="details-block-total">{formatWeight(layout.x1[block] - layout.x0[block], unit)}</span>
            </div>
            <div className="details-item">
              <span className="label">{selectedSlot!.chartId.endsWith('/time-order') ? 'This call: self' : 'This node: self'}</span>
              <span data-testid="details-block-self">{formatWeight(layout.selfOf(block), unit)}</span>
            </div>
          </>
        )}
      </div>
    </section>
  );
}

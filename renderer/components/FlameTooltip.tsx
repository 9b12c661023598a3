// Hover card for the block under the pointer: name, self and total, source location.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { FlameLayout } from '../flame-chart/flame-layout.ts';
import { formatPercent, formatWeight } from '../format/units.ts';
import { useViewStore } from '../state/view-store.ts';
import { sourceLocation } from './source-location.ts';

const OFFSET_PX = 14;
const MAX_WIDTH_PX = 420;

export function FlameTooltip({ chartId, layout, profile }: { chartId: string; layout: FlameLayout; profile: Profile }) {
  const hovered = useViewStore((s) => (s.hovered?.chartId === chartId ? s.hovered : null));
  if (!hovered || hovered.slot >= layout.count) return null;
  const slot = hovered.slot;
  const frame = layout.frame[slot];
  const total = layout.x1[slot] - layout.x0[slot];
  const self = layout.selfOf(slot);
  const whole = layout.max - layout.min;
  const location = sourceLocation(profile.frames, frame);
  const left = Math.min(hovered.clientX + OFFSET_PX, window.innerWidth - MAX_WIDTH_PX - 8);
  const top = Math.min(hovered.clientY + OFFSET_PX, window.innerHeight - 110);
  return (
    <div className="flame-tooltip" role="tooltip" data-testid="flame-tooltip" style={{ left: Math.max(4, left), top }}>
      <div className="flame-tooltip-name" data-testid="tooltip-name">
        {profile.frames.names[frame]}
      </div>
      <dl>
        <dt>Total</dt>
        <dd data-testid="tooltip-total">
          {formatWeight(total, profile.unit)} <span className="muted">({formatPercent(total, whole)})</span>
        </dd>
        <dt>Self</dt>
        <dd data-testid="tooltip-self">
          {formatWeight(self, profile.unit)} <span className="muted">({formatPercent(self, whole)})</span>
        </dd>
      </dl>
      {location && (
        <div className="flame-tooltip-file muted" data-testid="tooltip-file">
          {location}
        </div>
      )}
    </div>
  );
}

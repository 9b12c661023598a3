// The layout shift session windows of a recording as the items their ids
// ("cluster1"…) name: their shifts, score and span, grouped from the shifts'
// clusterId so every reader groups them the same way.
import type { LayoutShift, PageInsights } from './page-types.ts';

export interface LayoutShiftCluster {
  id: string;
  /** Its shifts in time order. */
  shifts: LayoutShift[];
  /** The sum of its shifts' weighted scores (what CLS takes the largest of). */
  score: number;
  /** Its first and last shift. */
  start: number;
  end: number;
}

/** The session windows in time order; shifts after recent input belong to none and are left out. */
export function shiftClusters(page: PageInsights): LayoutShiftCluster[] {
  const byId = new Map<string, LayoutShiftCluster>();
  for (const shift of page.layoutShifts) {
    if (shift.clusterId === '') continue;
    const cluster = byId.get(shift.clusterId);
    if (!cluster) {
      byId.set(shift.clusterId, { id: shift.clusterId, shifts: [shift], score: shift.score, start: shift.at, end: shift.at });
      continue;
    }
    cluster.shifts.push(shift);
    cluster.score += shift.score;
    cluster.end = shift.at;
  }
  return [...byId.values()];
}

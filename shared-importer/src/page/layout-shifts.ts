// Layout shifts and their session windows, as DevTools' LayoutShiftsHandler
// clusters them: shifts after recent input are excluded; a window closes after
// a 1 s gap, 5 s after it opened, or at a main-frame navigation; its score is
// the sum of its shifts' weighted scores, and CLS is the largest window.
import type { LayoutShift } from './page-types.ts';
import { PageEventKind, type PageEvent } from './page-event-collector.ts';

const MAX_GAP_US = 1_000_000;
const MAX_WINDOW_US = 5_000_000;

export interface ShiftCluster {
  /** "cluster1"… */
  id: string;
  start: number;
  /** Time of its last shift. */
  lastShift: number;
  score: number;
  shiftIds: string[];
  /** Index in `navigationStarts` of the navigation it happened in; -1 before the first. */
  navigationIndex: number;
}

export interface LayoutShifts {
  shifts: LayoutShift[];
  clusters: ShiftCluster[];
  /** Shifts without a weighted score (Chrome before 90): counted as 0. */
  unweighted: number;
}

/**
 * `events` in time order; `navigationStarts` the main frame's navigation
 * starts in order (blank ones too: they end a window as well).
 */
export function buildLayoutShifts(events: readonly PageEvent[], navigationStarts: readonly number[]): LayoutShifts {
  const shifts: LayoutShift[] = [];
  const clusters: ShiftCluster[] = [];
  let current: ShiftCluster | undefined;
  let unweighted = 0;
  for (const e of events) {
    if (e.kind !== PageEventKind.LayoutShift) continue;
    const id = `shift${shifts.length + 1}`;
    const score = weightedScore(e);
    if (typeof e.data.weighted_score_delta !== 'number') unweighted++;
    const hadRecentInput = e.data.had_recent_input === true;
    if (hadRecentInput) {
      // Excluded from CLS: it belongs to no session window.
      shifts.push({ id, at: e.ts, score, hadRecentInput, clusterId: '' });
      continue;
    }
    const navigationIndex = lastIndexBefore(navigationStarts, e.ts);
    if (!current || opensNewWindow(current, e.ts, navigationIndex)) {
      current = { id: `cluster${clusters.length + 1}`, start: e.ts, lastShift: e.ts, score: 0, shiftIds: [], navigationIndex };
      clusters.push(current);
    }
    current.score += score;
    current.lastShift = e.ts;
    current.shiftIds.push(id);
    shifts.push({ id, at: e.ts, score, hadRecentInput, clusterId: current.id });
  }
  return { shifts, clusters, unweighted };
}

function opensNewWindow(current: ShiftCluster, ts: number, navigationIndex: number): boolean {
  const navigated = navigationIndex !== current.navigationIndex && navigationIndex >= 0;
  return ts - current.start > MAX_WINDOW_US || ts - current.lastShift > MAX_GAP_US || navigated;
}

/** The shift's weighted score; Chrome before 90 did not write one, and DevTools counts those shifts as 0. */
function weightedScore(e: PageEvent): number {
  const weighted = e.data.weighted_score_delta;
  return typeof weighted === 'number' ? weighted : 0;
}

/** Index of the last start strictly before `ts`, or -1. */
function lastIndexBefore(starts: readonly number[], ts: number): number {
  let index = -1;
  for (let i = 0; i < starts.length && starts[i] < ts; i++) index = i;
  return index;
}

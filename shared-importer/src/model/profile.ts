import type { TraceFormat } from '../formats/catalog.ts';
import type { FrameTable } from './frame-table.ts';
import type { ThreadTimeline } from './thread-timeline.ts';
import type { PageInsights } from '../page/page-types.ts';

export type { TraceFormat } from '../formats/catalog.ts';

/**
 * What a profile's weights measure. Time-based profiles are normalised to
 * microseconds at import; 'samples' is for inputs with counts but no clock
 * (collapsed stacks), 'bytes' for allocation profiles.
 */
export type WeightUnit = 'microseconds' | 'samples' | 'bytes';

export interface Profile {
  format: TraceFormat;
  /** File name the user gave, for display. */
  name: string;
  unit: WeightUnit;
  frames: FrameTable;
  threads: ThreadTimeline[];
  /** Earliest and latest time over all threads. */
  startTime: number;
  endTime: number;
  /** Raw input events or samples read. */
  eventCount: number;
  /** Problems the importer worked around (unbalanced events, clamped timestamps...). */
  warnings: string[];
  /** A web page's navigations, requests, shifts and interactions, when the trace recorded a page (Chrome). */
  page?: PageInsights;
}

export function profileSpan(threads: readonly ThreadTimeline[]): { startTime: number; endTime: number } {
  let startTime = Infinity;
  let endTime = -Infinity;
  for (const t of threads) {
    if (t.count === 0 && t.markers.length === 0) continue;
    if (t.startTime < startTime) startTime = t.startTime;
    if (t.endTime > endTime) endTime = t.endTime;
  }
  return startTime === Infinity ? { startTime: 0, endTime: 0 } : { startTime, endTime };
}

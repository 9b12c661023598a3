// Threads in the order the picker lists them: the summariser's order (main
// thread first, then by busy time), then any thread it left out, busiest first.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { ThreadTimeline } from '../../shared-importer/src/model/thread-timeline.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';

const MAIN_THREAD_NAMES = /^(CrRendererMain|GeckoMain|main|main thread)$/i;

export function orderedThreads(profile: Profile, summary: TraceSummary | null): ThreadTimeline[] {
  const rank = new Map<string, number>();
  summary?.threads.forEach((t, i) => rank.set(t.id, i));
  const busy = (t: ThreadTimeline) => {
    let total = 0;
    for (let i = 0; i < t.count; i++) if (t.depth[i] === 0) total += t.end[i] - t.start[i];
    return total;
  };
  const fallback = new Map<ThreadTimeline, number>();
  for (const t of profile.threads) if (!rank.has(t.id)) fallback.set(t, (MAIN_THREAD_NAMES.test(t.name) ? 1e300 : 0) + busy(t));
  return [...profile.threads]
    .filter((t) => t.count > 0 || t.markers.length > 0)
    .sort((a, b) => {
      const ra = rank.get(a.id);
      const rb = rank.get(b.id);
      if (ra !== undefined && rb !== undefined) return ra - rb;
      if (ra !== undefined) return -1;
      if (rb !== undefined) return 1;
      return fallback.get(b)! - fallback.get(a)!;
    });
}

/** Picker label: name plus pid/tid when the trace has them. */
export function threadLabel(t: Pick<ThreadTimeline, 'name' | 'pid' | 'tid'>): string {
  const ids = [t.pid !== undefined ? `pid ${t.pid}` : '', t.tid !== undefined ? `tid ${t.tid}` : ''].filter(Boolean).join(', ');
  return ids ? `${t.name} (${ids})` : t.name;
}

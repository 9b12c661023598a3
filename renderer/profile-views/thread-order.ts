// Threads in the order the picker lists them: main thread first, then by busy
// time, as shared-importer's thread ranking (the one the summary uses) decides.
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { ThreadTimeline } from '../../shared-importer/src/model/thread-timeline.ts';
import { rankThreads, type RankedThread } from '../../shared-importer/src/summary/thread-ranking.ts';

/** Ranked once per profile (a pass over every interval): the picker, the view reset and the busy weights share it. */
const ranked = new WeakMap<Profile, RankedThread[]>();

export function orderedThreads(profile: Profile): RankedThread[] {
  let threads = ranked.get(profile);
  if (!threads) ranked.set(profile, (threads = rankThreads(profile)));
  return threads;
}

/** Picker label: name plus pid/tid when the trace has them. */
export function threadLabel(t: Pick<ThreadTimeline, 'name' | 'pid' | 'tid'>): string {
  const ids = [t.pid !== undefined ? `pid ${t.pid}` : '', t.tid !== undefined ? `tid ${t.tid}` : ''].filter(Boolean).join(', ');
  return ids ? `${t.name} (${ids})` : t.name;
}

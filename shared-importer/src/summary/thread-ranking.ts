// Which thread is the main one and how busy each thread is: defined here once,
// so the summary the AI reads and the thread picker the user sees always agree.
import { parentIndices } from '../model/call-tree.ts';
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { FrameRole, classifyFrames, type FrameKinds } from './frame-kinds.ts';

/** Linux's per-CPU idle task in system-wide recordings (perf, ftrace): its time is the CPU idling. */
const IDLE_THREAD = /^swapper(\/\d+)?$/;
/** A CPU's scheduling track (ftrace sched_switch): busy, but not a thread of the program. */
const CPU_TRACK = /^CPU \d+$/;

/**
 * How strongly a thread's name says "main thread"; ties go to the profiled,
 * then the busier thread. Unknown names rank 0, so without a known name the busiest thread is
 * the main one; an idle thread or a CPU track is never chosen.
 */
const MAIN_THREAD_RANKS: readonly [RegExp, number][] = [
  [/^CrRendererMain$/, 4],
  [/^GeckoMain$/, 3],
  [/^(main|main thread|mainthread|js thread)$/i, 3],
  [/^CrBrowserMain$/, 1],
];

export function isIdleThread(name: string): boolean {
  return IDLE_THREAD.test(name.trim());
}

function mainThreadRank(name: string): number {
  const trimmed = name.trim();
  if (IDLE_THREAD.test(trimmed) || CPU_TRACK.test(trimmed)) return -1;
  return MAIN_THREAD_RANKS.find(([pattern]) => pattern.test(trimmed))?.[1] ?? 0;
}

/**
 * Task-level intervals: the roots, or the children of wrapper frames like
 * "(root)". Their summed duration, idle frames excluded, is the thread's busy
 * time; those at least `longThreshold` long are its long tasks.
 */
export function taskLevel(
  t: ThreadTimeline,
  kinds: FrameKinds,
  parent: Int32Array = parentIndices(t),
  longThreshold = Infinity,
): { busy: number; long: number[] } {
  if (isIdleThread(t.name)) return { busy: 0, long: [] };
  const underWrappers = new Uint8Array(t.count);
  const long: number[] = [];
  let busy = 0;
  for (let i = 0; i < t.count; i++) {
    const p = parent[i];
    if (p >= 0 && underWrappers[p] === 0) continue;
    const role = kinds.role[t.frame[i]];
    if (role === FrameRole.Wrapper) {
      underWrappers[i] = 1;
      continue;
    }
    if (role === FrameRole.Idle) continue;
    const duration = t.end[i] - t.start[i];
    busy += duration;
    if (duration >= longThreshold) long.push(i);
  }
  return { busy, long };
}

/**
 * Among threads of one rank, the one the user profiled (it has CPU samples:
 * the Performance panel samples only the inspected page's renderer) before
 * a busier one, then the busier.
 */
function profiledFirst(a: { timeline: ThreadTimeline; busy: number }, b: { timeline: ThreadTimeline; busy: number }): number {
  return Number(b.timeline.sampleCount > 0) - Number(a.timeline.sampleCount > 0) || b.busy - a.busy;
}

export interface RankedThread {
  timeline: ThreadTimeline;
  busy: number;
  isMain: boolean;
}

/**
 * The threads with anything recorded, main thread first, then by busy time
 * (busiest first), then by name. `kinds` and the threads' parent links may be passed when the caller has them.
 */
export function rankThreads(
  profile: Profile,
  kinds: FrameKinds = classifyFrames(profile.frames),
  parentOf: (t: ThreadTimeline) => Int32Array = parentIndices,
): RankedThread[] {
  const candidates = profile.threads
    .filter((t) => t.count > 0 || t.markers.length > 0)
    .map((timeline) => ({ timeline, busy: taskLevel(timeline, kinds, parentOf(timeline)).busy, rank: mainThreadRank(timeline.name) }));
  let main = -1;
  candidates.forEach((c, i) => {
    if (c.rank < 0) return;
    const best = main >= 0 ? candidates[main] : undefined;
    if (!best || c.rank > best.rank || (c.rank === best.rank && profiledFirst(c, best) < 0)) main = i;
  });
  return candidates
    .map((c, i) => ({ timeline: c.timeline, busy: c.busy, isMain: i === main }))
    .sort((a, b) => Number(b.isMain) - Number(a.isMain) || b.busy - a.busy || a.timeline.name.localeCompare(b.timeline.name));
}

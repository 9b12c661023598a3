// Views of a thread that several tools need (parent links, per-function
// stats, the merged call tree, task list, subtree ends), computed once per
// timeline and kept as long as the timeline is: a model's next tool call on
// the same profile reuses them.
import { buildMergedCallTree, functionStats, intervalSelfTimes, parentIndices, type FunctionStats, type MergedCallTree } from '../model/call-tree.ts';
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { classifyFrames, type FrameKinds } from '../summary/frame-kinds.ts';
import { subtreeEnds, type ThreadViews } from '../summary/summarize-profile.ts';
import { rankThreads, taskLevel } from '../summary/thread-ranking.ts';

/**
 * The summary's views of one timeline (a thread, or a window's slice), each
 * computed on first use; the interval self times that the stats and the tree
 * both start from are computed once and dropped when both have them.
 */
export class TimelineViews {
  private parentLinks?: Int32Array;
  private selfTimes?: Float64Array;
  private functionStats?: FunctionStats;
  private mergedTree?: MergedCallTree;

  constructor(readonly timeline: ThreadTimeline) {}

  get parent(): Int32Array {
    return (this.parentLinks ??= parentIndices(this.timeline));
  }

  stats(frameCount: number): FunctionStats {
    this.functionStats ??= functionStats(this.timeline, frameCount, this.self());
    this.dropSelfTimes();
    return this.functionStats;
  }

  get tree(): MergedCallTree {
    this.mergedTree ??= buildMergedCallTree(this.timeline, this.self());
    this.dropSelfTimes();
    return this.mergedTree;
  }

  /** The three as summarizeProfile reads them, each computed when first read. */
  forSummary(frameCount: number): ThreadViews {
    // The getters below are `this` of the returned object; they read the views through this name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const views = this;
    return {
      get parent() {
        return views.parent;
      },
      get stats() {
        return views.stats(frameCount);
      },
      get tree() {
        return views.tree;
      },
    };
  }

  private self(): Float64Array {
    return (this.selfTimes ??= intervalSelfTimes(this.timeline, this.parent));
  }

  private dropSelfTimes(): void {
    if (this.functionStats && this.mergedTree) this.selfTimes = undefined;
  }
}

interface Derived {
  views: TimelineViews;
  ends?: Uint32Array;
  tasks?: Uint32Array;
  callCounts?: Uint32Array;
}

const byTimeline = new WeakMap<ThreadTimeline, Derived>();
const kindsByProfile = new WeakMap<Profile, FrameKinds>();
const mainByProfile = new WeakMap<Profile, ThreadTimeline | null>();

function derived(t: ThreadTimeline): Derived {
  let d = byTimeline.get(t);
  if (!d) byTimeline.set(t, (d = { views: new TimelineViews(t) }));
  return d;
}

/** The thread's views: its parents, stats and merged tree as the summary computes them. */
export function threadViews(t: ThreadTimeline): TimelineViews {
  return derived(t).views;
}

/**
 * For summarizeProfile's threadViews: the summary computes each thread's
 * views into these caches, so the tools start from them instead of again.
 */
export function keptThreadViews(profile: Profile): (t: ThreadTimeline) => ThreadViews {
  return (t) => threadViews(t).forSummary(profile.frames.length);
}

export function threadParents(t: ThreadTimeline): Int32Array {
  return derived(t).views.parent;
}

/** One past the last descendant of each interval. */
export function threadSubtreeEnds(t: ThreadTimeline): Uint32Array {
  const d = derived(t);
  return (d.ends ??= subtreeEnds(t));
}

/** The thread's tasks (the summary's task level: outermost calls below wrappers, idle excluded), in start order. */
export function threadTasks(profile: Profile, t: ThreadTimeline): Uint32Array {
  const d = derived(t);
  return (d.tasks ??= Uint32Array.from(taskLevel(t, profileFrameKinds(profile), threadParents(t), 0).long));
}

export function threadFunctionStats(profile: Profile, t: ThreadTimeline): FunctionStats {
  return derived(t).views.stats(profile.frames.length);
}

export function threadMergedTree(t: ThreadTimeline): MergedCallTree {
  return derived(t).views.tree;
}

/** How many intervals (calls) each node of the thread's merged tree holds. */
export function threadNodeCallCounts(t: ThreadTimeline): Uint32Array {
  const d = derived(t);
  if (d.callCounts) return d.callCounts;
  const tree = threadMergedTree(t);
  const counts = new Uint32Array(tree.count);
  for (let i = 0; i < t.count; i++) counts[tree.nodeOfInterval[i]]++;
  return (d.callCounts = counts);
}

export function profileFrameKinds(profile: Profile): FrameKinds {
  let kinds = kindsByProfile.get(profile);
  if (!kinds) kindsByProfile.set(profile, (kinds = classifyFrames(profile.frames)));
  return kinds;
}

/** The thread the summary calls the main thread (thread-ranking.ts), or null. */
export function profileMainThread(profile: Profile): ThreadTimeline | null {
  let main = mainByProfile.get(profile);
  if (main === undefined) {
    main = rankThreads(profile, profileFrameKinds(profile)).find((r) => r.isMain)?.timeline ?? null;
    mainByProfile.set(profile, main);
  }
  return main;
}

/**
 * Computes the threads' views ahead of the first tool call, the main thread's
 * first: hosts run it once the summary is out, in time nobody waits on, so no
 * call pays a pass over all of a thread's intervals (callers_and_callees and
 * a function's call tree read every thread's tree). Costs 8 bytes per interval.
 */
export function prepareThreadViews(profile: Profile): void {
  const main = profileMainThread(profile);
  const others = profile.threads.filter((t) => t !== main && t.count > 0);
  for (const t of main ? [main, ...others] : others) {
    threadFunctionStats(profile, t);
    threadNodeCallCounts(t);
  }
  if (main) {
    threadTasks(profile, main);
    threadSubtreeEnds(main);
  }
}

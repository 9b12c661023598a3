// Views of a thread that several tools need (parent links, per-function
// stats, the merged call tree), computed once per timeline and kept as long
// as the timeline is: a model's next tool call on the same profile reuses them.
import { buildMergedCallTree, functionStats, parentIndices, type FunctionStats, type MergedCallTree } from '../model/call-tree.ts';
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { classifyFrames, type FrameKinds } from '../summary/frame-kinds.ts';
import { rankThreads } from '../summary/thread-ranking.ts';

interface Derived {
  parent?: Int32Array;
  stats?: FunctionStats;
  tree?: MergedCallTree;
}

const byTimeline = new WeakMap<ThreadTimeline, Derived>();
const kindsByProfile = new WeakMap<Profile, FrameKinds>();
const mainByProfile = new WeakMap<Profile, ThreadTimeline | null>();

function derived(t: ThreadTimeline): Derived {
  let d = byTimeline.get(t);
  if (!d) byTimeline.set(t, (d = {}));
  return d;
}

export function threadParents(t: ThreadTimeline): Int32Array {
  const d = derived(t);
  return (d.parent ??= parentIndices(t));
}

export function threadFunctionStats(profile: Profile, t: ThreadTimeline): FunctionStats {
  const d = derived(t);
  return (d.stats ??= functionStats(t, profile.frames.length));
}

export function threadMergedTree(t: ThreadTimeline): MergedCallTree {
  const d = derived(t);
  return (d.tree ??= buildMergedCallTree(t));
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
 * Computes the main thread's views ahead of the first tool call: hosts run it
 * once the summary is out, in time nobody waits on, so the model's first
 * call on the main thread does not pay a pass over all its intervals.
 */
export function prepareMainThreadViews(profile: Profile): void {
  const main = profileMainThread(profile);
  if (!main) return;
  threadParents(main);
  threadFunctionStats(profile, main);
  threadMergedTree(main);
}

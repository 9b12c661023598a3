// Profile -> TraceSummary: what an expert reads first (busy threads, hot
// functions, hot paths, long tasks, GC, layout/paint, user timings). Every
// pass is a loop over the preorder interval arrays (no recursion, so
// 100k-deep stacks work) and linear in the number of intervals, apart from
// the small per-task walks down the dominant stack, which together touch each
// interval at most once.
import { SUMMARY_DEFAULTS } from './summary-defaults.ts';
import { abortedError } from '../errors.ts';
import { buildMergedCallTree, functionStats, intervalSelfTimes, parentIndices, type FunctionStats, type MergedCallTree } from '../model/call-tree.ts';
import type { FrameTable } from '../model/frame-table.ts';
import type { Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { CostKind, FrameRole, classifyFrames, costKindOfName, type FrameKinds } from './frame-kinds.ts';
import { summarizePage } from './summarize-page.ts';
import { rankThreads, taskLevel } from './thread-ranking.ts';
import type {
  FunctionSummary,
  GcSummary,
  HotPath,
  LayoutPaintSummary,
  LongTask,
  MarkerSummary,
  SummaryValueUnit,
  ThreadSummary,
  TraceSummary,
} from './summary-types.ts';

export interface SummarizeOptions {
  /** Tasks at least this long are "long tasks" (the RAIL / Web Vitals 50 ms). */
  longTaskThresholdMs?: number;
  /** Functions listed per thread, by self and by total time. */
  topFunctionCount?: number;
  hotPathCount?: number;
  /** Longest tasks listed per thread (all are counted). */
  maxLongTasks?: number;
  maxMarkers?: number;
  /** Busiest threads summarised; the rest are counted in omittedThreadCount. */
  maxThreads?: number;
  signal?: AbortSignal;
  /** Views of a thread the caller keeps (the trace tools' caches), read as needed: used instead of computing them again. */
  threadViews?: (t: ThreadTimeline) => ThreadViews;
}

/** The views of a thread the summary computes: parent links, per-function stats, the merged call tree. */
export interface ThreadViews {
  parent: Int32Array;
  stats: FunctionStats;
  tree: MergedCallTree;
}

export { SUMMARY_DEFAULTS } from './summary-defaults.ts';

/** Names longer than this are cut in the summary (minified bundles produce megabyte "names"). */
export const MAX_SUMMARY_NAME_CHARS = 300;
/** Paths deeper than this keep their outermost and innermost frames. */
const PATH_HEAD_FRAMES = 6;
const PATH_TAIL_FRAMES = 34;

/**
 * Formats whose samples are aggregated: each is a stack with a weight (a pprof sample, a collapsed-stacks
 * line), laid out one after another, not in time order.
 */
export const AGGREGATED_FORMATS: ReadonlySet<Profile['format']> = new Set(['pprof', 'collapsed-stacks']);

export function summarizeProfile(profile: Profile, options: SummarizeOptions = {}): TraceSummary {
  const settings = { ...SUMMARY_DEFAULTS, ...definedOnly(options) };
  const scale = unitScale(profile.unit);
  const hasTimeline = scale.isTime && !AGGREGATED_FORMATS.has(profile.format);
  const kinds = classifyFrames(profile.frames);
  const traceDuration = Math.max(0, profile.endTime - profile.startTime);
  const warnings = [...profile.warnings];

  // Busy time first (one cheap pass per thread) so only the busiest threads get the full treatment.
  const { threadViews } = settings;
  const ordered = rankThreads(profile, kinds, threadViews && ((t) => threadViews(t).parent));
  const emptyThreads = profile.threads.length - ordered.length;
  if (emptyThreads > 0) warnings.push(`${emptyThreads} thread(s) with nothing recorded are not listed.`);
  const kept = ordered.slice(0, settings.maxThreads);
  if (ordered.length > kept.length) {
    warnings.push(`Only the ${kept.length} busiest of ${ordered.length} threads are summarised.`);
  }

  const threads: ThreadSummary[] = [];
  for (const { timeline, isMain } of kept) {
    if (settings.signal?.aborted) throw abortedError();
    threads.push(summarizeThread(timeline, isMain, profile, kinds, scale, hasTimeline, traceDuration, settings));
  }

  let intervalCount = 0;
  for (const t of profile.threads) intervalCount += t.count;
  const page = profile.page && hasTimeline ? summarizePage(profile.page, profile.startTime, threads) : undefined;
  return {
    format: profile.format,
    fileName: profile.name,
    unit: profile.unit,
    valueUnit: scale.valueUnit,
    durationMs: scale.ms(traceDuration),
    durationValue: scale.value(traceDuration),
    ...(scale.isTime ? { startMs: round(profile.startTime / 1000, 3) } : {}),
    hasTimeline,
    threads,
    omittedThreadCount: profile.threads.length - threads.length,
    warnings,
    stats: {
      eventCount: profile.eventCount,
      frameCount: profile.frames.length,
      intervalCount,
      threadCount: profile.threads.length,
    },
    settings: { longTaskThresholdMs: settings.longTaskThresholdMs },
    ...(page && { page }),
  };
}

type Settings = Required<Omit<SummarizeOptions, 'signal' | 'threadViews'>> & Pick<SummarizeOptions, 'signal' | 'threadViews'>;

interface UnitScale {
  isTime: boolean;
  valueUnit: SummaryValueUnit;
  /** Profile units -> ms, or null when the profile has no clock. */
  ms(v: number): number | null;
  /** Profile units -> the summary's `*Value` unit. */
  value(v: number): number;
}

function unitScale(unit: Profile['unit']): UnitScale {
  if (unit === 'microseconds') {
    // Below a millisecond keep nanoseconds: traces of short calls (displayTimeUnit "ns") would read as all zeros.
    const toMs = (v: number) => round(v / 1000, Math.abs(v) < 1000 ? 6 : 3);
    return { isTime: true, valueUnit: 'ms', ms: toMs, value: toMs };
  }
  return { isTime: false, valueUnit: unit, ms: () => null, value: (v) => round(v, 3) };
}

function summarizeThread(
  t: ThreadTimeline,
  isMainThread: boolean,
  profile: Profile,
  kinds: FrameKinds,
  scale: UnitScale,
  hasTimeline: boolean,
  traceDuration: number,
  settings: Settings,
): ThreadSummary {
  const frames = profile.frames;
  const views = settings.threadViews?.(t) ?? computeViews(t, frames.length);
  const { parent, stats, tree } = views;
  const threshold = settings.longTaskThresholdMs * 1000;
  const tasks = taskLevel(t, kinds, parent, hasTimeline ? threshold : Infinity);
  const busy = tasks.busy;
  const percentOfBusy = (v: number) => percent(v, busy);

  // Functions.
  const isHotCandidate = (f: number) => kinds.role[f] === FrameRole.Normal;
  let functionCount = 0;
  let selfFunctionCount = 0;
  for (let f = 0; f < frames.length; f++) {
    if (!isHotCandidate(f)) continue;
    if (stats.total[f] > 0) functionCount++;
    if (stats.self[f] > 0) selfFunctionCount++;
  }
  const toFunction = (f: number): FunctionSummary => ({
    id: frames.idOf(f),
    name: clipName(frames.names[f]),
    ...sourceOf(frames, f),
    selfMs: scale.ms(stats.self[f]),
    selfValue: scale.value(stats.self[f]),
    selfPercent: percentOfBusy(stats.self[f]),
    totalMs: scale.ms(stats.total[f]),
    totalValue: scale.value(stats.total[f]),
    totalPercent: percentOfBusy(stats.total[f]),
  });
  const topFunctions = topIndices(stats.self, settings.topFunctionCount, isHotCandidate).map(toFunction);
  const topFunctionsByTotal = topIndices(stats.total, settings.topFunctionCount, isHotCandidate).map(toFunction);

  // Hot paths: merged call tree nodes where self time dominates (the path explains where the time went).
  const hotNodes = topIndices(tree.total, settings.hotPathCount, (node) => {
    return tree.self[node] * 2 >= tree.total[node] && isHotCandidate(tree.frame[node]);
  });
  const hotPaths: HotPath[] = hotNodes.map((node) => {
    const chain: number[] = [];
    for (let n = node; n >= 0; n = tree.parent[n]) chain.push(tree.frame[n]);
    chain.reverse();
    return {
      id: `path:${t.id}:${node}`,
      ...compactPath(chain, frames),
      ...sourceOf(frames, tree.frame[node]),
      totalMs: scale.ms(tree.total[node]),
      totalValue: scale.value(tree.total[node]),
      selfMs: scale.ms(tree.self[node]),
      selfValue: scale.value(tree.self[node]),
      percent: percentOfBusy(tree.total[node]),
    };
  });

  // Long tasks: the longest ones, listed in start order, each with its dominant stack.
  let longTaskTotal = 0;
  for (const i of tasks.long) longTaskTotal += t.end[i] - t.start[i];
  const listed =
    tasks.long.length > settings.maxLongTasks
      ? tasks.long
          .slice()
          .sort((a, b) => t.end[b] - t.start[b] - (t.end[a] - t.start[a]) || a - b)
          .slice(0, settings.maxLongTasks)
          .sort((a, b) => a - b)
      : tasks.long;
  const ends = listed.length > 0 ? subtreeEnds(t) : undefined;
  const longTasks = listed.map((i) => longTaskOf(profile, t, ends!, i));

  const costs = costTotals(t, kinds);
  const markers = summarizeMarkers(t, profile.startTime, hasTimeline, settings.maxMarkers, costs);

  return {
    id: t.id,
    name: t.name,
    ...(t.pid !== undefined ? { pid: t.pid } : {}),
    ...(t.tid !== undefined ? { tid: t.tid } : {}),
    isMainThread,
    busyMs: scale.ms(busy),
    busyValue: scale.value(busy),
    busyPercent: percent(busy, traceDuration),
    sampleCount: t.sampleCount,
    intervalCount: t.count,
    functionCount,
    selfFunctionCount,
    topFunctions,
    topFunctionsByTotal,
    hotPaths,
    longTasks,
    longTaskCount: tasks.long.length,
    longTaskTotalMs: round(longTaskTotal / 1000, 3),
    gc: gcSummary(costs, scale),
    layoutPaint: layoutPaintSummary(costs, scale),
    markers: markers.listed,
    omittedMarkerCount: markers.omitted,
  };
}

/** Parent links, then the self times both the stats and the tree need, computed once. */
export function computeViews(t: ThreadTimeline, frameCount: number): ThreadViews {
  const parent = parentIndices(t);
  const selfOfInterval = intervalSelfTimes(t, parent);
  return { parent, stats: functionStats(t, frameCount, selfOfInterval), tree: buildMergedCallTree(t, selfOfInterval) };
}

/** Task interval `i` of `t` as the summary lists it: id, times, name and dominant stack. `ends`: subtreeEnds(t). */
export function longTaskOf(profile: Profile, t: ThreadTimeline, ends: Uint32Array, i: number): LongTask {
  const frames = profile.frames;
  const dominant = dominantStack(t, ends, i);
  return {
    id: `task:${t.id}:${i}`,
    threadId: t.id,
    startMs: round((t.start[i] - profile.startTime) / 1000, 3),
    durMs: round((t.end[i] - t.start[i]) / 1000, 3),
    name: clipName(frames.names[t.frame[i]]),
    ...renameStack(compactPath(dominant.frames, frames)),
    ...sourceOf(frames, dominant.frames[dominant.frames.length - 1]),
    stackSelfMs: round(dominant.self / 1000, 3),
  };
}

/** Index one past the last descendant of each interval (preorder: descendants are contiguous). */
export function subtreeEnds(t: ThreadTimeline): Uint32Array {
  const ends = new Uint32Array(t.count);
  const open: number[] = [];
  for (let i = 0; i < t.count; i++) {
    const d = t.depth[i];
    while (open.length > 0 && t.depth[open[open.length - 1]] >= d) ends[open.pop()!] = i;
    open.push(i);
  }
  while (open.length > 0) ends[open.pop()!] = t.count;
  return ends;
}

/**
 * From a task down: at each level group the callees by function, step into
 * the one with the most time, and stop where the current function's own time
 * is at least that (time is spent here, or spread thin below).
 */
function dominantStack(t: ThreadTimeline, ends: Uint32Array, task: number): { frames: number[]; self: number } {
  const stackFrames = [t.frame[task]];
  let group = [task];
  for (;;) {
    let groupTotal = 0;
    let childrenTotal = 0;
    const byFrame = new Map<number, number>();
    for (const g of group) {
      groupTotal += t.end[g] - t.start[g];
      for (let c = g + 1; c < ends[g]; c = ends[c]) {
        const duration = t.end[c] - t.start[c];
        childrenTotal += duration;
        byFrame.set(t.frame[c], (byFrame.get(t.frame[c]) ?? 0) + duration);
      }
    }
    const self = Math.max(0, groupTotal - childrenTotal);
    let bestFrame = -1;
    let bestTotal = -1;
    for (const [frame, total] of byFrame) {
      if (total > bestTotal) {
        bestTotal = total;
        bestFrame = frame;
      }
    }
    if (bestFrame < 0 || self >= bestTotal) return { frames: stackFrames, self };
    const next: number[] = [];
    for (const g of group) {
      for (let c = g + 1; c < ends[g]; c = ends[c]) if (t.frame[c] === bestFrame) next.push(c);
    }
    stackFrames.push(bestFrame);
    group = next;
  }
}

interface CostTotals {
  /** Indexed by CostKind: time of outermost events of that kind (nested ones are inside it). */
  total: Float64Array;
  count: Uint32Array;
  longestGc: number;
}

function costTotals(t: ThreadTimeline, kinds: FrameKinds): CostTotals {
  const totals: CostTotals = { total: new Float64Array(5), count: new Uint32Array(5), longestGc: 0 };
  if (!kinds.anyCost) return totals;
  const onPath = new Uint32Array(5);
  // Cost kind of the open interval at each depth; typed, as this runs once per interval.
  let kindAtDepth = new Uint8Array(256);
  let open = 0;
  for (let i = 0; i < t.count; i++) {
    const d = t.depth[i];
    while (open > d) onPath[kindAtDepth[--open]]--;
    const kind = kinds.cost[t.frame[i]];
    if (kind !== CostKind.None && onPath[kind] === 0) {
      const duration = t.end[i] - t.start[i];
      totals.total[kind] += duration;
      totals.count[kind]++;
      if (kind === CostKind.Gc && duration > totals.longestGc) totals.longestGc = duration;
    }
    onPath[kind]++;
    if (open === kindAtDepth.length) {
      const grown = new Uint8Array(open * 2);
      grown.set(kindAtDepth);
      kindAtDepth = grown;
    }
    kindAtDepth[open++] = kind;
  }
  return totals;
}

/**
 * Markers in start order. GC/layout/paint markers (Gecko records those as
 * markers) are not listed but count as costs when no call did.
 */
function summarizeMarkers(
  t: ThreadTimeline,
  traceStart: number,
  hasTimeline: boolean,
  max: number,
  costs: CostTotals,
): { listed: MarkerSummary[]; omitted: number } {
  if (!hasTimeline || t.markers.length === 0) return { listed: [], omitted: 0 };
  const fromMarkers: CostTotals = { total: new Float64Array(5), count: new Uint32Array(5), longestGc: 0 };
  const plain = [];
  for (const m of t.markers) {
    const kind = costKindOfName(m.name, m.category);
    if (kind === CostKind.None) {
      plain.push(m);
      continue;
    }
    const duration = Math.max(0, m.end - m.start);
    fromMarkers.total[kind] += duration;
    fromMarkers.count[kind]++;
    if (kind === CostKind.Gc && duration > fromMarkers.longestGc) fromMarkers.longestGc = duration;
  }
  for (let kind = 1; kind < 5; kind++) {
    if (costs.count[kind] === 0 && fromMarkers.count[kind] > 0) {
      costs.total[kind] = fromMarkers.total[kind];
      costs.count[kind] = fromMarkers.count[kind];
      if (kind === CostKind.Gc) costs.longestGc = fromMarkers.longestGc;
    }
  }
  plain.sort((a, b) => a.start - b.start);
  const listed = plain.slice(0, max).map((m): MarkerSummary => ({
    name: clipName(m.name),
    ...(m.category !== undefined ? { category: m.category } : {}),
    startMs: round((m.start - traceStart) / 1000, 3),
    ...(m.end > m.start ? { durMs: round((m.end - m.start) / 1000, 3) } : {}),
  }));
  return { listed, omitted: plain.length - listed.length };
}

function gcSummary(costs: CostTotals, scale: UnitScale): GcSummary {
  return {
    totalMs: scale.ms(costs.total[CostKind.Gc]),
    totalValue: scale.value(costs.total[CostKind.Gc]),
    count: costs.count[CostKind.Gc],
    longestMs: scale.ms(costs.longestGc),
  };
}

function layoutPaintSummary(costs: CostTotals, scale: UnitScale): LayoutPaintSummary {
  const { total, count } = costs;
  return {
    layoutMs: scale.ms(total[CostKind.Layout]),
    paintMs: scale.ms(total[CostKind.Paint]),
    styleMs: scale.ms(total[CostKind.Style]),
    layoutValue: scale.value(total[CostKind.Layout]),
    paintValue: scale.value(total[CostKind.Paint]),
    styleValue: scale.value(total[CostKind.Style]),
    count: count[CostKind.Layout] + count[CostKind.Paint] + count[CostKind.Style],
  };
}

/** Indices of the k largest values (> 0) that pass `accept`, largest first; ties keep the lower index. */
function topIndices(values: ArrayLike<number>, k: number, accept: (index: number) => boolean): number[] {
  const top: number[] = [];
  if (k <= 0) return top;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > 0)) continue;
    if (top.length === k && v <= values[top[k - 1]]) continue;
    if (!accept(i)) continue;
    let at = top.length;
    while (at > 0 && values[top[at - 1]] < v) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

/** A frame's source file and line, when the trace has them (JS functions do). */
function sourceOf(frames: FrameTable, f: number): { file?: string; line?: number } {
  return {
    ...(frames.files[f] !== undefined ? { file: clipName(frames.files[f]) } : {}),
    ...(frames.lines[f] !== undefined ? { line: frames.lines[f] } : {}),
  };
}

/** A frame chain as names and ids, keeping both ends of very deep chains. */
function compactPath(chain: readonly number[], frames: FrameTable): { frames: string[]; frameIds: string[]; elidedFrameCount: number; elidedAfter: number } {
  const keep =
    chain.length <= PATH_HEAD_FRAMES + PATH_TAIL_FRAMES ? chain : [...chain.slice(0, PATH_HEAD_FRAMES), ...chain.slice(chain.length - PATH_TAIL_FRAMES)];
  const elided = chain.length - keep.length;
  return {
    frames: keep.map((f) => clipName(frames.names[f])),
    frameIds: keep.map((f) => frames.idOf(f)),
    elidedFrameCount: elided,
    elidedAfter: elided > 0 ? PATH_HEAD_FRAMES : 0,
  };
}

function renameStack(path: ReturnType<typeof compactPath>) {
  return { stack: path.frames, stackIds: path.frameIds, elidedFrameCount: path.elidedFrameCount, elidedAfter: path.elidedAfter };
}

/** Cuts a name to `max` characters (without splitting a surrogate pair), marking the cut with "…". */
export function clipName(name: string, max = MAX_SUMMARY_NAME_CHARS): string {
  if (name.length <= max) return name;
  let cut = max - 1;
  const code = name.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  return `${name.slice(0, cut)}…`;
}

function percent(part: number, whole: number): number {
  return whole > 0 ? round((part / whole) * 100, 2) : 0;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// The trace summary: what the desktop app shows next to the flame chart and
// what the cloud model reads (as JSON and as budgeted text). Plain JSON data
// only (no typed arrays, no Maps, no undefined-vs-missing subtleties that
// JSON.stringify would lose), so it crosses IPC, HTTP and Postgres unchanged.
//
// Units. Time-based profiles ('microseconds' internally) are reported in
// milliseconds in every `*Ms` field. Profiles whose weights are not time
// ('samples' from collapsed stacks, 'bytes' from allocation profiles) have no
// clock: their `*Ms` fields are null and the same quantities are in the
// `*Value` sibling fields, in `valueUnit`. For time profiles `*Value` equals
// `*Ms` and `valueUnit` is 'ms', so a view that only wants "a number and its
// unit" can always read `*Value` + `valueUnit`.
//
// Times (`startMs` of tasks and markers) are relative to the trace start;
// the absolute start, in the profile's own clock, is `TraceSummary.startMs`.
//
// Ids. Everything the UI can select carries a stable id: the same trace
// always yields the same ids.
//   function:  FrameTable.idOf(frameIndex), e.g. "fn12"
//   long task: "task:<threadId>:<intervalIndex>" (the task's interval in the thread timeline)
//   hot path:  "path:<threadId>:<mergedNodeIndex>" (the last node of the path in buildMergedCallTree)
import type { TraceFormat, WeightUnit } from '../model/profile.ts';
import type { MetricRating } from '../page/page-types.ts';

/** Unit of every `*Value` field. */
export type SummaryValueUnit = 'ms' | 'samples' | 'bytes';

export interface TraceSummary {
  format: TraceFormat;
  fileName: string;
  /** The profile's weight unit as imported. */
  unit: WeightUnit;
  /** Unit of the `*Value` fields: 'ms' for time profiles. */
  valueUnit: SummaryValueUnit;
  /** Span of the trace; null when the profile has no clock. */
  durationMs: number | null;
  /** Sum of all weights over the span (equals durationMs for time profiles). */
  durationValue: number;
  /** Trace start in the profile's clock, in ms (absent when the profile has no clock). */
  startMs?: number;
  /**
   * False for aggregated formats (pprof, collapsed stacks): their samples are
   * laid out one after another, not in time order, so there are no long tasks
   * or markers, and positions on the time axis mean nothing.
   */
  hasTimeline: boolean;
  /** Most important first: the main thread, then by busy time. */
  threads: ThreadSummary[];
  /** Threads with nothing in them, or beyond the thread cap, that are not listed. */
  omittedThreadCount: number;
  /** Importer warnings followed by the summariser's own. */
  warnings: string[];
  stats: SummaryStats;
  /** Settings the summary was computed with, so readers know what "long" meant. */
  settings: { longTaskThresholdMs: number };
  /** What the recording says about a web page (Chrome traces of a page loading or in use). */
  page?: PageSummary;
}

/**
 * A web page's load and responsiveness, compact. Milestones are ms since their
 * navigation's start (null when the trace lacks them); `startMs` fields are
 * relative to the trace start, like long tasks. Ids are those of PageInsights:
 * "nav1", "req3", "shift2", "cluster2", "int1". The CLI's --json prints this
 * as `page` (fcpMs, lcpMs, dclMs, loadMs, cls, inpMs, network.requests and
 * network.renderBlocking are its documented names).
 */
export interface PageSummary {
  /** The first navigations (see omittedNavigationCount). */
  navigations: PageNavigationSummary[];
  omittedNavigationCount: number;
  /** Largest layout shift session window of the whole recording; null without shifts. */
  cls: number | null;
  clsRating?: MetricRating;
  /** INP of the whole recording; null without interactions. */
  inpMs: number | null;
  inpRating?: MetricRating;
  inpInteractionId?: string;
  network: {
    requests: number;
    /** Requests that blocked a first paint, over all navigations. */
    renderBlocking: number;
    /** Bytes over the network (encoded) of all finished requests. */
    transferBytes: number;
    /** The longest requests, longest first. */
    slowest: PageRequestSummary[];
  };
  worstShiftCluster?: {
    id: string;
    startMs: number;
    score: number;
    rating: MetricRating;
    shiftCount: number;
    /** Its largest shifts, largest first. */
    largestShiftIds: string[];
  };
  slowestInteraction?: {
    id: string;
    type: string;
    startMs: number;
    durationMs: number;
    rating: MetricRating;
    inputDelayMs: number;
    processingMs: number;
    presentationDelayMs: number;
    /** The longest listed long task overlapping it, where one does. */
    longTaskId?: string;
  };
  interactionCount: number;
  layoutShiftCount: number;
  /** What the trace lacks (PageInsights.missing, the first few). */
  missing: string[];
}

export interface PageNavigationSummary {
  id: string;
  url: string;
  startMs: number;
  fcpMs: number | null;
  lcpMs: number | null;
  dclMs: number | null;
  loadMs: number | null;
  /** Its largest layout shift window. */
  cls: number | null;
  inpMs: number | null;
  /** Web Vitals bands of the metrics that have them, where known. */
  ratings: { fcp?: MetricRating; lcp?: MetricRating; cls?: MetricRating; inp?: MetricRating };
  lcp?: {
    /** "text", "image" or the node name. */
    element?: string;
    /** The image's URL for an image LCP. */
    url?: string;
    requestId?: string;
    /** DevTools' LCP breakdown; the parts add up to lcpMs. */
    breakdown?: { ttfbMs: number; loadDelayMs: number; loadDurationMs: number; renderDelayMs: number };
  };
  inpInteractionId?: string;
  /** Requests that blocked its first paint, longest first (the first few; see renderBlockingCount). */
  renderBlocking: PageRequestSummary[];
  renderBlockingCount: number;
}

export interface PageRequestSummary {
  id: string;
  url: string;
  startMs: number;
  durationMs: number;
  /** Time to the first response byte. */
  ttfbMs?: number;
  status?: number;
  mimeType?: string;
  priority?: string;
  renderBlocking?: string;
  /** Encoded (network) size. */
  transferBytes?: number;
}

export interface SummaryStats {
  /** Raw input events or samples the importer read. */
  eventCount: number;
  /** Distinct functions (interned frames). */
  frameCount: number;
  /** Call intervals over all threads. */
  intervalCount: number;
  threadCount: number;
}

export interface ThreadSummary {
  /** ThreadTimeline.id */
  id: string;
  name: string;
  pid?: number;
  tid?: number;
  isMainThread: boolean;
  /** Time the thread ran something: task-level calls, idle frames ("(idle)", "(program)") excluded. */
  busyMs: number | null;
  busyValue: number;
  /** busy as a percentage of the trace duration. */
  busyPercent: number;
  /** Sampled profiles: number of samples; aggregated ones (pprof, collapsed stacks): number of weighted stacks. 0 for evented traces. */
  sampleCount: number;
  intervalCount: number;
  /** Distinct functions that ran on this thread (idle and synthetic root frames not counted). */
  functionCount: number;
  /** Of those, the ones with self time: what topFunctions was chosen from. */
  selfFunctionCount: number;
  /** Top functions by self time, heaviest first. Percentages are of this thread's busy time. */
  topFunctions: FunctionSummary[];
  /** Top functions by total (inclusive) time, heaviest first. */
  topFunctionsByTotal: FunctionSummary[];
  /** Call paths that end where time is spent (self-dominated merged call tree nodes), heaviest first. */
  hotPaths: HotPath[];
  /** Tasks longer than the threshold (the longest ones, listed in start order). Empty without a timeline. */
  longTasks: LongTask[];
  /** All tasks over the threshold, including any not listed. */
  longTaskCount: number;
  longTaskTotalMs: number;
  gc: GcSummary;
  layoutPaint: LayoutPaintSummary;
  /** User timings and other markers, in start order (capped; see omittedMarkerCount). */
  markers: MarkerSummary[];
  omittedMarkerCount: number;
}

export interface FunctionSummary {
  /** FrameTable.idOf(frameIndex) */
  id: string;
  name: string;
  file?: string;
  line?: number;
  selfMs: number | null;
  selfValue: number;
  selfPercent: number;
  /** Time with the function anywhere on the stack (recursion counted once). */
  totalMs: number | null;
  totalValue: number;
  totalPercent: number;
}

export interface HotPath {
  id: string;
  /** Function names, outermost first. Very deep paths keep their ends; see elidedFrameCount. */
  frames: string[];
  /** Function ids matching `frames`. */
  frameIds: string[];
  /** Number of frames left out of `frames` after index `elidedAfter` (0 when complete). */
  elidedFrameCount: number;
  elidedAfter: number;
  /** Source of the path's last function, when the trace has one (a JS function's script). */
  file?: string;
  line?: number;
  /** Time in the path's last node (inclusive). */
  totalMs: number | null;
  totalValue: number;
  /** Self time of the last node. */
  selfMs: number | null;
  selfValue: number;
  /** total as a percentage of the thread's busy time. */
  percent: number;
}

export interface LongTask {
  id: string;
  threadId: string;
  /** Relative to the trace start. */
  startMs: number;
  durMs: number;
  /** Name of the task's own frame (e.g. "RunTask", or the entry function in a sampled profile). */
  name: string;
  /** Dominant stack from the task down, outermost first: at each level the callee with the most time, until self time dominates. */
  stack: string[];
  stackIds: string[];
  elidedFrameCount: number;
  elidedAfter: number;
  /** Source of the stack's innermost function, when the trace has one (a JS function's script). */
  file?: string;
  line?: number;
  /** Self time of the innermost frame of `stack` within this task. */
  stackSelfMs: number;
}

export interface GcSummary {
  totalMs: number | null;
  totalValue: number;
  /** Number of (outermost) GC events or GC runs. */
  count: number;
  longestMs: number | null;
}

export interface LayoutPaintSummary {
  layoutMs: number | null;
  paintMs: number | null;
  styleMs: number | null;
  layoutValue: number;
  paintValue: number;
  styleValue: number;
  /** Number of (outermost) layout, paint and style events. */
  count: number;
}

export interface MarkerSummary {
  name: string;
  category?: string;
  /** Relative to the trace start. */
  startMs: number;
  /** Absent for instant markers. */
  durMs?: number;
}

/** The CLI's --json output and what the cloud receives: the summary plus its budgeted text. */
export interface TraceSummaryWithText extends TraceSummary {
  text: string;
  /** Tokens of `text` (o200k_base). */
  tokens: number;
}

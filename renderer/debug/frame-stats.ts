// Draw-time statistics for benchmarks and end-to-end tests, exposed read-only
// as window.__traceAnalyserDebug (with the chat's latency). Records only;
// nothing reads it back to change behaviour.
import { chatTurnTimings, type ChatTurnTiming } from './chat-latency.ts';

const MAX_SAMPLES = 10_000;

/** The last MAX_SAMPLES draw times of one kind of canvas, numbered from the first. */
class DrawSeries {
  private readonly ms: number[] = [];
  count = 0;
  record(ms: number): void {
    if (this.ms.length >= MAX_SAMPLES) this.ms.splice(0, this.ms.length - MAX_SAMPLES + 1);
    this.ms.push(ms);
    this.count++;
  }
  /** Statistics of the draws numbered `since` and later. */
  stats(since = 0): { count: number; medianMs: number; p95Ms: number; maxMs: number } {
    const sorted = this.ms.slice(Math.max(0, since - (this.count - this.ms.length))).sort((a, b) => a - b);
    return { count: sorted.length, medianMs: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95), maxMs: sorted.length ? sorted[sorted.length - 1] : 0 };
  }
}

const chartDraws = new DrawSeries();
const pageTrackDraws = new DrawSeries();
let firstFrameAt: number | null = null;
export interface DrawRecord {
  chartId: string;
  rects: number;
  mergedRuns: number;
  labels: number;
}
let lastDraw: DrawRecord | null = null;

export function recordDraw(chartId: string, ms: number, rects: number, mergedRuns: number, labels: number): void {
  chartDraws.record(ms);
  lastDraw = { chartId, rects, mergedRuns, labels };
  if (firstFrameAt === null && rects + mergedRuns > 0) firstFrameAt = performance.now();
}

/** One draw of the page track (kept apart from the charts' draws, which tests wait on). */
export function recordPageTrackDraw(ms: number): void {
  pageTrackDraws.record(ms);
}

export interface LoadTiming {
  fileName: string;
  /** performance.now() when the user chose or dropped the file (null: opened by the host). */
  requestedAt: number | null;
  /** When the loaded trace arrived from the host. */
  loadedAt: number;
  /** The host's own import time (read, parse, build, encode), as it reported it. */
  hostImportMs: number;
  /** When the trace's summary arrived (null until it does). */
  summaryAt: number | null;
}
let requestedAt: number | null = null;
let lastLoad: LoadTiming | null = null;

export function recordImportRequested(): void {
  requestedAt = performance.now();
}

/** A new trace arrived: it starts a new "first frame" measurement. */
export function recordTraceArrived(fileName: string, hostImportMs: number): void {
  lastLoad = { fileName, requestedAt, loadedAt: performance.now(), hostImportMs, summaryAt: null };
  requestedAt = null;
  firstFrameAt = null;
}

/** The summary of the last trace that arrived is now shown. */
export function recordSummaryArrived(): void {
  if (lastLoad) lastLoad.summaryAt = performance.now();
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export interface TraceAnalyserDebug {
  readonly drawCount: number;
  /** Zoom window of every chart that has been zoomed, by chart id (copies). */
  readonly viewports: Record<string, { x0: number; x1: number; scrollY: number }>;
  /** performance.now() of the first chart frame with blocks after the last load. */
  readonly firstFrameAt: number | null;
  readonly lastLoad: LoadTiming | null;
  readonly lastDraw: DrawRecord | null;
  /** Draw times of the draws numbered sinceDraw and later (see drawCount). */
  drawStats(sinceDraw?: number): { count: number; medianMs: number; p95Ms: number; maxMs: number };
  readonly pageTrackDrawCount: number;
  /** The same for the page track's draws (numbered by pageTrackDrawCount). */
  pageTrackDrawStats(sinceDraw?: number): { count: number; medianMs: number; p95Ms: number; maxMs: number };
  /** Chat turns from question sent to first answer character painted, oldest first. */
  readonly chatTurns: ChatTurnTiming[];
}

export function installDebugHooks(target: Window, viewports: () => TraceAnalyserDebug['viewports']): void {
  const api: TraceAnalyserDebug = {
    get drawCount() {
      return chartDraws.count;
    },
    get pageTrackDrawCount() {
      return pageTrackDraws.count;
    },
    get viewports() {
      return structuredClone(viewports());
    },
    get firstFrameAt() {
      return firstFrameAt;
    },
    get lastLoad() {
      return lastLoad ? { ...lastLoad } : null;
    },
    get lastDraw() {
      return lastDraw ? { ...lastDraw } : null;
    },
    get chatTurns() {
      return chatTurnTimings();
    },
    drawStats(sinceDraw = 0) {
      return chartDraws.stats(sinceDraw);
    },
    pageTrackDrawStats(sinceDraw = 0) {
      return pageTrackDraws.stats(sinceDraw);
    },
  };
  Object.defineProperty(target, '__traceAnalyserDebug', { value: Object.freeze(api), writable: false, configurable: false });
}

import { doubled, resized, trimmed } from './growable-arrays.ts';

/**
 * One thread's calls as intervals in preorder: sorted by start, every parent
 * before its children, depth 0 for roots. This is exactly what a time-ordered
 * flame chart draws, and every other view (left heavy, sandwich, summary) is
 * derived from it without recursion.
 *
 * Times are in the profile's unit (microseconds for time-based profiles).
 */
export interface ThreadTimeline {
  /** Stable id within the profile, e.g. "p123:t456" or "t0". */
  id: string;
  name: string;
  pid?: number;
  tid?: number;
  /** Number of intervals. */
  count: number;
  frame: Uint32Array;
  start: Float64Array;
  end: Float64Array;
  depth: Uint32Array;
  /** Span the thread was observed for (may be wider than its intervals). */
  startTime: number;
  endTime: number;
  /** Instant and range markers: user timings, navigation, console.time... */
  markers: Marker[];
  /** Sample count for sampled profiles, 0 for evented ones. */
  sampleCount: number;
}

export interface Marker {
  name: string;
  category?: string;
  start: number;
  /** Equal to start for instant markers. */
  end: number;
}

export interface TimelineBuilderOptions {
  id: string;
  name: string;
  pid?: number;
  tid?: number;
  /** Expected number of intervals, when the importer knows it: avoids growing (and briefly doubling) large arrays. */
  capacity?: number;
}

/** How many calls TimelineBuilder.sample(stack) opens right after sample(previous): the frames below their shared outer part. */
export function framesOpenedAfter(previous: ArrayLike<number>, stack: ArrayLike<number>): number {
  let common = 0;
  const shared = Math.min(previous.length, stack.length);
  while (common < shared && previous[common] === stack[common]) common++;
  return stack.length - common;
}

/**
 * Builds a ThreadTimeline from ordered enter/leave calls or from samples.
 * An interval's slot is taken when it is entered, which is what makes the
 * output preorder. Timestamps going backwards are clamped (and counted) rather
 * than producing negative durations.
 */
export class TimelineBuilder {
  // The intervals as plain typed arrays with one shared length: enter() is
  // called once per call or stack change, so it writes them directly rather
  // than through four growable arrays each checking its own capacity.
  private frames: Uint32Array;
  private starts: Float64Array;
  private ends: Float64Array;
  private depths: Uint32Array;
  private count = 0;
  /** Interval indices of the open calls, outermost first. */
  private open = new Uint32Array(64);
  private openLength = 0;
  private readonly markers: Marker[] = [];
  private firstTs = Infinity;
  private lastTs = -Infinity;
  private markerStart = Infinity;
  private markerEnd = -Infinity;
  private samples = 0;
  /** How many timestamps went backwards and were clamped. */
  clampedTimestamps = 0;
  name: string;

  constructor(readonly options: TimelineBuilderOptions) {
    this.name = options.name;
    const capacity = Math.max(16, options.capacity ?? 1024);
    this.frames = new Uint32Array(capacity);
    this.starts = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
    this.depths = new Uint32Array(capacity);
  }

  get openDepth(): number {
    return this.openLength;
  }

  get intervalCount(): number {
    return this.count;
  }

  /** Intervals the arrays have room for. */
  get capacity(): number {
    return this.frames.length;
  }

  /** Frame index of the innermost open call, or -1. */
  topFrame(): number {
    return this.openLength === 0 ? -1 : this.frames[this.open[this.openLength - 1]];
  }

  /** Frame index of the open call at the given depth (0 = outermost). */
  frameAtDepth(depth: number): number {
    return this.frames[this.open[depth]];
  }

  private clamp(ts: number): number {
    if (ts >= this.lastTs) {
      if (this.firstTs === Infinity) this.firstTs = ts;
      this.lastTs = ts;
      return ts;
    }
    // Backwards, or NaN.
    this.clampedTimestamps++;
    if (Number.isNaN(ts) && this.lastTs === -Infinity) return 0;
    return this.lastTs;
  }

  enter(frame: number, ts: number): void {
    ts = this.clamp(ts);
    const index = this.count;
    if (index === this.frames.length) this.grow();
    this.frames[index] = frame;
    this.starts[index] = ts;
    this.ends[index] = ts;
    this.depths[index] = this.openLength;
    this.count = index + 1;
    if (this.openLength === this.open.length) this.open = doubled(this.open);
    this.open[this.openLength++] = index;
  }

  /** Closes the innermost open call. Returns false when nothing was open. */
  leave(ts: number): boolean {
    if (this.openLength === 0) return false;
    ts = this.clamp(ts);
    this.ends[this.open[--this.openLength]] = ts;
    return true;
  }

  /**
   * Records that `stack` (frame indices, outermost first) was running from
   * `ts` on: calls not shared with the previous sample are closed at `ts`, new
   * ones opened at `ts`.
   */
  sample(stack: ArrayLike<number>, ts: number): void {
    this.sampleAbove(0, stack, 0, ts);
  }

  /**
   * sample() above the `base` outermost open calls, which stay open: calls
   * above them not shared with `stack[from..]` are closed at `ts`, the rest
   * of it opened at `ts`. For samples nested in calls from another source
   * (a trace event the sampled stack ran inside).
   */
  sampleAbove(base: number, stack: ArrayLike<number>, from: number, ts: number): void {
    ts = this.clamp(ts);
    this.samples++;
    let common = 0;
    const openLength = this.openLength;
    const frames = this.frames;
    const open = this.open;
    const wanted = stack.length - from;
    while (base + common < openLength && common < wanted && frames[open[base + common]] === stack[from + common]) common++;
    while (this.openLength > base + common) this.leave(ts);
    for (let i = from + common; i < stack.length; i++) this.enter(stack[i], ts);
  }

  /**
   * The stack of the previous sample() again, from `ts` on: for a caller that
   * knows it is the same, this skips comparing it frame by frame.
   */
  repeatSample(ts: number): void {
    this.clamp(ts);
    this.samples++;
  }

  private grow(): void {
    this.frames = doubled(this.frames);
    this.starts = doubled(this.starts);
    this.ends = doubled(this.ends);
    this.depths = doubled(this.depths);
  }

  /**
   * Makes room for exactly `more` intervals beyond those entered so far, when
   * the caller can count them: growing by doubling, then trimming, writes
   * each large array about three times over, into fresh memory each time.
   */
  reserve(more: number): void {
    const needed = this.count + more;
    if (needed <= this.frames.length) return;
    this.frames = resized(this.frames, needed);
    this.starts = resized(this.starts, needed);
    this.ends = resized(this.ends, needed);
    this.depths = resized(this.depths, needed);
  }

  addMarker(marker: Marker): void {
    // Markers widen the observed span but do not take part in call ordering.
    this.markers.push(marker);
    if (marker.start < this.markerStart) this.markerStart = marker.start;
    if (marker.end > this.markerEnd) this.markerEnd = marker.end;
  }

  /** Closes every open call at `endTs` (default: the last timestamp seen). */
  finish(endTs?: number): ThreadTimeline {
    const closeAt = endTs !== undefined && endTs >= this.lastTs ? endTs : this.lastTs;
    while (this.openLength > 0) this.leave(closeAt);
    const count = this.count;
    const startTime = Math.min(count > 0 ? this.firstTs : Infinity, this.markerStart);
    const endTime = Math.max(count > 0 ? closeAt : -Infinity, this.markerEnd);
    const empty = startTime === Infinity;
    return {
      id: this.options.id,
      name: this.name,
      pid: this.options.pid,
      tid: this.options.tid,
      count,
      frame: trimmed(this.frames, count),
      start: trimmed(this.starts, count),
      end: trimmed(this.ends, count),
      depth: trimmed(this.depths, count),
      startTime: empty ? 0 : startTime,
      endTime: empty ? 0 : endTime,
      markers: this.markers,
      sampleCount: this.samples,
    };
  }
}

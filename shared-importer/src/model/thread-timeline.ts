import { GrowableFloat64, GrowableUint32 } from './growable-arrays.ts';

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

/**
 * Builds a ThreadTimeline from ordered enter/leave calls or from samples.
 * An interval's slot is taken when it is entered, which is what makes the
 * output preorder. Timestamps going backwards are clamped (and counted) rather
 * than producing negative durations.
 */
export class TimelineBuilder {
  private readonly frames: GrowableUint32;
  private readonly starts: GrowableFloat64;
  private readonly ends: GrowableFloat64;
  private readonly depths: GrowableUint32;
  /** Interval indices of the open calls, outermost first. */
  private readonly open = new GrowableUint32(64);
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
    this.frames = new GrowableUint32(capacity);
    this.starts = new GrowableFloat64(capacity);
    this.ends = new GrowableFloat64(capacity);
    this.depths = new GrowableUint32(capacity);
  }

  get openDepth(): number {
    return this.open.length;
  }

  get intervalCount(): number {
    return this.frames.length;
  }

  /** Frame index of the innermost open call, or -1. */
  topFrame(): number {
    return this.open.length === 0 ? -1 : this.frames.data[this.open.data[this.open.length - 1]];
  }

  /** Frame index of the open call at the given depth (0 = outermost). */
  frameAtDepth(depth: number): number {
    return this.frames.data[this.open.data[depth]];
  }

  private clamp(ts: number): number {
    if (Number.isNaN(ts)) {
      this.clampedTimestamps++;
      return this.lastTs === -Infinity ? 0 : this.lastTs;
    }
    if (ts < this.lastTs) {
      this.clampedTimestamps++;
      return this.lastTs;
    }
    if (this.firstTs === Infinity) this.firstTs = ts;
    this.lastTs = ts;
    return ts;
  }

  enter(frame: number, ts: number): void {
    ts = this.clamp(ts);
    const index = this.frames.push(frame);
    this.starts.push(ts);
    this.ends.push(ts);
    this.depths.push(this.open.length);
    this.open.push(index);
  }

  /** Closes the innermost open call. Returns false when nothing was open. */
  leave(ts: number): boolean {
    if (this.open.length === 0) return false;
    ts = this.clamp(ts);
    const index = this.open.data[--this.open.length];
    this.ends.data[index] = ts;
    return true;
  }

  /**
   * Records that `stack` (frame indices, outermost first) was running from
   * `ts` on: calls not shared with the previous sample are closed at `ts`, new
   * ones opened at `ts`.
   */
  sample(stack: ArrayLike<number>, ts: number): void {
    ts = this.clamp(ts);
    this.samples++;
    let common = 0;
    const openLength = this.open.length;
    while (
      common < openLength &&
      common < stack.length &&
      this.frames.data[this.open.data[common]] === stack[common]
    ) {
      common++;
    }
    while (this.open.length > common) this.leave(ts);
    for (let i = common; i < stack.length; i++) this.enter(stack[i], ts);
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
    while (this.open.length > 0) this.leave(closeAt);
    const count = this.frames.length;
    const startTime = Math.min(count > 0 ? this.firstTs : Infinity, this.markerStart);
    const endTime = Math.max(count > 0 ? closeAt : -Infinity, this.markerEnd);
    const empty = startTime === Infinity;
    return {
      id: this.options.id,
      name: this.name,
      pid: this.options.pid,
      tid: this.options.tid,
      count,
      frame: this.frames.trimmed(),
      start: this.starts.trimmed(),
      end: this.ends.trimmed(),
      depth: this.depths.trimmed(),
      startTime: empty ? 0 : startTime,
      endTime: empty ? 0 : endTime,
      markers: this.markers,
      sampleCount: this.samples,
    };
  }
}

// One thread's duration events (B, E, X) as read from a trace, stored
// compactly, then turned into a ThreadTimeline.
//
// Traces are not guaranteed to be ordered or balanced. The rules, which follow
// speedscope's trace-event importer where it has one:
// - B events are taken in timestamp order (file order among equal times);
//   X events in timestamp order, longer first among equal times (a longer
//   call cannot nest in a shorter one), then file order. Among equal times B
//   comes before X.
// - E events are taken in timestamp order. At equal times an E is taken before
//   a begin, unless it closes the very call that begin opens (a zero-duration
//   B/E pair), as speedscope does; we also take it first when it closes the
//   innermost open call (speedscope tells those apart by args, which we skip). An E closes the innermost open B call; if
//   that call's name differs, another E at the same time that matches (by
//   frame, then by name) is taken first; an E matching nothing is ignored.
// - An X call ends by itself at ts + dur. Calls opened inside it and still
//   open then are closed with it. An X reaching past an enclosing X's end is
//   cut at that end (its true extent cannot nest).
// - Calls still open at the end are closed at the last timestamp seen.
// Every workaround is counted and reported as a warning.
import { TimelineBuilder, type ThreadTimeline } from '../model/thread-timeline.ts';

/**
 * Records of one event kind in file order: B and E events as [ts, frame]
 * pairs, X events as [ts, duration, frame] triples, in pages rather than one
 * growing array, so a push never copies the records before it (growing
 * re-wrote every event about twice) and the build reads the pages in place.
 * Pages are small at first (many threads have few events) and capped in size.
 */
export class EventRecords {
  pages: Float64Array[] = [];
  /** The page being filled, and where its next record goes. */
  page: Float64Array;
  at = 0;
  count = 0;

  constructor(readonly stride: number) {
    this.page = new Float64Array(stride * FIRST_PAGE_RECORDS);
    this.pages.push(this.page);
  }

  /** Appends a [time, frame] record (stride 2). */
  pushPair(time: number, frame: number): void {
    const at = this.add();
    this.page[at] = time;
    this.page[at + 1] = frame;
  }

  /** Appends a [time, duration, frame] record (stride 3). */
  pushTriple(time: number, duration: number, frame: number): void {
    const at = this.add();
    this.page[at] = time;
    this.page[at + 1] = duration;
    this.page[at + 2] = frame;
  }

  /** Position in `page` for one more record. */
  private add(): number {
    if (this.at === this.page.length) this.addPage();
    const at = this.at;
    this.at = at + this.stride;
    this.count++;
    return at;
  }

  /** Frees the records (readers keep the pages they took). */
  release(): void {
    this.pages = [];
    this.page = new Float64Array(0);
    this.at = this.count = 0;
  }

  private addPage(): void {
    this.page = new Float64Array(Math.min(this.page.length * 2, this.stride * PAGE_RECORDS));
    this.pages.push(this.page);
    this.at = 0;
  }
}

const FIRST_PAGE_RECORDS = 256;
/**
 * 256-384 KiB pages. Pages of 16-24 KiB imported no faster, and raised the
 * peak RSS of a 1 GB import from ~400 to ~465 MB: freed small blocks stay in
 * malloc's heap while the timelines are built in fresh memory.
 */
const PAGE_RECORDS = 16384;

/**
 * Raw B/E/X events of one thread, by kind: the build takes each kind in time
 * order on its own, and traces are usually written in that order already, so
 * the build then reads them as they are. An event takes 16 or 24 bytes.
 */
export class ThreadEventStore {
  readonly begins = new EventRecords(2);
  readonly ends = new EventRecords(2);
  readonly completes = new EventRecords(3);

  pushBegin(ts: number, frame: number): void {
    this.begins.pushPair(ts, frame);
  }

  pushEnd(ts: number, frame: number): void {
    this.ends.pushPair(ts, frame);
  }

  pushComplete(ts: number, duration: number, frame: number): void {
    this.completes.pushTriple(ts, duration, frame);
  }

  /** Frees the raw events once built. */
  release(): void {
    this.begins.release();
    this.ends.release();
    this.completes.release();
  }
}

/**
 * Walks one kind's records in build order, exposing the current record's
 * fields (done when past the last). The frame is a record's last number.
 */
class RecordReader {
  time = 0;
  duration = 0;
  frame = 0;
  done: boolean;
  private pageIndex = 0;
  private page: Float64Array;
  private at = 0;
  private left: number;

  constructor(
    private readonly pages: Float64Array[],
    count: number,
    private readonly stride: number,
  ) {
    this.page = pages[0];
    this.left = count;
    this.done = count === 0;
    if (!this.done) this.load();
  }

  next(): void {
    if (--this.left === 0) {
      this.done = true;
      return;
    }
    this.at += this.stride;
    if (this.at === this.page.length) {
      this.page = this.pages[++this.pageIndex];
      this.at = 0;
    }
    this.load();
  }

  /**
   * Swaps the current record with the first later one at time `t` (the
   * records right after it) whose frame passes `matches`. False when none does.
   */
  swapWithLater(t: number, matches: (frame: number) => boolean): boolean {
    const stride = this.stride;
    let pageIndex = this.pageIndex;
    let page = this.page;
    let at = this.at;
    for (let left = this.left - 1; left > 0; left--) {
      at += stride;
      if (at === page.length) {
        page = this.pages[++pageIndex];
        at = 0;
      }
      if (page[at] !== t) return false;
      if (matches(page[at + stride - 1])) {
        // Whole records: equal times may still differ in sign (0 and -0).
        for (let k = 0; k < stride; k++) {
          const tmp = page[at + k];
          page[at + k] = this.page[this.at + k];
          this.page[this.at + k] = tmp;
        }
        this.load();
        return true;
      }
    }
    return false;
  }

  private load(): void {
    const page = this.page;
    const at = this.at;
    this.time = page[at];
    if (this.stride === 3) {
      this.duration = page[at + 1];
      this.frame = page[at + 2];
    } else {
      this.frame = page[at + 1];
    }
  }
}

export interface TimelineRepairs {
  /** E events with nothing open to close. */
  unmatchedEnds: number;
  /** E events whose name matched no open call at the top of the stack. */
  mismatchedEnds: number;
  /** B calls never closed, closed at the end of the trace. */
  unclosedBegins: number;
  /** X calls reaching past an enclosing X, cut at its end. */
  overlappingCompletes: number;
  /** B calls still open when an enclosing X ended, closed with it. */
  beginsClosedByComplete: number;
}

export interface EventTimelineOptions {
  id: string;
  name: string;
  pid?: number;
  tid?: number;
  /** Name id of each frame: E events match open calls by frame first, then by name. */
  frameNames: ArrayLike<number>;
}

/** Builds the thread's timeline; the store may be dropped afterwards. */
export function buildEventTimeline(store: ThreadEventStore, options: EventTimelineOptions): { timeline: ThreadTimeline; repairs: TimelineRepairs } {
  const capacity = store.begins.count + store.completes.count;
  const begins = readerInBuildOrder(store.begins, false);
  const completes = readerInBuildOrder(store.completes, true);
  const ends = readerInBuildOrder(store.ends, false);
  store.release();
  const builder = new TimelineBuilder({ id: options.id, name: options.name, pid: options.pid, tid: options.tid, capacity });
  const nester = new CallNester(builder, ends, options.frameNames);
  if (begins.done && ends.done) nester.runCompletesOnly(completes);
  else nester.run(begins, completes);
  const timeline = builder.finish(nester.lastTime === -Infinity ? undefined : nester.lastTime);
  return { timeline, repairs: nester.repairs };
}

/**
 * Turns the B/E/X events, taken in the order the rules above give, into the
 * builder's enter/leave calls. A class rather than closures over the loop's
 * state: new closures per thread defeated the optimised loop code.
 */
class CallNester {
  readonly repairs: TimelineRepairs = {
    unmatchedEnds: 0,
    mismatchedEnds: 0,
    unclosedBegins: 0,
    overlappingCompletes: 0,
    beginsClosedByComplete: 0,
  };
  lastTime = -Infinity;
  // The open calls: frame, and for X calls their end time (NaN for B calls).
  private stackFrames = new Uint32Array(64);
  private stackEnds = new Float64Array(64);
  private depth = 0;
  // Depths (in the stack above) of the open X calls, innermost last. X ends
  // are non-increasing towards the inside, so the innermost ends first.
  private completeDepths = new Uint32Array(64);
  private completeCount = 0;

  constructor(
    private readonly builder: TimelineBuilder,
    private readonly ends: RecordReader,
    /** Name id of each frame. */
    private readonly frameNames: ArrayLike<number>,
  ) {}

  run(begins: RecordReader, completes: RecordReader): void {
    const ends = this.ends;
    while (!begins.done || !completes.done || !ends.done) {
      // Next begin: B before X at equal times.
      let beginIsB = false;
      let beginTime = Infinity;
      if (!begins.done) {
        beginTime = begins.time;
        beginIsB = true;
      }
      if (!completes.done && completes.time < beginTime) {
        beginTime = completes.time;
        beginIsB = false;
      }
      const endTime = ends.done ? Infinity : ends.time;
      // At equal times an E goes first when it closes the innermost open call,
      // or when it is not the end of the call about to begin (zero duration).
      // (!ends.done: with begins at an infinite time left, there is no E to take.)
      const takeEnd =
        endTime < beginTime ||
        (endTime === beginTime &&
          !ends.done &&
          (this.matchesTop(ends.frame) || ends.frame !== (beginIsB ? begins.frame : !completes.done ? completes.frame : -1)));
      if (takeEnd) {
        this.closeCompletesUntil(endTime, true);
        const depth = this.depth;
        if (depth > 0 && this.completeCount > 0 && this.completeDepths[this.completeCount - 1] === depth - 1) {
          // The innermost open call is an X; an E cannot close it, but if it ends
          // right now, close it first so the E can match what it encloses.
          if (this.stackEnds[depth - 1] === endTime && !this.matchesTop(ends.frame)) this.closeCompletesUntil(endTime, false);
        }
        this.takeEndEvent(endTime);
        if (endTime > this.lastTime) this.lastTime = endTime;
        ends.next();
        continue;
      }
      this.closeCompletesUntil(beginTime, false);
      if (beginIsB) {
        this.push(begins.frame, NaN, beginTime);
        begins.next();
      } else {
        let end = beginTime + completes.duration;
        if (this.completeCount > 0) {
          const enclosingEnd = this.stackEnds[this.completeDepths[this.completeCount - 1]];
          if (end > enclosingEnd) {
            this.repairs.overlappingCompletes++;
            end = enclosingEnd;
          }
        }
        if (this.completeCount === this.completeDepths.length) {
          const grown = new Uint32Array(this.completeCount * 2);
          grown.set(this.completeDepths);
          this.completeDepths = grown;
        }
        this.completeDepths[this.completeCount++] = this.depth;
        this.push(completes.frame, end, beginTime);
        if (end > this.lastTime) this.lastTime = end;
        completes.next();
      }
      if (beginTime > this.lastTime) this.lastTime = beginTime;
    }
    this.closeCompletesUntil(Infinity, false);
    this.repairs.unclosedBegins += this.depth;
  }

  /**
   * run() for a thread with only X events (most threads of a Chrome trace):
   * every open call is an X, so the stack is just their end times.
   */
  runCompletesOnly(completes: RecordReader): void {
    const builder = this.builder;
    let ends = this.stackEnds;
    let depth = 0;
    let lastTime = this.lastTime;
    let overlapping = 0;
    for (; !completes.done; completes.next()) {
      const ts = completes.time;
      // Close the calls ending at or before ts, innermost first.
      while (depth > 0 && ends[depth - 1] <= ts) {
        const end = ends[--depth];
        builder.leave(end);
        if (end > lastTime) lastTime = end;
      }
      let end = ts + completes.duration;
      if (depth > 0 && end > ends[depth - 1]) {
        overlapping++;
        end = ends[depth - 1];
      }
      if (depth === ends.length) {
        const grown = new Float64Array(depth * 2);
        grown.set(ends);
        ends = grown;
      }
      ends[depth++] = end;
      builder.enter(completes.frame, ts);
      if (end > lastTime) lastTime = end;
      if (ts > lastTime) lastTime = ts;
    }
    while (depth > 0) {
      const end = ends[--depth];
      builder.leave(end);
      if (end > lastTime) lastTime = end;
    }
    this.stackEnds = ends;
    this.lastTime = lastTime;
    this.repairs.overlappingCompletes += overlapping;
  }

  private push(frame: number, end: number, ts: number): void {
    const depth = this.depth;
    if (depth === this.stackFrames.length) {
      const f = new Uint32Array(depth * 2);
      f.set(this.stackFrames);
      this.stackFrames = f;
      const e = new Float64Array(depth * 2);
      e.set(this.stackEnds);
      this.stackEnds = e;
    }
    this.stackFrames[depth] = frame;
    this.stackEnds[depth] = end;
    this.depth = depth + 1;
    this.builder.enter(frame, ts);
  }

  /** Closes every X call ending at or before `t` (strictly before when `strict`), with whatever is open inside it. */
  private closeCompletesUntil(t: number, strict: boolean): void {
    while (this.completeCount > 0) {
      const at = this.completeDepths[this.completeCount - 1];
      const end = this.stackEnds[at];
      if (strict ? end >= t : end > t) return;
      while (this.depth > at + 1) {
        this.repairs.beginsClosedByComplete++;
        this.depth--;
        this.builder.leave(end);
      }
      this.depth--;
      this.completeCount--;
      this.builder.leave(end);
      if (end > this.lastTime) this.lastTime = end;
    }
  }

  private matchesTop(endFrame: number): boolean {
    return this.depth > 0 && this.frameNames[this.stackFrames[this.depth - 1]] === this.frameNames[endFrame];
  }

  /** Handles the current E event (time t), possibly swapping in a better-matching E of the same time first. */
  private takeEndEvent(t: number): void {
    const depth = this.depth;
    if (depth === 0) {
      this.repairs.unmatchedEnds++;
      return;
    }
    if (!isNaN(this.stackEnds[depth - 1])) {
      // The innermost call is an X: an E cannot close it.
      this.repairs.mismatchedEnds++;
      return;
    }
    const ends = this.ends;
    const frameNames = this.frameNames;
    const topFrame = this.stackFrames[depth - 1];
    const topName = frameNames[topFrame];
    if (ends.frame !== topFrame) {
      // Prefer an E at the same time that matches the top by frame, then by name.
      if (!ends.swapWithLater(t, (frame) => frame === topFrame)) ends.swapWithLater(t, (frame) => frameNames[frame] === topName);
    }
    if (frameNames[ends.frame] !== topName) {
      this.repairs.mismatchedEnds++;
      return;
    }
    this.depth = depth - 1;
    this.builder.leave(t);
  }
}

/** A reader of the records in build order: by time (stable), X events longer first at equal times. */
function readerInBuildOrder(records: EventRecords, isComplete: boolean): RecordReader {
  const { pages, stride, count } = records;
  let i = 0;
  let previousTime = 0;
  let previousDuration = 0;
  for (const page of pages) {
    for (let at = 0; at < page.length && i < count; at += stride, i++) {
      const time = page[at];
      const duration = page[at + 1];
      if (i > 0 && (time < previousTime || (isComplete && time === previousTime && duration > previousDuration))) {
        return new RecordReader([sortedRecords(pages, count, stride, isComplete)], count, stride);
      }
      previousTime = time;
      previousDuration = duration;
    }
  }
  return new RecordReader(pages, count, stride);
}

/** The records sorted into one array (rare: traces are usually in order). */
function sortedRecords(pages: Float64Array[], count: number, stride: number, isComplete: boolean): Float64Array {
  const data = new Float64Array(count * stride);
  for (let at = 0, p = 0; at < data.length; p++) {
    const page = pages[p].subarray(0, Math.min(pages[p].length, data.length - at));
    data.set(page, at);
    at += page.length;
  }
  const indices = new Uint32Array(count);
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    indices[i] = i;
    times[i] = data[i * stride];
  }
  if (isComplete) {
    const durations = new Float64Array(count);
    for (let i = 0; i < count; i++) durations[i] = data[i * stride + 1];
    sortCompletes(indices, times, durations);
  } else {
    sortByTime(indices, times);
  }
  const out = new Float64Array(count * stride);
  for (let i = 0; i < count; i++) {
    const from = indices[i] * stride;
    for (let k = 0; k < stride; k++) out[i * stride + k] = data[from + k];
  }
  return out;
}

/** Stable sort of event indices by time; a no-op (one pass) when already sorted, as traces usually are. */
function sortByTime(indices: Uint32Array, times: Float64Array): void {
  const n = indices.length;
  let sorted = true;
  for (let i = 1; i < n; i++) {
    if (times[indices[i]] < times[indices[i - 1]]) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  if (!radixSortByIntegerTime(indices, times)) {
    const order = Array.from(indices).sort((a, b) => times[a] - times[b] || a - b);
    indices.set(order);
  }
}

/** X events: by time, longer first at equal times, then file order. */
function sortCompletes(indices: Uint32Array, times: Float64Array, durations: Float64Array): void {
  sortByTime(indices, times);
  const n = indices.length;
  // Fix runs of equal times by duration (descending); runs are short in practice.
  let i = 0;
  while (i < n) {
    const t = times[indices[i]];
    let j = i + 1;
    while (j < n && times[indices[j]] === t) j++;
    if (j - i > 1) {
      let ordered = true;
      for (let k = i + 1; k < j; k++) {
        if (durations[indices[k]] > durations[indices[k - 1]]) {
          ordered = false;
          break;
        }
      }
      if (!ordered) {
        const run = Array.from(indices.subarray(i, j)).sort((a, b) => durations[b] - durations[a] || a - b);
        indices.set(run, i);
      }
    }
    i = j;
  }
}

/**
 * LSD radix sort (two 16-bit passes, stable) for the common case of integer
 * microsecond timestamps spanning less than 2^32 µs (71 minutes). Returns
 * false when the times do not fit, for the comparison sort to take over.
 */
function radixSortByIntegerTime(indices: Uint32Array, times: Float64Array): boolean {
  const n = indices.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = times[indices[i]];
    if (t < min) min = t;
    if (t > max) max = t;
  }
  if (!(max - min < 4294967296)) return false;
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const d = times[indices[i]] - min;
    if (d !== Math.floor(d)) return false;
    keys[i] = d;
  }
  const tmpKeys = new Uint32Array(n);
  const tmpIndices = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  let srcKeys: Uint32Array = keys;
  let srcIdx: Uint32Array = indices;
  let dstKeys: Uint32Array = tmpKeys;
  let dstIdx: Uint32Array = tmpIndices;
  for (let shift = 0; shift < 32; shift += 16) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(srcKeys[i] >>> shift) & 0xffff]++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = srcKeys[i];
      const at = counts[(k >>> shift) & 0xffff]++;
      dstKeys[at] = k;
      dstIdx[at] = srcIdx[i];
    }
    [srcKeys, dstKeys] = [dstKeys, srcKeys];
    [srcIdx, dstIdx] = [dstIdx, srcIdx];
  }
  // Two passes: the result is back in `indices`.
  return true;
}

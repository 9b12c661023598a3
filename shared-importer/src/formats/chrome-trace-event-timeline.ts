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
 * Raw B/E/X events of one thread in file order, one interleaved Float64Array
 * per kind: B and E events as [ts, frame] pairs, X events as [ts, duration,
 * frame] triples. Per kind because the build takes each kind in time order on
 * its own, and traces are usually written in that order already: then the
 * build reads these arrays as they are, with no copy. A push touches one
 * array (one cache line), and an event takes 16 or 24 bytes.
 */
export class ThreadEventStore {
  begins: Float64Array = new Float64Array(2 * INITIAL_EVENTS);
  ends: Float64Array = new Float64Array(2 * INITIAL_EVENTS);
  completes: Float64Array = new Float64Array(3 * INITIAL_EVENTS);
  beginCount = 0;
  endCount = 0;
  completeCount = 0;

  pushBegin(ts: number, frame: number): void {
    const at = this.beginCount * 2;
    if (at === this.begins.length) this.begins = grown(this.begins, 2);
    const data = this.begins;
    data[at] = ts;
    data[at + 1] = frame;
    this.beginCount++;
  }

  pushEnd(ts: number, frame: number): void {
    const at = this.endCount * 2;
    if (at === this.ends.length) this.ends = grown(this.ends, 2);
    const data = this.ends;
    data[at] = ts;
    data[at + 1] = frame;
    this.endCount++;
  }

  pushComplete(ts: number, duration: number, frame: number): void {
    const at = this.completeCount * 3;
    if (at === this.completes.length) this.completes = grown(this.completes, 3);
    const data = this.completes;
    data[at] = ts;
    data[at + 1] = duration;
    data[at + 2] = frame;
    this.completeCount++;
  }

  /** Frees the raw events once built. */
  release(): void {
    this.begins = this.ends = this.completes = new Float64Array(0);
  }
}

const INITIAL_EVENTS = 512;

function grown(data: Float64Array, stride: number): Float64Array {
  // 1.5x rather than 2x: these arrays dominate memory on huge traces.
  const next = new Float64Array(Math.ceil((data.length / stride) * 1.5) * stride);
  next.set(data);
  return next;
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
export function buildEventTimeline(
  store: ThreadEventStore,
  options: EventTimelineOptions,
): { timeline: ThreadTimeline; repairs: TimelineRepairs } {
  const nb = store.beginCount;
  const ne = store.endCount;
  const nx = store.completeCount;
  // Each kind in the order it is taken: [ts, frame] pairs, [ts, duration, frame] triples.
  const begins = pairsInTimeOrder(store.begins, nb);
  const ends = pairsInTimeOrder(store.ends, ne);
  const completes = completesInOrder(store.completes, nx);
  store.release();
  const frameNames = options.frameNames;
  const repairs: TimelineRepairs = {
    unmatchedEnds: 0,
    mismatchedEnds: 0,
    unclosedBegins: 0,
    overlappingCompletes: 0,
    beginsClosedByComplete: 0,
  };

  const builder = new TimelineBuilder({
    id: options.id,
    name: options.name,
    pid: options.pid,
    tid: options.tid,
    capacity: nb + nx,
  });

  // The open calls: frame, and for X calls their end time (NaN for B calls).
  let stackFrames = new Uint32Array(64);
  let stackEnds = new Float64Array(64);
  let depth = 0;
  // Depths (in the stack above) of the open X calls, innermost last. X ends
  // are non-increasing towards the inside, so the innermost ends first.
  let completeDepths = new Uint32Array(64);
  let completeCount = 0;
  let lastTime = -Infinity;

  const push = (frame: number, end: number, ts: number) => {
    if (depth === stackFrames.length) {
      const f = new Uint32Array(depth * 2);
      f.set(stackFrames);
      stackFrames = f;
      const e = new Float64Array(depth * 2);
      e.set(stackEnds);
      stackEnds = e;
    }
    stackFrames[depth] = frame;
    stackEnds[depth] = end;
    depth++;
    builder.enter(frame, ts);
  };

  /** Closes every X call ending at or before `t` (strictly before when `strict`), with whatever is open inside it. */
  const closeCompletesUntil = (t: number, strict: boolean) => {
    while (completeCount > 0) {
      const at = completeDepths[completeCount - 1];
      const end = stackEnds[at];
      if (strict ? end >= t : end > t) return;
      while (depth > at + 1) {
        repairs.beginsClosedByComplete++;
        depth--;
        builder.leave(end);
      }
      depth--;
      completeCount--;
      builder.leave(end);
      if (end > lastTime) lastTime = end;
    }
  };

  let b = 0;
  let x = 0;
  let e = 0;
  while (b < nb || x < nx || e < ne) {
    // Next begin: B before X at equal times.
    let beginIsB = false;
    let beginTime = Infinity;
    if (b < nb) {
      beginTime = begins[2 * b];
      beginIsB = true;
    }
    if (x < nx && completes[3 * x] < beginTime) {
      beginTime = completes[3 * x];
      beginIsB = false;
    }
    const endTime = e < ne ? ends[2 * e] : Infinity;
    // At equal times an E goes first when it closes the innermost open call,
    // or when it is not the end of the call about to begin (zero duration).
    // (e < ne: with begins at an infinite time left, there is no E to take.)
    const takeEnd =
      endTime < beginTime ||
      (endTime === beginTime &&
        e < ne &&
        (matchesTop(ends[2 * e + 1]) || ends[2 * e + 1] !== (beginIsB ? begins[2 * b + 1] : x < nx ? completes[3 * x + 2] : -1)));
    if (takeEnd) {
      closeCompletesUntil(endTime, true);
      if (depth > 0 && completeCount > 0 && completeDepths[completeCount - 1] === depth - 1) {
        // The innermost open call is an X; an E cannot close it, but if it ends
        // right now, close it first so the E can match what it encloses.
        if (stackEnds[depth - 1] === endTime && !matchesTop(ends[2 * e + 1])) closeCompletesUntil(endTime, false);
      }
      takeEndEvent(endTime);
      if (endTime > lastTime) lastTime = endTime;
      e++;
      continue;
    }
    closeCompletesUntil(beginTime, false);
    if (beginIsB) {
      push(begins[2 * b + 1], NaN, beginTime);
      b++;
    } else {
      let end = beginTime + completes[3 * x + 1];
      if (completeCount > 0) {
        const enclosingEnd = stackEnds[completeDepths[completeCount - 1]];
        if (end > enclosingEnd) {
          repairs.overlappingCompletes++;
          end = enclosingEnd;
        }
      }
      if (completeCount === completeDepths.length) {
        const grown = new Uint32Array(completeCount * 2);
        grown.set(completeDepths);
        completeDepths = grown;
      }
      completeDepths[completeCount++] = depth;
      push(completes[3 * x + 2], end, beginTime);
      if (end > lastTime) lastTime = end;
      x++;
    }
    if (beginTime > lastTime) lastTime = beginTime;
  }
  closeCompletesUntil(Infinity, false);
  repairs.unclosedBegins += depth;
  const timeline = builder.finish(lastTime === -Infinity ? undefined : lastTime);
  return { timeline, repairs };

  function matchesTop(endFrame: number): boolean {
    return depth > 0 && frameNames[stackFrames[depth - 1]] === frameNames[endFrame];
  }

  /** Handles the E event at e (time t), possibly swapping in a better-matching E of the same time first. */
  function takeEndEvent(t: number): void {
    if (depth === 0) {
      repairs.unmatchedEnds++;
      return;
    }
    if (!isNaN(stackEnds[depth - 1])) {
      // The innermost call is an X: an E cannot close it.
      repairs.mismatchedEnds++;
      return;
    }
    const topFrame = stackFrames[depth - 1];
    if (ends[2 * e + 1] !== topFrame) {
      // Prefer an E at the same time that matches the top by frame, then by name.
      let swap = -1;
      for (let j = e + 1; j < ne && ends[2 * j] === t; j++) {
        if (ends[2 * j + 1] === topFrame) {
          swap = j;
          break;
        }
      }
      if (swap < 0) {
        const topName = frameNames[topFrame];
        for (let j = e + 1; j < ne && ends[2 * j] === t; j++) {
          if (frameNames[ends[2 * j + 1]] === topName) {
            swap = j;
            break;
          }
        }
      }
      if (swap >= 0) {
        // Both pairs whole: equal times may still differ in sign (0 and -0).
        for (let k = 0; k < 2; k++) {
          const tmp = ends[2 * e + k];
          ends[2 * e + k] = ends[2 * swap + k];
          ends[2 * swap + k] = tmp;
        }
      }
    }
    if (frameNames[ends[2 * e + 1]] !== frameNames[topFrame]) {
      repairs.mismatchedEnds++;
      return;
    }
    depth--;
    builder.leave(t);
  }
}

/** The first n [ts, frame] pairs of `data`, stably sorted by time (as they are, when already sorted). */
function pairsInTimeOrder(data: Float64Array, n: number): Float64Array {
  for (let i = 1; i < n; i++) {
    if (data[2 * i] < data[2 * i - 2]) return gathered(data, 2, sortedIndices(data, 2, n, false));
  }
  return data;
}

/** The first n X triples of `data` by time, longer first at equal times, then file order. */
function completesInOrder(data: Float64Array, n: number): Float64Array {
  for (let i = 1; i < n; i++) {
    const t = data[3 * i];
    const previous = data[3 * i - 3];
    if (t < previous || (t === previous && data[3 * i + 1] > data[3 * i - 2])) {
      return gathered(data, 3, sortedIndices(data, 3, n, true));
    }
  }
  return data;
}

/** Record indices of the first n records (of `stride` numbers, time first, duration second) in build order. */
function sortedIndices(data: Float64Array, stride: number, n: number, byDuration: boolean): Uint32Array {
  const indices = new Uint32Array(n);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    indices[i] = i;
    times[i] = data[i * stride];
  }
  if (!byDuration) {
    sortByTime(indices, times);
    return indices;
  }
  const durations = new Float64Array(n);
  for (let i = 0; i < n; i++) durations[i] = data[i * stride + 1];
  sortCompletes(indices, times, durations);
  return indices;
}

function gathered(data: Float64Array, stride: number, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length * stride);
  for (let i = 0; i < order.length; i++) {
    const from = order[i] * stride;
    for (let k = 0; k < stride; k++) out[i * stride + k] = data[from + k];
  }
  return out;
}

/** Stable sort of event indices by time; a no-op (one pass) when already sorted, as traces usually are. */
export function sortByTime(indices: Uint32Array, times: Float64Array): void {
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

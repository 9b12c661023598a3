// V8 CPU profiles: the .cpuprofile files Chrome DevTools and `node --cpu-prof`
// write, and the same node/sample data inside Chrome Performance-panel traces
// (ProfileChunk and CpuProfile events, read by chrome-trace-event-collector.ts
// and nested under their thread's trace events by chrome-sample-merge.ts).
//
// Two shapes exist: the current one, {nodes: [{id, callFrame, children |
// parent}], startTime, endTime, samples, timeDeltas}, and the old one (Node
// <= 10, Chrome < 60), {head: {functionName, url, ..., children: [nodes]},
// startTime, endTime (seconds), samples, timestamps}.
import { TraceImportError, throwIfAborted } from '../errors.ts';
import { isObject, readJsonDocument } from '../input/json-document.ts';
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan } from '../model/profile.ts';
import { TimelineBuilder, framesOpenedAfter } from '../model/thread-timeline.ts';
import type { FormatImporter, SniffedHead } from './format-importer.ts';

const WHAT = 'This CPU profile';
/** Node ids below this index an array of stacks (see CpuProfileNodes); a corrupt huge id must not allocate one that large. */
const MAX_DENSE_ID = 1 << 20;

interface CallFrameFields {
  functionName?: unknown;
  url?: unknown;
  lineNumber?: unknown;
  columnNumber?: unknown;
}

/**
 * Collects V8 profile nodes (possibly in several batches, as ProfileChunk
 * events deliver them) and turns samples into a TimelineBuilder's calls.
 */
export class CpuProfileNodes {
  /** Node id -> parent node id (undefined for roots). */
  private readonly parents = new Map<number, number | undefined>();
  /** Node id -> frame index, or -1 for the synthetic "(root)" node that stacks leave out. */
  private readonly nodeFrames = new Map<number, number>();
  /**
   * Stacks by node id, built on first use. V8 numbers nodes 1, 2, 3...: those
   * ids index an array (a Map lookup per sample cost more than the rest of
   * turning samples into calls); any other id goes through the Map.
   */
  private readonly stacksByDenseId: (Uint32Array | undefined)[] = [];
  private readonly stacks = new Map<number, Uint32Array>();

  constructor(private readonly frames: FrameTable) {}

  get size(): number {
    return this.nodeFrames.size;
  }

  /** Adds current-format nodes: {id, callFrame, children?: ids, parent?: id}. */
  addNodes(nodes: readonly unknown[]): void {
    for (const node of nodes) {
      if (!isObject(node) || typeof node.id !== 'number') continue;
      const callFrame = isObject(node.callFrame) ? (node.callFrame as CallFrameFields) : {};
      this.addNode(node.id, callFrame, typeof node.parent === 'number' ? node.parent : undefined);
    }
    // Children lists give the parent links when nodes carry no "parent" field.
    for (const node of nodes) {
      if (!isObject(node) || !Array.isArray(node.children)) continue;
      for (const child of node.children) if (typeof child === 'number') this.parents.set(child, node.id as number);
    }
  }

  /** Adds the old format's tree of nodes (children are nested objects), iteratively. */
  addTree(head: unknown): void {
    const pending: { node: unknown; parent: number | undefined }[] = [{ node: head, parent: undefined }];
    let nextId = -1;
    while (pending.length > 0) {
      const { node, parent } = pending.pop()!;
      if (!isObject(node)) continue;
      const id = typeof node.id === 'number' ? node.id : nextId--;
      const callFrame = isObject(node.callFrame) ? (node.callFrame as CallFrameFields) : (node as CallFrameFields);
      this.addNode(id, callFrame, parent);
      if (Array.isArray(node.children)) for (const child of node.children) pending.push({ node: child, parent: id });
    }
  }

  private addNode(id: number, callFrame: CallFrameFields, parent: number | undefined): void {
    const name = typeof callFrame.functionName === 'string' && callFrame.functionName !== '' ? callFrame.functionName : '(anonymous)';
    if (parent === undefined && name === '(root)') {
      this.nodeFrames.set(id, -1);
    } else {
      const url = typeof callFrame.url === 'string' && callFrame.url !== '' ? callFrame.url : undefined;
      // V8 line and column numbers are 0-based; ours are 1-based. -1 means unknown.
      const line = typeof callFrame.lineNumber === 'number' && callFrame.lineNumber >= 0 ? callFrame.lineNumber + 1 : undefined;
      const column = typeof callFrame.columnNumber === 'number' && callFrame.columnNumber >= 0 ? callFrame.columnNumber + 1 : undefined;
      this.nodeFrames.set(id, this.frames.intern({ name, file: url, line: url === undefined && line === undefined ? undefined : line, column }));
    }
    if (parent !== undefined || !this.parents.has(id)) this.parents.set(id, parent);
  }

  /** Frames from the outermost call to the node, without the "(root)" node. */
  stackOf(id: number): Uint32Array | undefined {
    const dense = id >= 0 && id < MAX_DENSE_ID && id === Math.floor(id);
    const cached = dense ? this.stacksByDenseId[id] : this.stacks.get(id);
    if (cached) return cached;
    if (!this.nodeFrames.has(id)) return undefined;
    const path: number[] = [];
    const seen = new Set<number>();
    for (let at: number | undefined = id; at !== undefined && !seen.has(at); at = this.parents.get(at)) {
      seen.add(at); // a corrupt profile could link nodes in a cycle
      const frame = this.nodeFrames.get(at);
      if (frame === undefined) break;
      if (frame >= 0) path.push(frame);
    }
    path.reverse();
    const stack = Uint32Array.from(path);
    if (dense) {
      // Fill any gap below first, so the array stays packed (fast elements).
      for (let i = this.stacksByDenseId.length; i < id; i++) this.stacksByDenseId.push(undefined);
      this.stacksByDenseId[id] = stack;
    } else this.stacks.set(id, stack);
    return stack;
  }

  /**
   * Feeds samples (node ids) taken at `times` (microseconds) to the builder,
   * in time order (V8 occasionally records samples out of order). Returns how
   * many samples named unknown nodes and were skipped.
   */
  addSamples(builder: TimelineBuilder, samples: ArrayLike<number>, times: ArrayLike<number>, signal?: AbortSignal): number {
    const n = Math.min(samples.length, times.length);
    let order: ArrayLike<number> | undefined;
    for (let i = 1; i < n; i++) {
      if (times[i] < times[i - 1]) {
        order = Array.from({ length: n }, (_, k) => k).sort((a, b) => times[a] - times[b]);
        break;
      }
    }
    builder.reserve(this.countIntervals(samples, order, n, builder));
    let unknown = 0;
    let previous: Uint32Array | undefined;
    for (let k = 0; k < n; k++) {
      if ((k & 0xffff) === 0) throwIfAborted(signal);
      const i = order ? order[k] : k;
      const stack = this.stackOf(samples[i]);
      if (!stack) {
        unknown++;
        continue;
      }
      // The same node again (idle and busy loops repeat for thousands of samples): stacks are cached per node, so the same array.
      if (stack === previous) builder.repeatSample(times[i]);
      else builder.sample(stack, times[i]);
      previous = stack;
    }
    return unknown;
  }

  /**
   * How many intervals builder.sample() will open for these samples: each
   * opens the frames of its stack below the part it shares with the previous
   * stack (starting from the builder's open calls).
   */
  private countIntervals(samples: ArrayLike<number>, order: ArrayLike<number> | undefined, n: number, builder: TimelineBuilder): number {
    let previous: ArrayLike<number> = Array.from({ length: builder.openDepth }, (_, depth) => builder.frameAtDepth(depth));
    let count = 0;
    for (let k = 0; k < n; k++) {
      const stack = this.stackOf(samples[order ? order[k] : k]);
      if (!stack || stack === previous) continue; // the same node again opens nothing
      count += framesOpenedAfter(previous, stack);
      previous = stack;
    }
    return count;
  }
}

/**
 * What a sample says its thread was doing. V8 records samples taken outside
 * JavaScript as pseudo-functions right under "(root)", with no script:
 * "(program)" (native code), "(idle)" and "(garbage collector)".
 */
export const SampleState = { Js: 0, NotJs: 1, Gc: 2 } as const;
const V8_NOT_JS_NAMES = new Set(['(program)', '(idle)']);
const V8_GC_NAME = '(garbage collector)';

/** The state of a sample whose stack is just that frame, for every frame (Js for all but V8's pseudo-functions). */
export function v8SampleStates(frames: FrameTable): Uint8Array {
  const states = new Uint8Array(frames.length);
  for (let f = 0; f < frames.length; f++) {
    if (frames.files[f] !== undefined) continue;
    const name = frames.names[f];
    if (V8_NOT_JS_NAMES.has(name)) states[f] = SampleState.NotJs;
    else if (name === V8_GC_NAME) states[f] = SampleState.Gc;
  }
  return states;
}

/**
 * One thread's samples in time order, each as an index into a table of its
 * distinct stacks (frames, outermost first, without "(root)"): typed arrays
 * rather than a reference per sample, which the garbage collector would walk.
 */
export interface SampledStacks {
  times: Float64Array;
  stackIndices: Uint32Array;
  stacks: Uint32Array[];
  /** When the recording ended, if a profile said so. */
  endTime?: number;
}

/** One profile's samples: node ids and their times. */
export interface ProfileSamples {
  nodes: CpuProfileNodes;
  samples: ArrayLike<number>;
  times: ArrayLike<number>;
}

/**
 * The samples of one or more profiles of a thread (a restarted profiler gives
 * a thread several), sorted by time (stable: V8 occasionally records samples
 * out of order). Samples naming unknown nodes are left out and counted.
 */
export function sampledStacks(profiles: readonly ProfileSamples[]): { samples: SampledStacks; unknown: number } {
  let total = 0;
  for (const p of profiles) total += Math.min(p.samples.length, p.times.length);
  let times = new Float64Array(total);
  let stackIndices = new Uint32Array(total);
  const stacks: Uint32Array[] = [];
  let count = 0;
  let unknown = 0;
  let sorted = true;
  for (const p of profiles) {
    // Stacks are cached per node: the same array means the same table entry.
    const indexOfStack = new Map<Uint32Array, number>();
    let previous: Uint32Array | undefined;
    let previousIndex = 0;
    const n = Math.min(p.samples.length, p.times.length);
    for (let i = 0; i < n; i++) {
      const stack = p.nodes.stackOf(p.samples[i]);
      if (!stack) {
        unknown++;
        continue;
      }
      if (stack !== previous) {
        let index = indexOfStack.get(stack);
        if (index === undefined) {
          index = stacks.push(stack) - 1;
          indexOfStack.set(stack, index);
        }
        previous = stack;
        previousIndex = index;
      }
      const t = p.times[i];
      if (count > 0 && !(t >= times[count - 1])) sorted = false;
      times[count] = t;
      stackIndices[count++] = previousIndex;
    }
  }
  times = times.subarray(0, count);
  stackIndices = stackIndices.subarray(0, count);
  if (!sorted) {
    const order = Array.from({ length: count }, (_, k) => k).sort((a, b) => times[a] - times[b] || a - b);
    times = Float64Array.from(order, (k) => times[k]);
    stackIndices = Uint32Array.from(order, (k) => stackIndices[k]);
  }
  return { samples: { times, stackIndices, stacks }, unknown };
}

/** Sample times from a start time and deltas. */
export function timesFromDeltas(startTime: number, deltas: ArrayLike<unknown>): Float64Array {
  const times = new Float64Array(deltas.length);
  let t = startTime;
  for (let i = 0; i < deltas.length; i++) {
    const d = deltas[i];
    t += typeof d === 'number' && d === d ? d : 0;
    times[i] = t;
  }
  return times;
}

export const chromeCpuProfileImporter: FormatImporter = {
  format: 'chrome-cpuprofile',
  detect(head: SniffedHead): boolean {
    const text = head.text.trimStart();
    if (!text.startsWith('{')) return false;
    if (!/^\{\s*"(nodes|head|startTime|endTime|samples|timeDeltas)"\s*:/.test(text)) return false;
    // Heap profiles share the node shape but carry sizes, not times.
    if (/"selfSize"\s*:/.test(text)) return false;
    return /"callFrame"\s*:/.test(text) || /"functionName"\s*:/.test(text) || /"timeDeltas"\s*:/.test(text);
  },
  async import(input, context) {
    const document = await readJsonDocument(input, context, WHAT);
    throwIfAborted(context.signal);
    if (!isObject(document)) throw new TraceImportError('invalid-data', `${WHAT} must be a JSON object.`);
    const frames = new FrameTable();
    const nodes = new CpuProfileNodes(frames);
    if (Array.isArray(document.nodes)) nodes.addNodes(document.nodes);
    else if (isObject(document.head)) nodes.addTree(document.head);
    else throw new TraceImportError('invalid-data', `${WHAT} has neither "nodes" nor "head", so it holds no calls.`);
    const samples = Array.isArray(document.samples) ? (document.samples as number[]) : [];
    const startTime = typeof document.startTime === 'number' ? document.startTime : 0;
    const warnings: string[] = [];
    let times: ArrayLike<number>;
    let endTime: number | undefined;
    if (Array.isArray(document.timeDeltas)) {
      times = timesFromDeltas(startTime, document.timeDeltas);
      // endTime is in microseconds in this format, like startTime.
      if (typeof document.endTime === 'number') endTime = document.endTime;
    } else if (Array.isArray(document.timestamps)) {
      // Old format: absolute microsecond timestamps; startTime/endTime are in seconds there.
      times = Float64Array.from(document.timestamps as number[], (t) => (typeof t === 'number' ? t : NaN));
    } else {
      times = new Float64Array(0);
    }
    if (samples.length !== times.length) {
      warnings.push(`The profile has ${samples.length} samples but ${times.length} sample times; the extra ones were ignored.`);
    }
    const builder = new TimelineBuilder({ id: 't0', name: 'Main thread' });
    const unknown = nodes.addSamples(builder, samples, times, context.signal);
    if (unknown > 0) warnings.push(`${unknown} samples referred to unknown nodes and were skipped.`);
    if (builder.clampedTimestamps > 0) warnings.push(`${builder.clampedTimestamps} sample times were not numbers and were clamped.`);
    context.countEvents(samples.length);
    const thread = builder.finish(endTime);
    if (samples.length === 0) warnings.push('The profile contains no samples.');
    const span = profileSpan([thread]);
    return {
      format: 'chrome-cpuprofile',
      name: context.fileName,
      unit: 'microseconds',
      frames,
      threads: [thread],
      startTime: span.startTime,
      endTime: span.endTime,
      eventCount: samples.length,
      warnings,
    };
  },
};

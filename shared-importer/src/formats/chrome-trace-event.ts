// Chrome Trace Event Format (chrome://tracing, Perfetto JSON export, DevTools
// Performance panel "Save profile", Node --trace-events, Hermes...).
//
// Streams: the byte scanner (chrome-trace-event-scanner.ts) hands over one
// event at a time; duration events go into per-thread typed arrays, markers
// and metadata into small maps, and the args of only the few events that need
// them (M metadata, CPU profile chunks) are parsed. Timelines are built per
// thread at the end (chrome-trace-event-timeline.ts).
//
// Threads: one timeline per pid/tid, id "p<pid>:t<tid>", named by its
// thread_name metadata ("CrRendererMain"), else "pid N tid M".
// CPU samples (Profile + ProfileChunk events, or the older CpuProfile event)
// describe the same thread as its trace events but as statistical stacks, and
// the two do not nest into one call tree. So a sampled thread gets a second
// timeline, id "p<pid>:t<tid>:samples", named "<thread name> (JS samples)".
//
// Invalid JSON: when no event was read yet, the import fails ('invalid-json',
// with the byte offset). When events were read before the bad bytes (a trace
// with garbage appended, or a crash mid-write), the events read so far are
// imported and a warning says where reading stopped.
import { TraceImportError, throwIfAborted } from '../errors.ts';
import { isObject } from '../input/json-document.ts';
import { FrameTable } from '../model/frame-table.ts';
import { GrowableFloat64 } from '../model/growable-arrays.ts';
import { profileSpan, type Profile } from '../model/profile.ts';
import { TimelineBuilder, type Marker, type ThreadTimeline } from '../model/thread-timeline.ts';
import { CpuProfileNodes, timesFromDeltas } from './chrome-cpuprofile.ts';
import { TraceEventScanner, TraceScanError } from './chrome-trace-event-scanner.ts';
import { ThreadEventStore, buildEventTimeline, type TimelineRepairs } from './chrome-trace-event-timeline.ts';
import type { FormatImportContext, FormatImporter, SniffedHead } from './format-importer.ts';

const PH_BEGIN = 0x42; // B
const PH_END = 0x45; // E
const PH_COMPLETE = 0x58; // X
const PH_INSTANT = 0x49; // I
const PH_INSTANT_LOWER = 0x69; // i
const PH_MARK = 0x52; // R
const PH_ASYNC_BEGIN = 0x62; // b
const PH_ASYNC_END = 0x65; // e
const PH_ASYNC_INSTANT = 0x6e; // n
const PH_METADATA = 0x4d; // M
const PH_SAMPLE = 0x50; // P
/** Slots of the recent-thread cache (a power of two). */
const RECENT_THREAD_SLOTS = 64;

interface ThreadState {
  pid: number;
  tid: number;
  events: ThreadEventStore;
  markers: Marker[];
}

/** A V8 CPU profile delivered in pieces: a Profile event, then ProfileChunk events with the same pid and id. */
interface SampledProfile {
  pid: number;
  /** Thread of the Profile event (chunks come from a sampler thread). */
  tid: number;
  hasProfileEvent: boolean;
  startTime: number;
  endTime?: number;
  nodes: CpuProfileNodes;
  /** Sample node ids and time deltas, in typed arrays: a long recording has millions. */
  samples: GrowableFloat64;
  deltas: GrowableFloat64;
}

interface ProfileChunkData {
  nodes?: unknown[];
  samples: number[];
  deltas: number[];
  endTime?: number;
}

export const chromeTraceEventImporter: FormatImporter = {
  format: 'chrome-trace-event',
  detect(head: SniffedHead): boolean {
    const text = head.text.replace(/^\uFEFF/, '').trimStart();
    if (text.startsWith('[')) {
      // An event array: the first item is an object with trace-event keys (or the array is empty so far).
      const rest = text.slice(1).trimStart();
      return rest === '' || rest.startsWith(']') || (rest.startsWith('{') && /"(ph|ts|pid|tid|name)"\s*:/.test(rest.slice(0, 4096)));
    }
    if (!text.startsWith('{')) return false;
    if (/"traceEvents"\s*:/.test(text)) return true;
    // DevTools "enhanced" traces put a large "metadata" object first.
    return /^\{\s*"metadata"\s*:\s*\{/.test(text) && /"source"\s*:\s*"DevTools"|"dataOrigin"\s*:/.test(text);
  },
  import: importChromeTraceEvents,
};

async function importChromeTraceEvents(input: AsyncIterable<Uint8Array>, context: FormatImportContext): Promise<Profile> {
  const frames = new FrameTable();
  const warnings: string[] = [];
  const threads = new Map<string, ThreadState>();
  const threadsByPid = new Map<number, Map<number, ThreadState>>();
  const threadNames = new Map<string, string>();
  const threadSortIndex = new Map<string, number>();
  const profiles = new Map<string, SampledProfile>();
  /** Open async user-timing ranges (b without e yet), by category/id/name. */
  const openRanges = new Map<string, { thread: ThreadState; start: number }>();
  let skippedTimestamps = 0;
  let badArgs = 0;
  let unclosedRanges = 0;

  // Frame of a (name, category) pair; a per-name cache avoids a Map lookup per event.
  const frameOfPair = new Map<number, number>();
  let cachedCat = new Int32Array(1024).fill(-2);
  let cachedFrame = new Int32Array(1024);
  /** Name id (in the scanner's interner) of each frame, for matching E events by name. */
  const frameNameIds: number[] = [];

  const scanner = new TraceEventScanner(onEvent, ['samples', 'stackFrames'], onTopLevelValue);
  const strings = scanner.interner.strings;
  const id = (text: string) => scanner.interner.internText(text);
  const ID_PROFILE = id('Profile');
  const ID_PROFILE_CHUNK = id('ProfileChunk');
  const ID_CPU_PROFILE = id('CpuProfile');
  const ID_THREAD_NAME = id('thread_name');
  const ID_PROCESS_NAME = id('process_name');
  const ID_THREAD_SORT_INDEX = id('thread_sort_index');
  const ID_EMPTY = id('');
  const userTimingCategories = new Map<number, boolean>();
  let topLevelSamples: unknown;
  let topLevelStackFrames: unknown;

  let lastPid = NaN;
  let lastTid = NaN;
  let lastThread: ThreadState | undefined;

  function threadKey(pid: number, tid: number): string {
    return `p${pid}:t${tid}`;
  }

  /**
   * Threads by a hash of pid and tid, each slot the last thread seen there:
   * events of different threads interleave, and two Map lookups per event
   * (pid, then tid) cost more than this check.
   */
  const recentThreads: (ThreadState | undefined)[] = new Array(RECENT_THREAD_SLOTS).fill(undefined);

  function threadOf(pid: number, tid: number): ThreadState {
    if (pid === lastPid && tid === lastTid && lastThread) return lastThread;
    const slot = (tid + pid * 31) & (RECENT_THREAD_SLOTS - 1);
    let thread = recentThreads[slot];
    if (thread === undefined || thread.pid !== pid || thread.tid !== tid) {
      // Find the thread by number, not by a key string built per event.
      let byTid = threadsByPid.get(pid);
      if (!byTid) threadsByPid.set(pid, (byTid = new Map()));
      thread = byTid.get(tid);
      if (!thread) {
        thread = { pid, tid, events: new ThreadEventStore(), markers: [] };
        byTid.set(tid, thread);
        threads.set(threadKey(pid, tid), thread);
      }
      recentThreads[slot] = thread;
    }
    lastPid = pid;
    lastTid = tid;
    lastThread = thread;
    return thread;
  }

  function frameOf(name: number, cat: number): number {
    if (name >= cachedCat.length) {
      const size = Math.max(name + 1, cachedCat.length * 2);
      const c = new Int32Array(size).fill(-2);
      c.set(cachedCat);
      cachedCat = c;
      const f = new Int32Array(size);
      f.set(cachedFrame);
      cachedFrame = f;
    }
    if (cachedCat[name] === cat) return cachedFrame[name];
    const key = name * 16777216 + (cat + 1);
    let frame = frameOfPair.get(key);
    if (frame === undefined) {
      frame = frames.intern({ name: strings[name] || '(unnamed)', category: cat >= 0 ? strings[cat] : undefined });
      frameOfPair.set(key, frame);
      frameNameIds[frame] = name;
    }
    cachedCat[name] = cat;
    cachedFrame[name] = frame;
    return frame;
  }

  function isUserTiming(cat: number): boolean {
    if (cat < 0) return false;
    let known = userTimingCategories.get(cat);
    if (known === undefined) {
      known = strings[cat].includes('blink.user_timing');
      userTimingCategories.set(cat, known);
    }
    return known;
  }

  function argsOf(s: TraceEventScanner): Record<string, unknown> | undefined {
    try {
      const args = s.parseArgs();
      return isObject(args) ? args : undefined;
    } catch {
      badArgs++;
      return undefined;
    }
  }

  function onEvent(s: TraceEventScanner): void {
    const ph = s.ph;
    if (ph === PH_COMPLETE || ph === PH_BEGIN || ph === PH_END) {
      const ts = s.ts;
      if (!(ts >= 0)) {
        skippedTimestamps++;
        return;
      }
      const name = s.name < 0 ? ID_EMPTY : s.name;
      const cat = s.cat;
      // Inline check of the last thread's cache: the common case, once per event.
      const events = s.pid === lastPid && s.tid === lastTid ? lastThread!.events : threadOf(s.pid, s.tid).events;
      const frame = cachedCat.length > name && cachedCat[name] === cat ? cachedFrame[name] : frameOf(name, cat);
      if (ph === PH_COMPLETE) {
        let dur = s.dur;
        if (!(dur >= 0)) dur = s.tdur >= 0 ? s.tdur : 0;
        events.pushComplete(ts, dur, frame);
      } else if (ph === PH_BEGIN) {
        events.pushBegin(ts, frame);
      } else {
        events.pushEnd(ts, frame);
      }
      return;
    }
    switch (ph) {
      case PH_METADATA:
        onMetadata(s);
        return;
      case PH_SAMPLE:
        if (s.name === ID_PROFILE || s.name === ID_PROFILE_CHUNK) onProfileEvent(s);
        return;
      case PH_INSTANT:
      case PH_INSTANT_LOWER:
      case PH_MARK:
      case PH_ASYNC_INSTANT: {
        if (s.name === ID_CPU_PROFILE && ph !== PH_MARK) {
          onCpuProfileEvent(s);
          return;
        }
        if (!(s.ts >= 0)) {
          skippedTimestamps++;
          return;
        }
        threadOf(s.pid, s.tid).markers.push({
          name: s.name < 0 ? '' : strings[s.name],
          category: s.cat < 0 ? undefined : strings[s.cat],
          start: s.ts,
          end: s.ts,
        });
        return;
      }
      case PH_ASYNC_BEGIN:
      case PH_ASYNC_END: {
        if (!isUserTiming(s.cat)) return;
        if (!(s.ts >= 0)) {
          skippedTimestamps++;
          return;
        }
        const key = `${s.cat}\u0000${s.idString() ?? ''}\u0000${s.name}`;
        if (ph === PH_ASYNC_BEGIN) {
          openRanges.set(key, { thread: threadOf(s.pid, s.tid), start: s.ts });
          return;
        }
        const open = openRanges.get(key);
        if (!open) return;
        openRanges.delete(key);
        open.thread.markers.push({
          name: s.name < 0 ? '' : strings[s.name],
          category: strings[s.cat],
          start: open.start,
          end: Math.max(open.start, s.ts),
        });
        return;
      }
    }
  }

  function onMetadata(s: TraceEventScanner): void {
    const name = s.name;
    if (name !== ID_THREAD_NAME && name !== ID_THREAD_SORT_INDEX && name !== ID_PROCESS_NAME) return;
    const args = argsOf(s);
    if (!args) return;
    const key = threadKey(s.pid, s.tid);
    if (name === ID_THREAD_NAME && typeof args.name === 'string') threadNames.set(key, args.name);
    else if (name === ID_THREAD_SORT_INDEX && typeof args.sort_index === 'number') threadSortIndex.set(key, args.sort_index);
  }

  function profileFor(pid: number, idText: string, tid: number): SampledProfile {
    const key = `${pid}:${idText}`;
    let profile = profiles.get(key);
    if (!profile) {
      profile = { pid, tid, hasProfileEvent: false, startTime: NaN, nodes: new CpuProfileNodes(frames), samples: new GrowableFloat64(), deltas: new GrowableFloat64() };
      profiles.set(key, profile);
    }
    return profile;
  }

  function onProfileEvent(s: TraceEventScanner): void {
    const profile = profileFor(s.pid, s.idString() ?? '', s.tid);
    if (s.name === ID_PROFILE) {
      const args = argsOf(s);
      const data = args && isObject(args.data) ? args.data : undefined;
      profile.hasProfileEvent = true;
      profile.tid = s.tid;
      const start = data?.startTime;
      profile.startTime = typeof start === 'number' ? start : s.ts;
      return;
    }
    if (!profile.hasProfileEvent) profile.tid = s.tid;
    if (s.argsStart < 0) return;
    const chunk = readProfileChunk(s) ?? readProfileChunkSlowly(s);
    if (!chunk) return;
    if (chunk.nodes) profile.nodes.addNodes(chunk.nodes);
    const count = Math.min(chunk.samples.length, chunk.deltas.length);
    for (let i = 0; i < count; i++) {
      profile.samples.push(chunk.samples[i]);
      profile.deltas.push(chunk.deltas[i]);
    }
    if (chunk.endTime !== undefined) profile.endTime = chunk.endTime;
  }

  /**
   * Fast path for ProfileChunk args ({data: {cpuProfile: {nodes, samples},
   * timeDeltas}}): the sample and delta arrays, most of a chunk's bytes, are
   * read straight from the bytes; only "nodes" goes through JSON.parse.
   * Undefined when the args have an unexpected shape.
   */
  function readProfileChunk(s: TraceEventScanner): ProfileChunkData | undefined {
    const chunk: ProfileChunkData = { samples: [], deltas: [] };
    try {
      s.walkObject(s.argsStart, (key, at) =>
        key !== 'data'
          ? -1
          : s.walkObject(at, (dataKey, at2) => {
              if (dataKey === 'timeDeltas') return s.readNumberArray(at2, chunk.deltas);
              if (dataKey === 'endTime') {
                const { value, end } = s.parseValueAt(at2);
                if (typeof value === 'number') chunk.endTime = value;
                return end;
              }
              if (dataKey !== 'cpuProfile') return -1;
              return s.walkObject(at2, (profileKey, at3) => {
                if (profileKey === 'samples') return s.readNumberArray(at3, chunk.samples);
                if (profileKey !== 'nodes') return -1;
                const { value, end } = s.parseValueAt(at3);
                if (Array.isArray(value)) chunk.nodes = value;
                return end;
              });
            }),
      );
      return chunk;
    } catch {
      return undefined;
    }
  }

  function readProfileChunkSlowly(s: TraceEventScanner): ProfileChunkData | undefined {
    const args = argsOf(s);
    const data = args && isObject(args.data) ? args.data : undefined;
    if (!data) return undefined; // Chrome writes some chunks with empty args.
    const cpuProfile = isObject(data.cpuProfile) ? data.cpuProfile : undefined;
    const samples = cpuProfile && Array.isArray(cpuProfile.samples) ? cpuProfile.samples : [];
    const deltas = Array.isArray(data.timeDeltas) ? data.timeDeltas : [];
    return {
      nodes: cpuProfile && Array.isArray(cpuProfile.nodes) ? cpuProfile.nodes : undefined,
      samples: samples.map((x) => (typeof x === 'number' ? x : -1)),
      deltas: deltas.map((x) => (typeof x === 'number' ? x : 0)),
      endTime: typeof data.endTime === 'number' ? data.endTime : undefined,
    };
  }

  /** Older traces (Chrome < 66) carry the whole profile in one CpuProfile event. */
  function onCpuProfileEvent(s: TraceEventScanner): void {
    const args = argsOf(s);
    const data = args && isObject(args.data) ? args.data : undefined;
    const cpuProfile = data && isObject(data.cpuProfile) ? data.cpuProfile : undefined;
    if (!cpuProfile) return;
    const profile = profileFor(s.pid, `cpuprofile:${s.tid}:${profiles.size}`, s.tid);
    profile.hasProfileEvent = true;
    if (Array.isArray(cpuProfile.nodes)) profile.nodes.addNodes(cpuProfile.nodes);
    profile.startTime = typeof cpuProfile.startTime === 'number' ? cpuProfile.startTime : s.ts;
    if (typeof cpuProfile.endTime === 'number') profile.endTime = cpuProfile.endTime;
    const samples = Array.isArray(cpuProfile.samples) ? cpuProfile.samples : [];
    const deltas = Array.isArray(cpuProfile.timeDeltas) ? cpuProfile.timeDeltas : [];
    const count = Math.min(samples.length, deltas.length);
    for (let i = 0; i < count; i++) {
      profile.samples.push(typeof samples[i] === 'number' ? (samples[i] as number) : -1);
      profile.deltas.push(typeof deltas[i] === 'number' ? (deltas[i] as number) : 0);
    }
  }

  function onTopLevelValue(key: string, bytes: Uint8Array): void {
    // Chrome's legacy sampling format (also Hermes): {"samples": [...], "stackFrames": {...}} beside traceEvents.
    try {
      const value = JSON.parse(new TextDecoder().decode(bytes));
      if (key === 'samples') topLevelSamples = value;
      else topLevelStackFrames = value;
    } catch {
      warnings.push(`The top-level "${key}" value is not valid JSON and was ignored.`);
    }
  }

  // Scan.
  let counted = 0;
  let scanEnd: ReturnType<TraceEventScanner['finish']> | undefined;
  try {
    for await (const chunk of input) {
      throwIfAborted(context.signal);
      scanner.push(chunk);
      context.countEvents(scanner.eventCount - counted);
      counted = scanner.eventCount;
    }
    throwIfAborted(context.signal);
    scanEnd = scanner.finish();
  } catch (error) {
    if (!(error instanceof TraceScanError) || scanner.eventCount === 0) throw error;
    warnings.push(
      `${error.message.replace(/\.$/, '')}; reading stopped there and the ${scanner.eventCount} events before it were imported.`,
    );
  }
  context.countEvents(scanner.eventCount - counted);
  if (scanEnd) {
    if (!scanEnd.sawEventsArray) {
      throw new TraceImportError('invalid-data', 'This JSON object has no "traceEvents" array, so it is not a Chrome trace.');
    }
    if (scanEnd.truncated) {
      if (scanner.eventCount === 0) throw new TraceImportError('truncated', 'The trace ends before its first event is complete (the file looks cut off).');
      warnings.push(`The trace ends in the middle of an event (the file looks cut off); the ${scanner.eventCount} complete events were imported.`);
    }
  }

  // Build timelines, one thread at a time, dropping each thread's raw events once built.
  const output: { timeline: ThreadTimeline; pid: number; sortIndex: number; tid: number; order: number }[] = [];
  const nameOf = (key: string, pid: number, tid: number) => threadNames.get(key) ?? `pid ${pid} tid ${tid}`;
  for (const [key, thread] of threads) {
    throwIfAborted(context.signal);
    const { timeline, repairs } = buildEventTimeline(thread.events, {
      id: key,
      name: nameOf(key, thread.pid, thread.tid),
      pid: thread.pid,
      tid: thread.tid,
      frameNames: frameNameIds,
    });
    for (const marker of thread.markers) addMarkerTo(timeline, marker);
    if (timeline.count === 0 && timeline.markers.length === 0) continue;
    reportRepairs(warnings, timeline.name, repairs);
    output.push({ timeline, pid: thread.pid, tid: thread.tid, sortIndex: threadSortIndex.get(key) ?? 0, order: 0 });
  }
  for (const profile of profiles.values()) {
    throwIfAborted(context.signal);
    if (profile.samples.length === 0) continue;
    const key = threadKey(profile.pid, profile.tid);
    const builder = new TimelineBuilder({
      id: `${key}:samples`,
      name: `${nameOf(key, profile.pid, profile.tid)} (JS samples)`,
      pid: profile.pid,
      tid: profile.tid,
    });
    const start = Number.isNaN(profile.startTime) ? 0 : profile.startTime;
    const unknown = profile.nodes.addSamples(builder, profile.samples.view(), timesFromDeltas(start, profile.deltas.view()), context.signal);
    profile.samples = profile.deltas = new GrowableFloat64(16); // built: let the raw samples go
    if (unknown > 0) warnings.push(`${builder.name}: ${unknown} samples referred to unknown profile nodes and were skipped.`);
    if (Number.isNaN(profile.startTime)) warnings.push(`${builder.name}: no Profile event gave the start time; samples are placed from time 0.`);
    const timeline = builder.finish(profile.endTime);
    // Two profiles for one thread (a restarted profiler) get distinct ids.
    if (output.some((o) => o.timeline.id === timeline.id)) timeline.id = `${timeline.id}:${output.length}`;
    output.push({ timeline, pid: profile.pid, tid: profile.tid, sortIndex: threadSortIndex.get(key) ?? 0, order: 1 });
  }
  if (topLevelSamples !== undefined) {
    for (const timeline of legacySampleTimelines(topLevelSamples, topLevelStackFrames, frames, threadNames, warnings)) {
      output.push({ timeline, pid: timeline.pid ?? 0, tid: timeline.tid ?? 0, sortIndex: 0, order: 1 });
    }
  }
  output.sort((a, b) => a.pid - b.pid || a.sortIndex - b.sortIndex || a.tid - b.tid || a.order - b.order);

  unclosedRanges = openRanges.size;
  if (skippedTimestamps > 0) warnings.push(`${skippedTimestamps} events had a missing or negative timestamp and were skipped.`);
  if (badArgs > 0) warnings.push(`${badArgs} events had args that could not be parsed; their metadata or samples were ignored.`);
  if (unclosedRanges > 0) warnings.push(`${unclosedRanges} user timing ranges were begun but never ended and were left out.`);
  if (scanner.eventCount === 0) warnings.push('The trace contains no events.');

  const timelines = output.map((o) => o.timeline);
  const span = profileSpan(timelines);
  return {
    format: 'chrome-trace-event',
    name: context.fileName,
    unit: 'microseconds',
    frames,
    threads: timelines,
    startTime: span.startTime,
    endTime: span.endTime,
    eventCount: scanner.eventCount,
    warnings,
  };
}

/** Markers widen a timeline's observed span, as TimelineBuilder.addMarker does. */
function addMarkerTo(timeline: ThreadTimeline, marker: Marker): void {
  const empty = timeline.count === 0 && timeline.markers.length === 0;
  timeline.markers.push(marker);
  timeline.startTime = empty ? marker.start : Math.min(timeline.startTime, marker.start);
  timeline.endTime = empty ? marker.end : Math.max(timeline.endTime, marker.end);
}

function reportRepairs(warnings: string[], thread: string, r: TimelineRepairs): void {
  if (r.unmatchedEnds > 0) warnings.push(`${thread}: ${r.unmatchedEnds} end (E) events had no open event to close and were ignored.`);
  if (r.mismatchedEnds > 0) warnings.push(`${thread}: ${r.mismatchedEnds} end (E) events did not match the innermost open event's name and were ignored.`);
  if (r.unclosedBegins > 0) warnings.push(`${thread}: ${r.unclosedBegins} begin (B) events were never ended; they were closed at the end of the trace.`);
  if (r.overlappingCompletes > 0) warnings.push(`${thread}: ${r.overlappingCompletes} complete (X) events overlapped the end of an enclosing event and were cut there.`);
  if (r.beginsClosedByComplete > 0) warnings.push(`${thread}: ${r.beginsClosedByComplete} begin (B) events were still open when their enclosing X event ended and were closed with it.`);
}

/**
 * Chrome's legacy sampling format: "stackFrames" maps ids to {name, parent,
 * category}; "samples" lists {ts, pid, tid, sf}. One sampled timeline per thread.
 */
function legacySampleTimelines(
  samplesValue: unknown,
  stackFramesValue: unknown,
  frames: FrameTable,
  threadNames: Map<string, string>,
  warnings: string[],
): ThreadTimeline[] {
  if (!Array.isArray(samplesValue) || !isObject(stackFramesValue)) return [];
  const stackFrames = stackFramesValue;
  const stackCache = new Map<string, number[]>();
  const stackOf = (sf: string): number[] => {
    const cached = stackCache.get(sf);
    if (cached) return cached;
    const path: number[] = [];
    const seen = new Set<string>();
    for (let at: string | undefined = sf; at !== undefined && !seen.has(at); ) {
      seen.add(at);
      const f: unknown = stackFrames[at];
      if (!isObject(f)) break;
      path.push(frames.intern({ name: typeof f.name === 'string' ? f.name : '(anonymous)', category: typeof f.category === 'string' ? f.category : undefined }));
      at = f.parent === undefined || f.parent === null ? undefined : String(f.parent);
    }
    path.reverse();
    stackCache.set(sf, path);
    return path;
  };
  const byThread = new Map<string, { pid: number; tid: number; samples: { ts: number; sf: string }[] }>();
  let skipped = 0;
  for (const sample of samplesValue) {
    if (!isObject(sample)) continue;
    const ts = Number(sample.ts);
    if (!(ts >= 0) || sample.sf === undefined) {
      skipped++;
      continue;
    }
    const pid = Number(sample.pid ?? 0);
    const tid = Number(sample.tid ?? 0);
    const key = `p${pid}:t${tid}`;
    let entry = byThread.get(key);
    if (!entry) byThread.set(key, (entry = { pid, tid, samples: [] }));
    entry.samples.push({ ts, sf: String(sample.sf) });
  }
  if (skipped > 0) warnings.push(`${skipped} legacy samples had no timestamp or stack and were skipped.`);
  const out: ThreadTimeline[] = [];
  for (const [key, entry] of byThread) {
    entry.samples.sort((a, b) => a.ts - b.ts);
    const builder = new TimelineBuilder({
      id: `${key}:samples`,
      name: `${threadNames.get(key) ?? `pid ${entry.pid} tid ${entry.tid}`} (samples)`,
      pid: entry.pid,
      tid: entry.tid,
    });
    for (const s of entry.samples) builder.sample(stackOf(s.sf), s.ts);
    out.push(builder.finish());
  }
  return out;
}

// The streaming half of the Chrome trace importer: the byte scanner
// (chrome-trace-event-scanner.ts) hands over one event at a time, and this
// collector files it away. Duration events go into per-thread typed arrays,
// markers and metadata into small maps, CPU profile chunks into per-profile
// sample arrays; the args of only the few events that need them (M metadata,
// CPU profile chunks) are parsed. Events we do not draw are counted by phase.
// Nothing is built here: chrome-trace-event-builder.ts does that after the
// stream.
//
// onEvent runs once per event at several times JSON.parse speed: the common
// case (X, B, E on the thread of the previous event, a frame seen before)
// takes no Map lookup and allocates nothing.
import { TraceImportError, throwIfAborted } from '../errors.ts';
import { isObject } from '../input/json-document.ts';
import { FrameTable } from '../model/frame-table.ts';
import { GrowableFloat64 } from '../model/growable-arrays.ts';
import type { Marker } from '../model/thread-timeline.ts';
import { PageEventCollector, type PageEvent } from '../page/page-event-collector.ts';
import { CpuProfileNodes } from './chrome-cpuprofile.ts';
import { TraceEventScanner, TraceScanError } from './chrome-trace-event-scanner.ts';
import { ThreadEventStore } from './chrome-trace-event-timeline.ts';
import type { FormatImportContext } from './format-importer.ts';

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

/** One pid/tid's events as read. */
export interface CollectedThread {
  pid: number;
  tid: number;
  events: ThreadEventStore;
  markers: Marker[];
}

/** A V8 CPU profile delivered in pieces: a Profile event, then ProfileChunk events with the same pid and id. */
export interface SampledProfile {
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

/** Everything the stream left for the build. */
export interface CollectedTrace {
  frames: FrameTable;
  /** Name id (in the scanner's interner) of each frame, for matching E events by name. */
  frameNameIds: number[];
  /** By thread key "p<pid>:t<tid>", in order of first appearance. */
  threads: Map<string, CollectedThread>;
  threadNames: Map<string, string>;
  threadSortIndex: Map<string, number>;
  profiles: Iterable<SampledProfile>;
  /** Chrome's legacy sampling format: the top-level "samples" and "stackFrames" values, when present. */
  topLevelSamples: unknown;
  topLevelStackFrames: unknown;
  /** Ftrace text recorded beside the events (system tracing on: a top-level "systemTraceEvents" string). */
  systemTrace: string | undefined;
  eventCount: number;
  /** Problems met while reading (bad top-level values, where reading stopped). */
  warnings: string[];
  skippedTimestamps: number;
  badArgs: number;
  unclosedRanges: number;
  /** Events read but not drawn, by phase byte (see describeNotDrawn). */
  notDrawn: Uint32Array;
  /** The web page events (navigations, paints, network, shifts, interactions), in file order. */
  pageEvents: PageEvent[];
}

export function threadKey(pid: number, tid: number): string {
  return `p${pid}:t${tid}`;
}

interface ProfileChunkData {
  nodes?: unknown[];
  samples: number[];
  deltas: number[];
  endTime?: number;
}

export class TraceEventCollector {
  private readonly frames = new FrameTable();
  private readonly frameNameIds: number[] = [];
  private readonly warnings: string[] = [];
  private readonly threads = new Map<string, CollectedThread>();
  private readonly threadsByPid = new Map<number, Map<number, CollectedThread>>();
  private readonly threadNames = new Map<string, string>();
  private readonly threadSortIndex = new Map<string, number>();
  private readonly profiles = new Map<string, SampledProfile>();
  /** Open async user-timing ranges (b without e yet), by category/id/name. */
  private readonly openRanges = new Map<string, { thread: CollectedThread; start: number }>();
  private readonly userTimingCategories = new Map<number, boolean>();
  private skippedTimestamps = 0;
  private badArgs = 0;
  private readonly notDrawn = new Uint32Array(256);
  private topLevelSamples: unknown;
  private topLevelStackFrames: unknown;
  private systemTrace: string | undefined;

  // Frame of a (name, category) pair; a per-name cache avoids a Map lookup per event.
  private readonly frameOfPair = new Map<number, number>();
  private cachedCat = new Int32Array(1024).fill(-2);
  private cachedFrame = new Int32Array(1024);

  /**
   * Threads by a hash of pid and tid, each slot the last thread seen there:
   * events of different threads interleave, and two Map lookups per event
   * (pid, then tid) cost more than this check.
   */
  private readonly recentThreads: (CollectedThread | undefined)[] = new Array<CollectedThread | undefined>(RECENT_THREAD_SLOTS).fill(undefined);
  private lastPid = NaN;
  private lastTid = NaN;
  private lastThread: CollectedThread | undefined;

  private readonly scanner = new TraceEventScanner(
    (s) => this.onEvent(s),
    ['samples', 'stackFrames', 'systemTraceEvents'],
    (key, bytes) => this.onTopLevelValue(key, bytes),
  );
  private readonly strings = this.scanner.interner.strings;
  private readonly ID_PROFILE = this.id('Profile');
  private readonly ID_PROFILE_CHUNK = this.id('ProfileChunk');
  private readonly ID_CPU_PROFILE = this.id('CpuProfile');
  private readonly ID_THREAD_NAME = this.id('thread_name');
  private readonly ID_PROCESS_NAME = this.id('process_name');
  private readonly ID_THREAD_SORT_INDEX = this.id('thread_sort_index');
  private readonly ID_EMPTY = this.id('');
  private readonly page = new PageEventCollector((name) => this.id(name));

  /**
   * Reads the whole input. Invalid JSON fails the import when no event was
   * read yet; after some events (a trace with garbage appended, or a crash
   * mid-write) it keeps what was read and warns where reading stopped.
   */
  async collect(input: AsyncIterable<Uint8Array>, context: FormatImportContext): Promise<CollectedTrace> {
    const scanner = this.scanner;
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
      this.warnings.push(`${error.message.replace(/\.$/, '')}; reading stopped there and the ${scanner.eventCount} events before it were imported.`);
    }
    context.countEvents(scanner.eventCount - counted);
    if (scanEnd) {
      if (!scanEnd.sawEventsArray) {
        throw new TraceImportError('invalid-data', 'This JSON object has no "traceEvents" array, so it is not a Chrome trace.');
      }
      if (scanEnd.truncated) {
        if (scanner.eventCount === 0) throw new TraceImportError('truncated', 'The trace ends before its first event is complete (the file looks cut off).');
        this.warnings.push(`The trace ends in the middle of an event (the file looks cut off); the ${scanner.eventCount} complete events were imported.`);
      }
    }
    return {
      frames: this.frames,
      frameNameIds: this.frameNameIds,
      threads: this.threads,
      threadNames: this.threadNames,
      threadSortIndex: this.threadSortIndex,
      profiles: this.profiles.values(),
      topLevelSamples: this.topLevelSamples,
      topLevelStackFrames: this.topLevelStackFrames,
      systemTrace: this.systemTrace,
      eventCount: scanner.eventCount,
      warnings: this.warnings,
      skippedTimestamps: this.skippedTimestamps,
      badArgs: this.badArgs + this.page.badArgs,
      unclosedRanges: this.openRanges.size,
      notDrawn: this.notDrawn,
      pageEvents: this.page.events,
    };
  }

  private id(text: string): number {
    return this.scanner.interner.internText(text);
  }

  private onEvent(s: TraceEventScanner): void {
    const ph = s.ph;
    if (ph === PH_COMPLETE || ph === PH_BEGIN || ph === PH_END) {
      const ts = s.ts;
      if (!(ts >= 0)) {
        this.skippedTimestamps++;
        return;
      }
      const name = s.name < 0 ? this.ID_EMPTY : s.name;
      const cat = s.cat;
      // Inline check of the last thread's cache: the common case, once per event.
      const events = s.pid === this.lastPid && s.tid === this.lastTid ? this.lastThread!.events : this.threadOf(s.pid, s.tid).events;
      const cachedCat = this.cachedCat;
      let frame: number;
      if (cachedCat.length > name && cachedCat[name] === cat) frame = this.cachedFrame[name];
      else {
        frame = this.frameOf(name, cat);
        // A few page events come as X (navigationStart, ResourceChangePriority in some Chrome
        // versions). Their names are never cached, so they all come this way and the hot path pays nothing.
        const pageKind = ph === PH_COMPLETE ? this.page.kindOf(name) : 0;
        if (pageKind !== 0) this.page.add(pageKind, s);
      }
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
    const pageKind = this.page.kindOf(s.name);
    if (pageKind !== 0) {
      this.page.add(pageKind, s);
      if (PageEventCollector.replacesMarker(pageKind)) return;
    }
    switch (ph) {
      case PH_METADATA:
        this.onMetadata(s);
        return;
      case PH_SAMPLE:
        if (s.name === this.ID_PROFILE || s.name === this.ID_PROFILE_CHUNK) this.onProfileEvent(s);
        else this.notDrawn[ph]++;
        return;
      case PH_INSTANT:
      case PH_INSTANT_LOWER:
      case PH_MARK:
      case PH_ASYNC_INSTANT: {
        if (s.name === this.ID_CPU_PROFILE && ph !== PH_MARK) {
          this.onCpuProfileEvent(s);
          return;
        }
        // Async instants belong to async tracks (not drawn) unless they are user timing; some
        // recorders stamp them on another clock (catapult's Fuchsia trace), which as markers
        // stretched the trace's span a thousandfold.
        if (ph === PH_ASYNC_INSTANT && !this.isUserTiming(s.cat)) {
          this.notDrawn[ph]++;
          return;
        }
        if (!(s.ts >= 0)) {
          this.skippedTimestamps++;
          return;
        }
        this.threadOf(s.pid, s.tid).markers.push({
          name: s.name < 0 ? '' : this.strings[s.name],
          category: s.cat < 0 ? undefined : this.strings[s.cat],
          start: s.ts,
          end: s.ts,
        });
        return;
      }
      case PH_ASYNC_BEGIN:
      case PH_ASYNC_END:
        if (this.isUserTiming(s.cat)) this.onUserTimingRange(s);
        else this.notDrawn[ph]++;
        return;
      default:
        this.notDrawn[ph & 0xff]++;
    }
  }

  private threadOf(pid: number, tid: number): CollectedThread {
    if (pid === this.lastPid && tid === this.lastTid && this.lastThread) return this.lastThread;
    const slot = (tid + pid * 31) & (RECENT_THREAD_SLOTS - 1);
    let thread = this.recentThreads[slot];
    if (thread === undefined || thread.pid !== pid || thread.tid !== tid) {
      // Find the thread by number, not by a key string built per event.
      let byTid = this.threadsByPid.get(pid);
      if (!byTid) this.threadsByPid.set(pid, (byTid = new Map<number, CollectedThread>()));
      thread = byTid.get(tid);
      if (!thread) {
        thread = { pid, tid, events: new ThreadEventStore(), markers: [] };
        byTid.set(tid, thread);
        this.threads.set(threadKey(pid, tid), thread);
      }
      this.recentThreads[slot] = thread;
    }
    this.lastPid = pid;
    this.lastTid = tid;
    this.lastThread = thread;
    return thread;
  }

  private frameOf(name: number, cat: number): number {
    if (name >= this.cachedCat.length) {
      const size = Math.max(name + 1, this.cachedCat.length * 2);
      const c = new Int32Array(size).fill(-2);
      c.set(this.cachedCat);
      this.cachedCat = c;
      const f = new Int32Array(size);
      f.set(this.cachedFrame);
      this.cachedFrame = f;
    }
    if (this.cachedCat[name] === cat) return this.cachedFrame[name];
    const key = name * 16777216 + (cat + 1);
    let frame = this.frameOfPair.get(key);
    if (frame === undefined) {
      frame = this.frames.intern({ name: this.strings[name] || '(unnamed)', category: cat >= 0 ? this.strings[cat] : undefined });
      this.frameOfPair.set(key, frame);
      this.frameNameIds[frame] = name;
    }
    if (this.page.kindOf(name) !== 0) return frame; // page event names stay off the cache (see onEvent)
    this.cachedCat[name] = cat;
    this.cachedFrame[name] = frame;
    return frame;
  }

  private isUserTiming(cat: number): boolean {
    if (cat < 0) return false;
    let known = this.userTimingCategories.get(cat);
    if (known === undefined) {
      known = this.strings[cat].includes('blink.user_timing');
      this.userTimingCategories.set(cat, known);
    }
    return known;
  }

  /** A user timing range (performance.measure) as b and e events: a marker once both are read. */
  private onUserTimingRange(s: TraceEventScanner): void {
    if (!(s.ts >= 0)) {
      this.skippedTimestamps++;
      return;
    }
    const key = `${s.cat}\u0000${s.idString() ?? ''}\u0000${s.name}`;
    if (s.ph === PH_ASYNC_BEGIN) {
      this.openRanges.set(key, { thread: this.threadOf(s.pid, s.tid), start: s.ts });
      return;
    }
    const open = this.openRanges.get(key);
    if (!open) return;
    this.openRanges.delete(key);
    open.thread.markers.push({
      name: s.name < 0 ? '' : this.strings[s.name],
      category: this.strings[s.cat],
      start: open.start,
      end: Math.max(open.start, s.ts),
    });
  }

  private argsOf(s: TraceEventScanner): Record<string, unknown> | undefined {
    try {
      const args = s.parseArgs();
      return isObject(args) ? args : undefined;
    } catch {
      this.badArgs++;
      return undefined;
    }
  }

  private onMetadata(s: TraceEventScanner): void {
    const name = s.name;
    if (name !== this.ID_THREAD_NAME && name !== this.ID_THREAD_SORT_INDEX && name !== this.ID_PROCESS_NAME) return;
    const args = this.argsOf(s);
    if (!args) return;
    const key = threadKey(s.pid, s.tid);
    if (name === this.ID_THREAD_NAME && typeof args.name === 'string') this.threadNames.set(key, args.name);
    else if (name === this.ID_THREAD_SORT_INDEX && typeof args.sort_index === 'number') this.threadSortIndex.set(key, args.sort_index);
  }

  private profileFor(pid: number, idText: string, tid: number): SampledProfile {
    const key = `${pid}:${idText}`;
    let profile = this.profiles.get(key);
    if (!profile) {
      profile = {
        pid,
        tid,
        hasProfileEvent: false,
        startTime: NaN,
        nodes: new CpuProfileNodes(this.frames),
        samples: new GrowableFloat64(),
        deltas: new GrowableFloat64(),
      };
      this.profiles.set(key, profile);
    }
    return profile;
  }

  private onProfileEvent(s: TraceEventScanner): void {
    const profile = this.profileFor(s.pid, s.idString() ?? '', s.tid);
    if (s.name === this.ID_PROFILE) {
      const args = this.argsOf(s);
      const data = args && isObject(args.data) ? args.data : undefined;
      profile.hasProfileEvent = true;
      profile.tid = s.tid;
      const start = data?.startTime;
      profile.startTime = typeof start === 'number' ? start : s.ts;
      return;
    }
    if (!profile.hasProfileEvent) profile.tid = s.tid;
    if (s.argsStart < 0) return;
    const chunk = this.readProfileChunk(s) ?? this.readProfileChunkSlowly(s);
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
  private readProfileChunk(s: TraceEventScanner): ProfileChunkData | undefined {
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

  private readProfileChunkSlowly(s: TraceEventScanner): ProfileChunkData | undefined {
    const args = this.argsOf(s);
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
  private onCpuProfileEvent(s: TraceEventScanner): void {
    const args = this.argsOf(s);
    const data = args && isObject(args.data) ? args.data : undefined;
    const cpuProfile = data && isObject(data.cpuProfile) ? data.cpuProfile : undefined;
    if (!cpuProfile) return;
    const profile = this.profileFor(s.pid, `cpuprofile:${s.tid}:${this.profiles.size}`, s.tid);
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

  private onTopLevelValue(key: string, bytes: Uint8Array): void {
    // Chrome's legacy sampling format (also Hermes): {"samples": [...], "stackFrames": {...}} beside
    // traceEvents; with system tracing on, "systemTraceEvents" holds ftrace text (other shapes, such
    // as Fuchsia's event objects, are not read).
    try {
      const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
      if (key === 'samples') this.topLevelSamples = value;
      else if (key === 'stackFrames') this.topLevelStackFrames = value;
      else if (typeof value === 'string') this.systemTrace = value;
    } catch {
      this.warnings.push(`The top-level "${key}" value is not valid JSON and was ignored.`);
    }
  }
}

/** What each phase we read but do not draw is, for the warning. */
const NOT_DRAWN_KINDS: readonly (readonly [phases: string, label: string])[] = [
  ['OND', 'object snapshot (O/N/D)'],
  ['C', 'counter (C)'],
  ['stf', 'flow (s/t/f)'],
  ['ben', 'async (b/e/n) outside user timing'],
  ['STpF', 'legacy async (S/T/p/F)'],
  ['P', 'sample (P)'],
  ['vV', 'memory dump (v/V)'],
  ['c', 'clock sync (c)'],
  ['()', 'context ((/))'],
  ['\u0000', 'no or unknown phase'],
];

/**
 * "Not drawn: 184 object snapshot (O/N/D), 46 counter (C) events.", most
 * first; undefined when every event read was drawn or used.
 */
export function describeNotDrawn(counts: Uint32Array): string | undefined {
  const left = counts.slice();
  const parts: { count: number; label: string }[] = [];
  for (const [phases, label] of NOT_DRAWN_KINDS) {
    let count = 0;
    for (const ph of phases) {
      count += left[ph.charCodeAt(0)];
      left[ph.charCodeAt(0)] = 0;
    }
    if (count > 0) parts.push({ count, label });
  }
  left.forEach((count, ph) => {
    if (count > 0) parts.push({ count, label: `other (${String.fromCharCode(ph)})` });
  });
  if (parts.length === 0) return undefined;
  parts.sort((a, b) => b.count - a.count);
  return `Not drawn: ${parts.map((p) => `${p.count} ${p.label}`).join(', ')} events.`;
}

// The build half of the Chrome trace importer, after the stream
// (chrome-trace-event-collector.ts): each thread's events become a timeline
// (chrome-trace-event-timeline.ts), its CPU samples are merged into it
// (chrome-sample-merge.ts), and the threads are put in Chrome's order.
//
// Threads: one timeline per pid/tid, id "p<pid>:t<tid>", named by its
// thread_name metadata ("CrRendererMain"), else "pid N tid M". A thread's V8
// CPU samples (Profile + ProfileChunk events, or the older CpuProfile event)
// are merged into its events, as DevTools shows them; a thread with samples
// but no events (a worker profiled alone) is its samples. Chrome's legacy
// top-level "samples" (native stacks from the thread's root, which do not nest
// under its events) stay beside the thread, id "p<pid>:t<tid>:samples".
// Ftrace text recorded with the trace ("systemTraceEvents") adds its threads'
// slices and the CPU tracks after Chrome's threads, as systrace reads them.
import { throwIfAborted } from '../errors.ts';
import { isObject } from '../input/json-document.ts';
import type { FrameTable } from '../model/frame-table.ts';
import { GrowableFloat64 } from '../model/growable-arrays.ts';
import { profileSpan, type Profile } from '../model/profile.ts';
import { TimelineBuilder, type Marker, type ThreadTimeline } from '../model/thread-timeline.ts';
import { sampledStacks, timesFromDeltas, v8SampleStates, type ProfileSamples, type SampledStacks } from './chrome-cpuprofile.ts';
import { mergeSamplesIntoEvents } from './chrome-sample-merge.ts';
import { ftraceTimelines } from './ftrace-text.ts';
import { describeNotDrawn, threadKey, type CollectedTrace, type SampledProfile } from './chrome-trace-event-collector.ts';
import { ThreadEventStore, buildEventTimeline, type TimelineRepairs } from './chrome-trace-event-timeline.ts';
import type { FormatImportContext } from './format-importer.ts';
import { buildPageInsights } from '../page/build-page-insights.ts';

interface OutputThread {
  timeline: ThreadTimeline;
  pid: number;
  tid: number;
  sortIndex: number;
  /** Legacy sample timelines come after their thread. */
  order: number;
}

export function buildChromeProfile(trace: CollectedTrace, context: FormatImportContext): Profile {
  const warnings = [...trace.warnings];
  const nameOf = (key: string, pid: number, tid: number) => trace.threadNames.get(key) ?? `pid ${pid} tid ${tid}`;
  const samplesByThread = samplesOfThreads(trace.profiles, nameOf, warnings);
  const states = samplesByThread.size > 0 ? v8SampleStates(trace.frames) : new Uint8Array(0);
  const output: OutputThread[] = [];

  // One thread at a time, dropping each thread's raw events once built.
  const buildThread = (key: string, pid: number, tid: number, store: ThreadEventStore, markers: readonly Marker[]) => {
    throwIfAborted(context.signal);
    const name = nameOf(key, pid, tid);
    const built = buildEventTimeline(store, { id: key, name, pid, tid, frameNames: trace.frameNameIds });
    reportRepairs(warnings, name, built.repairs);
    const samples = samplesByThread.get(key);
    samplesByThread.delete(key); // merged below: its samples can go
    const timeline = samples ? mergeSamplesIntoEvents(built.timeline, samples, states, context.signal) : built.timeline;
    for (const marker of markers) addMarkerTo(timeline, marker);
    if (timeline.count === 0 && timeline.markers.length === 0) return;
    output.push({ timeline, pid, tid, sortIndex: trace.threadSortIndex.get(key) ?? 0, order: 0 });
  };
  for (const [key, thread] of trace.threads) buildThread(key, thread.pid, thread.tid, thread.events, thread.markers);
  // What is left: threads with samples and no events (a worker profiled alone).
  for (const [key, samples] of samplesByThread) buildThread(key, samples.pid, samples.tid, new ThreadEventStore(), []);
  if (trace.topLevelSamples !== undefined) {
    for (const timeline of legacySampleTimelines(trace.topLevelSamples, trace.topLevelStackFrames, trace.frames, trace.threadNames, warnings)) {
      output.push({ timeline, pid: timeline.pid ?? 0, tid: timeline.tid ?? 0, sortIndex: 0, order: 1 });
    }
  }
  output.sort((a, b) => a.pid - b.pid || a.sortIndex - b.sortIndex || a.tid - b.tid || a.order - b.order);
  let eventCount = trace.eventCount;
  if (trace.systemTrace !== undefined) {
    const system = ftraceTimelines(trace.systemTrace, trace.frames);
    for (const timeline of system.timelines) output.push({ timeline, pid: timeline.pid ?? 0, tid: timeline.tid ?? 0, sortIndex: 0, order: 2 });
    warnings.push(...system.warnings);
    eventCount += system.eventCount;
  }

  if (trace.skippedTimestamps > 0) warnings.push(`${trace.skippedTimestamps} events had a missing or negative timestamp and were skipped.`);
  if (trace.badArgs > 0) warnings.push(`${trace.badArgs} events had args that could not be parsed; their metadata or samples were ignored.`);
  if (trace.unclosedRanges > 0) warnings.push(`${trace.unclosedRanges} user timing ranges were begun but never ended and were left out.`);
  const notDrawn = describeNotDrawn(trace.notDrawn);
  if (notDrawn) warnings.push(notDrawn);
  if (eventCount === 0) warnings.push('The trace contains no events.');

  const timelines = output.map((o) => o.timeline);
  const span = profileSpan(timelines);
  const page = buildPageInsights(trace.pageEvents, span.endTime);
  return {
    format: 'chrome-trace-event',
    name: context.fileName,
    unit: 'microseconds',
    frames: trace.frames,
    threads: timelines,
    startTime: span.startTime,
    endTime: span.endTime,
    eventCount,
    warnings,
    ...(page && { page }),
  };
}

/**
 * Each sampled thread's samples, from all its profiles (a restarted profiler
 * gives a thread several), as stacks in time order. Frees the raw samples.
 */
function samplesOfThreads(
  profiles: Iterable<SampledProfile>,
  nameOf: (key: string, pid: number, tid: number) => string,
  warnings: string[],
): Map<string, SampledStacks & { pid: number; tid: number }> {
  const byThread = new Map<string, { pid: number; tid: number; parts: ProfileSamples[]; endTime?: number }>();
  for (const profile of profiles) {
    if (profile.samples.length === 0) continue;
    const key = threadKey(profile.pid, profile.tid);
    let thread = byThread.get(key);
    if (!thread) byThread.set(key, (thread = { pid: profile.pid, tid: profile.tid, parts: [] }));
    if (Number.isNaN(profile.startTime)) {
      warnings.push(`${nameOf(key, profile.pid, profile.tid)}: no Profile event gave the start time; samples are placed from time 0.`);
    }
    const start = Number.isNaN(profile.startTime) ? 0 : profile.startTime;
    thread.parts.push({ nodes: profile.nodes, samples: profile.samples.view(), times: timesFromDeltas(start, profile.deltas.view()) });
    profile.samples = profile.deltas = new GrowableFloat64(16); // read: the raw samples go with `byThread`
    if (profile.endTime !== undefined) thread.endTime = Math.max(thread.endTime ?? -Infinity, profile.endTime);
  }
  const out = new Map<string, SampledStacks & { pid: number; tid: number }>();
  for (const [key, thread] of byThread) {
    const { samples, unknown } = sampledStacks(thread.parts);
    if (unknown > 0) warnings.push(`${nameOf(key, thread.pid, thread.tid)}: ${unknown} samples referred to unknown profile nodes and were skipped.`);
    out.set(key, { ...samples, endTime: thread.endTime, pid: thread.pid, tid: thread.tid });
  }
  return out;
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
  if (r.overlappingCompletes > 0)
    warnings.push(`${thread}: ${r.overlappingCompletes} complete (X) events overlapped the end of an enclosing event and were cut there.`);
  if (r.beginsClosedByComplete > 0)
    warnings.push(`${thread}: ${r.beginsClosedByComplete} begin (B) events were still open when their enclosing X event ended and were closed with it.`);
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
    for (let at: string | undefined = sf; at !== undefined && !seen.has(at);) {
      seen.add(at);
      const f: unknown = stackFrames[at];
      if (!isObject(f)) break;
      path.push(
        frames.intern({ name: typeof f.name === 'string' ? f.name : '(anonymous)', category: typeof f.category === 'string' ? f.category : undefined }),
      );
      at = typeof f.parent === 'string' || typeof f.parent === 'number' ? String(f.parent) : undefined;
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
    const sf = sample.sf;
    if (!(ts >= 0) || (typeof sf !== 'string' && typeof sf !== 'number')) {
      skipped++;
      continue;
    }
    const pid = Number(sample.pid ?? 0);
    const tid = Number(sample.tid ?? 0);
    const key = threadKey(pid, tid);
    let entry = byThread.get(key);
    if (!entry) byThread.set(key, (entry = { pid, tid, samples: [] }));
    entry.samples.push({ ts, sf: String(sf) });
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

// A thread's V8 CPU samples merged into its trace-event timeline, so the
// thread reads as Chrome DevTools' Performance panel shows it: the sampled JS
// stacks nested under the trace event that was running when each sample was
// taken (RunTask > FunctionCall > app.js reduceTree), not a second thread.
//
// The rules follow DevTools' SamplesIntegrator:
// - A sample inside an event places its JS frames under the innermost open
//   event. A frame lasts until the next sample that does not share it, or
//   until that event ends, whichever comes first.
// - An event that starts while JS frames opened inside its parent are still
//   running (a GC, a forced layout, a nested FunctionCall) nests under them,
//   and those frames cannot end before it does. Samples inside such an event
//   keep those frames: only the part of their stack below them is new.
// - Inside events, "(program)" and "(idle)" samples end the JS frames (the
//   time is the event's own); a "(garbage collector)" sample puts a GC frame
//   on top of the JS frames still running.
// - Outside any event a sample's stack is drawn as it is, (idle) and
//   (program) included, as in a thread with samples only. Those frames end
//   where the next top-level event begins.
// - An event starting at a sample's time comes before the sample; one ending
//   at a sample's time ends before it.
//
// One pass over events (in preorder) and samples (in time order), with no
// recursion: linear in events + samples, plus the frames each sample opens or
// closes.
import { throwIfAborted } from '../errors.ts';
import { TimelineBuilder, framesOpenedAfter, type ThreadTimeline } from '../model/thread-timeline.ts';
import { SampleState, type SampledStacks } from './chrome-cpuprofile.ts';

const NO_FRAMES = new Uint32Array(0);

/**
 * The thread's events with its samples merged in, as one new timeline (same
 * id, name, pid and tid). `states` gives each frame's SampleState when it is
 * a sample's only frame (see v8SampleStates). Markers are not carried over.
 */
export function mergeSamplesIntoEvents(events: ThreadTimeline, samples: SampledStacks, states: Uint8Array, signal?: AbortSignal): ThreadTimeline {
  const builder = new TimelineBuilder({
    id: events.id,
    name: events.name,
    pid: events.pid,
    tid: events.tid,
    capacity: mergedCapacity(events, samples),
  });
  const merger = new SampleMerger(builder, events, states);
  const { times, stackIndices, stacks } = samples;
  for (let k = 0; k < times.length; k++) {
    if ((k & 0xffff) === 0) throwIfAborted(signal);
    const t = times[k];
    merger.enterEventsFrom(t);
    merger.closeEventsEndingBy(t);
    merger.sample(stacks[stackIndices[k]], t);
  }
  merger.enterEventsFrom(Infinity);
  merger.closeEventsEndingBy(Infinity);
  const end = Math.max(events.count > 0 ? events.endTime : -Infinity, samples.endTime ?? -Infinity);
  return builder.finish(end === -Infinity ? undefined : end);
}

/**
 * Room for the merged intervals, so that the builder does not grow (each time
 * allocating and copying its arrays, which cost more than this count): the
 * events, the frames the samples open on their own (those a sample does not
 * share with the one before), and half as many again for frames reopened after
 * an event cut them.
 */
function mergedCapacity(events: ThreadTimeline, { stackIndices, stacks }: SampledStacks): number {
  let opened = 0;
  let previous: Uint32Array = NO_FRAMES;
  for (let k = 0; k < stackIndices.length; k++) {
    const stack = stacks[stackIndices[k]];
    if (stack === previous) continue;
    opened += framesOpenedAfter(previous, stack);
    previous = stack;
  }
  return events.count + Math.ceil(1.5 * opened);
}

/**
 * The merge's state: the open events (innermost last) and, through the
 * builder, the open calls of both kinds. A class rather than closures, so the
 * per-sample and per-event steps are plain methods over typed arrays.
 */
class SampleMerger {
  /** Next event (preorder index) to enter. */
  private next = 0;
  /** Per open event: its end, its depth among the builder's open calls, and how many of the calls below it are JS frames. */
  private eventEnds = new Float64Array(64);
  private eventDepths = new Uint32Array(64);
  private framesBelow = new Uint32Array(64);
  private openEvents = 0;
  /** The last sample's stack while the open calls are still exactly what it left (for repeated samples). */
  private lastStack: Uint32Array | undefined;

  constructor(
    private readonly builder: TimelineBuilder,
    private readonly events: ThreadTimeline,
    private readonly states: Uint8Array,
  ) {}

  /** Enters every event starting at or before `t`, each after closing the open events it does not nest in. */
  enterEventsFrom(t: number): void {
    const events = this.events;
    const builder = this.builder;
    for (; this.next < events.count && events.start[this.next] <= t; this.next++) {
      const i = this.next;
      const depth = events.depth[i];
      while (this.openEvents > depth) this.closeInnermostEvent();
      const start = events.start[i];
      // A top-level event ends the frames of samples taken outside any event.
      if (this.openEvents === 0) while (builder.openDepth > 0) builder.leave(start);
      if (this.openEvents === this.eventEnds.length) this.growEventStack();
      const at = this.openEvents++;
      this.eventEnds[at] = events.end[i];
      this.eventDepths[at] = builder.openDepth;
      this.framesBelow[at] = builder.openDepth - at;
      builder.enter(events.frame[i], start);
      this.lastStack = undefined;
    }
  }

  /** Closes the open events that end at or before `t`, innermost first, with the sampled frames inside them. */
  closeEventsEndingBy(t: number): void {
    while (this.openEvents > 0 && this.eventEnds[this.openEvents - 1] <= t) this.closeInnermostEvent();
  }

  sample(stack: Uint32Array, t: number): void {
    const builder = this.builder;
    if (stack === this.lastStack) {
      builder.repeatSample(t);
      return;
    }
    this.lastStack = stack;
    if (this.openEvents === 0) {
      builder.sample(stack, t);
      return;
    }
    const inner = this.openEvents - 1;
    const base = this.eventDepths[inner] + 1;
    const state = stack.length === 1 ? this.states[stack[0]] : stack.length === 0 ? SampleState.NotJs : SampleState.Js;
    if (state === SampleState.Gc) {
      builder.repeatSample(t);
      if (builder.openDepth === base || builder.topFrame() !== stack[0]) builder.enter(stack[0], t);
    } else if (state === SampleState.NotJs) {
      builder.sampleAbove(base, NO_FRAMES, 0, t);
    } else {
      // The frames below the event are taken as the stack's outer part (they cannot have ended).
      builder.sampleAbove(base, stack, Math.min(this.framesBelow[inner], stack.length), t);
    }
  }

  private closeInnermostEvent(): void {
    const at = --this.openEvents;
    const end = this.eventEnds[at];
    const depth = this.eventDepths[at];
    while (this.builder.openDepth > depth) this.builder.leave(end);
    this.lastStack = undefined;
  }

  private growEventStack(): void {
    const size = this.eventEnds.length * 2;
    const ends = new Float64Array(size);
    ends.set(this.eventEnds);
    this.eventEnds = ends;
    const depths = new Uint32Array(size);
    depths.set(this.eventDepths);
    this.eventDepths = depths;
    const below = new Uint32Array(size);
    below.set(this.framesBelow);
    this.framesBelow = below;
  }
}

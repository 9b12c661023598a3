// ftrace text: what `cat /sys/kernel/tracing/trace`, `atrace` and the kernel
// part of an Android systrace report hold, one event per line:
//
//   <comm>-<tid> [(<tgid>)] [<cpu>] [<irq flags>] <seconds>: <event>: <details>
//   SurfaceFlinger-236   [000] 50265.647620: tracing_mark_write: B|124|onMessageReceived
//
// The tgid column comes with the print-tgid option, the flags column ("d..3")
// with Linux 3.2 and later; older kernels name the marker event "0" instead of
// tracing_mark_write. Text copied out of a systrace report may keep the JS
// string's line endings ("...\n\"); they are dropped.
//
// Drawn, as trace-viewer and Perfetto draw them:
// - tracing_mark_write "B|pid|name" and "E" marks (atrace slices) as nested
//   slices on the thread that wrote them (tid = the task column, pid = the B
//   mark's or the tgid column). An E names no slice that can be trusted
//   (trace-viewer and Perfetto ignore any name), so it ends the thread's
//   innermost open slice. ftrace prints events in time order, so each B is
//   paired with its E as they are read and goes to the shared timeline build
//   (chrome-trace-event-timeline.ts) as one complete event. Repairs follow the
//   Chrome importer's rules: an E with nothing open is ignored, a B never
//   ended is closed at the thread's last timestamp; both are counted.
// - sched_switch as one track per CPU, "CPU <n>": a slice for each stretch a
//   thread ran, named "<comm> <tid>"; the idle task (pid 0) is left as a gap.
// Everything else (counters, async slices, other kernel events) is counted by
// kind and reported in a warning, so a file of counters alone says why nothing
// is drawn. A "trace_event_clock_sync: parent_ts=<s>" mark moves every time
// onto the clock of the trace recorded alongside (Chrome's), as trace-viewer does.
import { formatCount } from '../format-count.ts';
import { detachedString } from '../input/text-lines.ts';
import type { FrameTable } from '../model/frame-table.ts';
import { TimelineBuilder, type ThreadTimeline } from '../model/thread-timeline.ts';
import { ThreadEventStore, buildEventTimeline } from './chrome-trace-event-timeline.ts';
import { isSpace } from './frame-name-parsing.ts';
import { secondsToMicros } from './text-timestamps.ts';

export interface FtraceTimelines {
  /** The threads' slices (ids "p<pid>:t<tid>:ftrace"), then the CPU tracks (ids "cpu<n>"). */
  timelines: ThreadTimeline[];
  warnings: string[];
  /** Event lines read. */
  eventCount: number;
}

/** One event line's fields; a single object is reused from line to line. */
interface EventLine {
  comm: string;
  tid: number;
  /** NaN without a tgid column (or with "-----" in it). */
  tgid: number;
  cpu: number;
  /** Microseconds. */
  ts: number;
  event: string;
  details: string;
}

interface ThreadState {
  tid: number;
  pid: number;
  events: ThreadEventStore;
  /** The B slices still open, innermost last. */
  openFrames: number[];
  openStarts: number[];
  lastTs: number;
  unmatchedEnds: number;
}

interface CpuTrack {
  cpu: number;
  builder: TimelineBuilder;
  running: boolean;
}

/** Marks other than B/E, by their phase letter (Android's atrace and Perfetto's list). */
const MARK_KINDS: Record<string, string> = {
  C: 'counter (C)',
  S: 'async begin (S)',
  F: 'async end (F)',
  I: 'instant (I)',
  N: 'track instant (N)',
  G: 'track async begin (G)',
  H: 'track async end (H)',
};
const MARK_EVENTS = new Set(['tracing_mark_write', '0']);
const CLOCK_SYNC = 'trace_event_clock_sync:';
const PARENT_TS = /parent_ts=(\d+)(?:\.(\d+))?/;
/** A B mark with an empty name, named as the Chrome importer names nameless events. */
const UNNAMED = '(unnamed)';
/** Bad lines quoted in the warning are cut to this many characters. */
const QUOTED_LINE_CHARS = 120;

/**
 * Reads ftrace text into timelines whose frames go into `frames` (which may
 * already hold another importer's frames). Feed it lines in file order, then
 * call finish() once.
 */
export class FtraceReader {
  private readonly threads = new Map<number, ThreadState>();
  private readonly cpus = new Map<number, CpuTrack>();
  /** The latest comm seen for each tid anywhere (sched_switch names threads whose own lines say "<...>"). */
  private readonly commByTid = new Map<number, string>();
  private readonly frameOfName = new Map<string, number>();
  /** The CPU-track frame last used for each tid, and the comm it was named by (a switch names the same thread again and again). */
  private readonly runFrameOfTid = new Map<number, { comm: string; frame: number }>();
  private readonly skipped = new Map<string, number>();
  private readonly line: EventLine = { comm: '', tid: 0, tgid: NaN, cpu: 0, ts: 0, event: '', details: '' };
  private badLines = 0;
  private firstBadLine = '';
  private events = 0;
  private lastTs = -Infinity;
  /** parent_ts minus the sync mark's own time, once one is seen. */
  private clockShift: number | undefined;

  constructor(private readonly frames: FrameTable) {}

  /** Event lines read so far. */
  get eventCount(): number {
    return this.events;
  }

  readLines(lines: readonly string[]): void {
    const line = this.line;
    for (const raw of lines) {
      const text = withoutJsLineEnding(raw);
      if (isCommentOrBlank(text)) continue;
      if (!parseEventLine(text, line)) {
        if (this.badLines++ === 0) this.firstBadLine = detachedString(text.trim().slice(0, QUOTED_LINE_CHARS));
        continue;
      }
      this.events++;
      if (line.ts > this.lastTs) this.lastTs = line.ts;
      if (line.comm !== '<...>') this.rememberComm(line.tid, line.comm);
      if (MARK_EVENTS.has(line.event)) this.readMark(line);
      else if (line.event === 'sched_switch') this.readSchedSwitch(line);
      else this.skip(line.event);
    }
  }

  finish(): FtraceTimelines {
    const threadTimelines: { timeline: ThreadTimeline; pid: number; tid: number }[] = [];
    const unmatchedEnds: Repair = { count: 0, threads: [] };
    const unclosedBegins: Repair = { count: 0, threads: [] };
    for (const thread of this.threads.values()) {
      const unclosed = this.closeOpenSlices(thread);
      const name = this.threadName(thread);
      const key = Number.isNaN(thread.pid) ? `t${thread.tid}` : `p${thread.pid}:t${thread.tid}`;
      const { timeline } = buildEventTimeline(thread.events, {
        id: `${key}:ftrace`,
        name,
        pid: Number.isNaN(thread.pid) ? undefined : thread.pid,
        tid: thread.tid,
        // Complete events only: the build never matches E events by name.
        frameNames: [],
      });
      countRepair(unmatchedEnds, thread.unmatchedEnds, `${name} (${thread.tid})`);
      countRepair(unclosedBegins, unclosed, `${name} (${thread.tid})`);
      if (timeline.count > 0) threadTimelines.push({ timeline, pid: thread.pid, tid: thread.tid });
    }
    threadTimelines.sort((a, b) => orderNaNLast(a.pid, b.pid) || a.tid - b.tid);
    const cpuTimelines = [...this.cpus.values()]
      .sort((a, b) => a.cpu - b.cpu)
      .map((track) => track.builder.finish(this.lastTs))
      .filter((timeline) => timeline.count > 0);
    const timelines = [...threadTimelines.map((t) => t.timeline), ...cpuTimelines];
    if (this.clockShift !== undefined && this.clockShift !== 0) for (const timeline of timelines) shiftTimeline(timeline, this.clockShift);
    return {
      timelines,
      warnings: this.warnings(timelines.length, unmatchedEnds, unclosedBegins),
      eventCount: this.events,
    };
  }

  private readMark(line: EventLine): void {
    const mark = line.details;
    const phase = mark.charAt(0);
    const isEnd = phase === 'E' && (mark.length === 1 || mark.charCodeAt(1) === 124); /* | */
    if (phase === 'B' && mark.charCodeAt(1) === 124) {
      const pidEnd = mark.indexOf('|', 2);
      const pid = pidEnd > 2 ? Number(mark.slice(2, pidEnd)) : NaN;
      if (!Number.isInteger(pid)) return this.skip('malformed B mark');
      // The name ends at the next "|" (Chrome's marks append "|args|category"), as trace-viewer reads it.
      const nameEnd = mark.indexOf('|', pidEnd + 1);
      this.begin(line, pid, mark.slice(pidEnd + 1, nameEnd < 0 ? mark.length : nameEnd));
    } else if (isEnd) {
      this.end(line);
    } else if (mark.charCodeAt(1) === 124 && MARK_KINDS[phase] !== undefined) {
      this.skip(MARK_KINDS[phase]);
    } else if (mark.startsWith(CLOCK_SYNC)) {
      this.readClockSync(line);
    } else {
      this.skip(`${line.event === '0' ? 'marker' : 'tracing_mark_write'} text`);
    }
  }

  private begin(line: EventLine, pid: number, name: string): void {
    const thread = this.threadOf(line);
    if (Number.isNaN(thread.pid)) thread.pid = pid;
    thread.openFrames.push(this.frameOf(name === '' ? UNNAMED : name));
    thread.openStarts.push(line.ts);
    if (line.ts > thread.lastTs) thread.lastTs = line.ts;
  }

  private end(line: EventLine): void {
    const thread = this.threadOf(line);
    if (line.ts > thread.lastTs) thread.lastTs = line.ts;
    const frame = thread.openFrames.pop();
    if (frame === undefined) {
      thread.unmatchedEnds++;
      return;
    }
    const start = thread.openStarts.pop()!;
    thread.events.pushComplete(start, Math.max(0, line.ts - start), frame);
  }

  /** Closes the slices a thread never ended at its last timestamp; returns how many. */
  private closeOpenSlices(thread: ThreadState): number {
    const count = thread.openFrames.length;
    while (thread.openFrames.length > 0) {
      const start = thread.openStarts.pop()!;
      thread.events.pushComplete(start, Math.max(0, thread.lastTs - start), thread.openFrames.pop()!);
    }
    return count;
  }

  private readSchedSwitch(line: EventLine): void {
    const next = parseSchedSwitch(line.details);
    if (!next) return this.skip('unreadable sched_switch');
    this.rememberComm(next.prevPid, next.prevComm);
    this.rememberComm(next.nextPid, next.nextComm);
    let track = this.cpus.get(line.cpu);
    if (!track) {
      track = { cpu: line.cpu, builder: new TimelineBuilder({ id: `cpu${line.cpu}`, name: `CPU ${line.cpu}` }), running: false };
      this.cpus.set(line.cpu, track);
    }
    if (track.running) track.builder.leave(line.ts);
    track.running = next.nextPid !== 0;
    if (track.running) track.builder.enter(this.runFrame(next.nextPid, next.nextComm), line.ts);
  }

  /** "<comm> <tid>": the frame of a thread's stretch on a CPU. */
  private runFrame(tid: number, comm: string): number {
    const known = this.runFrameOfTid.get(tid);
    if (known?.comm === comm) return known.frame;
    const frame = this.frameOf(`${comm} ${tid}`);
    this.runFrameOfTid.set(tid, { comm: detachedString(comm), frame });
    return frame;
  }

  private readClockSync(line: EventLine): void {
    const sync = PARENT_TS.exec(line.details);
    if (!sync) return this.skip('clock sync (name=) mark');
    // The first sync decides, as in trace-viewer; parent_ts=0 means both clocks are the same.
    if (this.clockShift !== undefined) return;
    const parentTs = secondsToMicros(sync[1], sync[2] ?? '');
    this.clockShift = parentTs === 0 ? 0 : parentTs - line.ts;
  }

  private threadOf(line: EventLine): ThreadState {
    let thread = this.threads.get(line.tid);
    if (!thread) {
      thread = {
        tid: line.tid,
        pid: line.tgid,
        events: new ThreadEventStore(),
        openFrames: [],
        openStarts: [],
        lastTs: -Infinity,
        unmatchedEnds: 0,
      };
      this.threads.set(line.tid, thread);
    }
    return thread;
  }

  /** Its latest comm from any line; ftrace prints "<...>" for a task it did not record the name of. */
  private threadName(thread: ThreadState): string {
    return this.commByTid.get(thread.tid) ?? `tid ${thread.tid}`;
  }

  private rememberComm(tid: number, comm: string): void {
    if (tid === 0 || this.commByTid.get(tid) === comm) return;
    this.commByTid.set(tid, detachedString(comm));
  }

  private frameOf(name: string): number {
    let frame = this.frameOfName.get(name);
    if (frame === undefined) {
      const kept = detachedString(name);
      frame = this.frames.internName(kept);
      this.frameOfName.set(kept, frame);
    }
    return frame;
  }

  private skip(kind: string): void {
    this.skipped.set(kind, (this.skipped.get(kind) ?? 0) + 1);
  }

  private warnings(drawn: number, unmatchedEnds: Repair, unclosedBegins: Repair): string[] {
    const warnings: string[] = [];
    if (this.skipped.size > 0) {
      const kinds = [...this.skipped].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      warnings.push(
        `Skipped: ${kinds.map(([kind, n]) => `${formatCount(n)} ${kind}`).join(', ')} events (only tracing_mark_write B/E slices and sched_switch CPU tracks are drawn).`,
      );
    }
    if (drawn === 0 && this.events > 0) {
      warnings.push('Nothing to draw: the ftrace data has no tracing_mark_write B/E slices and no sched_switch events.');
    }
    if (unmatchedEnds.count > 0) {
      warnings.push(`${formatCount(unmatchedEnds.count)} end (E) marks had no open slice to close and were ignored (${threadList(unmatchedEnds)}).`);
    }
    if (unclosedBegins.count > 0) {
      warnings.push(
        `${formatCount(unclosedBegins.count)} begin (B) marks were never ended; they were closed at their thread's last event (${threadList(unclosedBegins)}).`,
      );
    }
    if (this.badLines > 0) {
      warnings.push(`${formatCount(this.badLines)} lines were not ftrace events and were skipped (the first: ${JSON.stringify(this.firstBadLine)}).`);
    }
    return warnings;
  }
}

/** One kind of B/E repair: how many, and on which threads ("name (tid)"). */
interface Repair {
  count: number;
  threads: string[];
}

function countRepair(repair: Repair, count: number, thread: string): void {
  if (count === 0) return;
  repair.count += count;
  repair.threads.push(thread);
}

function threadList({ threads }: Repair): string {
  return threads.length > 3 ? `${threads.slice(0, 3).join(', ')} and ${threads.length - 3} more threads` : threads.join(', ');
}

/** Ftrace text already in memory, such as the "systemTraceEvents" string some Chrome traces carry. */
export function ftraceTimelines(text: string, frames: FrameTable): FtraceTimelines {
  const reader = new FtraceReader(frames);
  reader.readLines(text.split(/\r\n|\n|\r/));
  return reader.finish();
}

/**
 * Whether `text` (the first lines of an input) is ftrace output: a
 * "# tracer:" header, or a first event line of the ftrace shape. atrace's own
 * "capturing trace..." and "TRACE:" lines may come first.
 */
export function looksLikeFtrace(text: string): boolean {
  const line: EventLine = { comm: '', tid: 0, tgid: NaN, cpu: 0, ts: 0, event: '', details: '' };
  for (const raw of text.split(/\r\n|\n|\r/, 64)) {
    const trimmed = withoutJsLineEnding(raw).trim();
    if (trimmed.startsWith('# tracer:')) return true;
    if (isCommentOrBlank(trimmed) || trimmed === 'TRACE:' || trimmed.startsWith('capturing trace')) continue;
    return parseEventLine(trimmed, line);
  }
  return false;
}

function isCommentOrBlank(line: string): boolean {
  const trimmed = line.trimStart();
  return trimmed === '' || trimmed.charCodeAt(0) === 35; /* # */
}

/** A line as a systrace report's JS string literal writes it: `...\n\` (or `...\n` at the end). */
function withoutJsLineEnding(line: string): string {
  if (line.endsWith('\\n\\')) return line.slice(0, -3);
  if (line.endsWith('\\n')) return line.slice(0, -2);
  return line;
}

/**
 * Splits an event line into `out`. A scan rather than one regex: the task
 * name may hold spaces, dashes and brackets, and a backtracking regex over a
 * long line that is not an event can take quadratic time. The CPU column
 * "[003]" anchors the line; the task name is everything before it.
 */
function parseEventLine(line: string, out: EventLine): boolean {
  for (let bracket = line.indexOf('['); bracket > 0; bracket = line.indexOf('[', bracket + 1)) {
    let close = bracket + 1;
    while (isDigit(line.charCodeAt(close))) close++;
    if (close === bracket + 1 || line.charCodeAt(close) !== 93 /* ] */ || !isSpace(line.charCodeAt(bracket - 1))) continue;
    if (!readTask(line, bracket, out)) continue;
    out.cpu = Number(line.slice(bracket + 1, close));
    return readEvent(line, close + 1, out);
  }
  return false;
}

/** The task before `end`: "comm-tid" or "comm-tid (tgid)" (tgid may be "-----"), scanned from its end. */
function readTask(line: string, end: number, out: EventLine): boolean {
  let i = end;
  while (i > 0 && isSpace(line.charCodeAt(i - 1))) i--;
  out.tgid = NaN;
  if (line.charCodeAt(i - 1) === 41 /* ) */) {
    const open = line.lastIndexOf('(', i);
    if (open < 0) return false;
    const tgid = line.slice(open + 1, i - 1).trim();
    if (/^\d+$/.test(tgid)) out.tgid = Number(tgid);
    else if (!/^-+$/.test(tgid)) return false;
    i = open;
    while (i > 0 && isSpace(line.charCodeAt(i - 1))) i--;
  }
  const tidEnd = i;
  while (i > 0 && isDigit(line.charCodeAt(i - 1))) i--;
  if (i === tidEnd || line.charCodeAt(i - 1) !== 45 /* - */) return false;
  const dash = i - 1;
  let commStart = 0;
  while (commStart < dash && isSpace(line.charCodeAt(commStart))) commStart++;
  if (commStart === dash) return false;
  out.comm = line.slice(commStart, dash);
  out.tid = Number(line.slice(i, tidEnd));
  return true;
}

/** After the CPU column: optional irq flags, "seconds:", "event:", details. */
function readEvent(line: string, from: number, out: EventLine): boolean {
  let i = skipSpaces(line, from);
  // Flags ("d..3", "dNh1.") never start with a digit; the timestamp always does.
  if (i < line.length && !isDigit(line.charCodeAt(i))) {
    while (i < line.length && !isSpace(line.charCodeAt(i))) i++;
    i = skipSpaces(line, i);
  }
  const wholeStart = i;
  while (isDigit(line.charCodeAt(i))) i++;
  if (i === wholeStart) return false;
  const whole = line.slice(wholeStart, i);
  let fraction = '';
  if (line.charCodeAt(i) === 46 /* . */) {
    const fractionStart = ++i;
    while (isDigit(line.charCodeAt(i))) i++;
    fraction = line.slice(fractionStart, i);
  }
  if (line.charCodeAt(i) !== 58 /* : */) return false;
  i = skipSpaces(line, i + 1);
  const eventStart = i;
  while (i < line.length && line.charCodeAt(i) !== 58 && !isSpace(line.charCodeAt(i))) i++;
  if (i === eventStart || line.charCodeAt(i) !== 58) return false;
  out.event = line.slice(eventStart, i);
  out.details = line.slice(line.charCodeAt(i + 1) === 32 ? i + 2 : i + 1);
  out.ts = secondsToMicros(whole, fraction);
  return true;
}

/** "prev_comm=a prev_pid=1 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120" (comms may hold spaces). */
function parseSchedSwitch(details: string): { prevComm: string; prevPid: number; nextComm: string; nextPid: number } | undefined {
  const arrow = details.indexOf(' ==> ');
  if (arrow < 0) return undefined;
  const prev = commAndPid(details, 0, arrow, 'prev_');
  const next = commAndPid(details, arrow + 5, details.length, 'next_');
  return prev && next ? { prevComm: prev.comm, prevPid: prev.pid, nextComm: next.comm, nextPid: next.pid } : undefined;
}

function commAndPid(text: string, from: number, to: number, prefix: string): { comm: string; pid: number } | undefined {
  const commKey = `${prefix}comm=`;
  const pidKey = ` ${prefix}pid=`;
  const commAt = text.indexOf(commKey, from);
  const pidAt = text.lastIndexOf(pidKey, to);
  if (commAt < 0 || commAt >= to || pidAt < commAt) return undefined;
  let end = pidAt + pidKey.length;
  const digits = end;
  while (end < to && isDigit(text.charCodeAt(end))) end++;
  if (end === digits) return undefined;
  return { comm: text.slice(commAt + commKey.length, pidAt), pid: Number(text.slice(digits, end)) };
}

function shiftTimeline(timeline: ThreadTimeline, shift: number): void {
  for (let i = 0; i < timeline.count; i++) {
    timeline.start[i] += shift;
    timeline.end[i] += shift;
  }
  timeline.startTime += shift;
  timeline.endTime += shift;
}

function orderNaNLast(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  return Number.isNaN(b) ? -1 : a - b;
}

function skipSpaces(line: string, i: number): number {
  while (i < line.length && isSpace(line.charCodeAt(i))) i++;
  return i;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

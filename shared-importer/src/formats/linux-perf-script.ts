// `perf script` text output: per sample a header line
//   comm  pid/tid [cpu] seconds.micros: [period] event:
// then the call chain, innermost frame first, one "address symbol+off (dso)"
// per line, and a blank line. Streamed line by line; one thread per pid/tid.
import { TraceImportError } from '../errors.ts';
import { detachedString, textLineBatches } from '../input/text-lines.ts';
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan, type Profile } from '../model/profile.ts';
import { TimelineBuilder, type ThreadTimeline } from '../model/thread-timeline.ts';
import type { ByteStream } from '../input/byte-stream.ts';
import type { FormatImportContext, FormatImporter, SniffedHead } from './format-importer.ts';
import { demangleSimpleCpp, isSpace, splitTrailingParenthesis } from './frame-name-parsing.ts';
import { secondsToMicros } from './text-timestamps.ts';

/** comm (may contain spaces), pid[/tid], optional [cpu], time in seconds, then the rest ("1001001 cpu-clock: "). */
const HEADER = /^(\S.*?)\s+(\d+)(?:\/(\d+))?\s+(?:\[(\d+)\]\s+)?(\d+)\.(\d+):\s*(.*)$/;
/** "[period] event[:modifiers]:" followed by anything perf prints on the same line. */
const EVENT = /^(?:(\d+)\s+)?([^\s:]+)(?::[^\s:]*)*:\s*(.*)$/;
const SYMBOL_OFFSET = /\+0x[0-9a-fA-F]+$/;
/** Events whose period is a duration in nanoseconds, so samples are known to be that far apart. */
const CLOCK_EVENTS = new Set(['cpu-clock', 'task-clock']);

export const linuxPerfScriptImporter: FormatImporter = {
  format: 'linux-perf-script',
  detect(head: SniffedHead): boolean {
    const lines = head.text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line.trim() === '' || line.startsWith('#')) continue;
      if (!HEADER.test(line) || !EVENT.test(HEADER.exec(line)![7])) return false;
      const next = lines[i + 1];
      return next === undefined || next.trim() === '' || parseStackLine(next) !== undefined || HEADER.test(next);
    }
    return false;
  },
  import: importPerfScript,
};

interface ThreadState {
  builder: TimelineBuilder;
  lastTs: number;
  lastDelta: number;
}

async function importPerfScript(input: ByteStream, context: FormatImportContext): Promise<Profile> {
  const frames = new FrameTable();
  const threads = new Map<string, ThreadState>();
  // A call-chain line always names the same frame: parse each distinct line once.
  const frameOfLine = new Map<string, number>();
  let eventName: string | undefined;
  /** Microseconds between samples, known for clock events with a period. */
  let interval = 0;
  let samples = 0;
  /** Samples already reported to the progress counter. */
  let counted = 0;
  let otherEvents = 0;
  let strayLines = 0;
  let inSample = false;
  let current: ThreadState | undefined;
  let currentTs = 0;
  const stack: number[] = [];

  const endSample = () => {
    if (!inSample) return;
    inSample = false;
    if (!current) return;
    const thread = current;
    current = undefined;
    stack.reverse();
    // A thread that was not sampled for a while was off CPU: end its calls
    // one interval after its last sample instead of stretching them over the gap.
    if (interval > 0 && thread.lastTs !== -Infinity && currentTs - thread.lastTs > 2 * interval) {
      while (thread.builder.openDepth > 0) thread.builder.leave(thread.lastTs + interval);
    }
    thread.builder.sample(stack, currentTs);
    if (thread.lastTs !== -Infinity && currentTs > thread.lastTs) thread.lastDelta = currentTs - thread.lastTs;
    thread.lastTs = currentTs;
    samples++;
  };

  /** Frame of a call-chain line, or -1 when the line is not one. */
  const frameOf = (line: string): number => {
    let frame = frameOfLine.get(line);
    if (frame !== undefined) return frame;
    const parsed = parseStackLine(line);
    if (!parsed) return -1;
    frame = frames.intern({
      name: detachedString(parsed.symbol === '' ? `0x${parsed.address}` : parsed.symbol),
      file: parsed.dso === undefined ? undefined : detachedString(parsed.dso),
    });
    frameOfLine.set(detachedString(line), frame);
    return frame;
  };

  for await (const lines of textLineBatches(input, { signal: context.signal, what: 'A perf script file' })) {
    for (const line of lines) {
      if (line === '' || line.trim() === '') {
        endSample();
        continue;
      }
      const first = line.charCodeAt(0);
      if (first === 32 || first === 9) {
        if (!inSample) strayLines++;
        else if (current) {
          const frame = frameOf(line);
          if (frame >= 0) stack.push(frame);
          else strayLines++;
        }
        continue;
      }
      if (first === 35 /* # */) continue;
      endSample();
      const header = HEADER.exec(line);
      const event = header && EVENT.exec(header[7]);
      if (!header || !event) {
        strayLines++;
        continue;
      }
      inSample = true;
      stack.length = 0;
      const name = event[2];
      if (eventName === undefined) {
        eventName = name;
        if (CLOCK_EVENTS.has(name) && event[1] !== undefined) interval = Number(event[1]) / 1000;
      }
      if (name !== eventName) {
        otherEvents++;
        continue;
      }
      const [, comm, firstId, secondId, , seconds, fraction] = header;
      const pid = secondId !== undefined ? Number(firstId) : undefined;
      const tid = Number(secondId ?? firstId);
      const key = pid !== undefined ? `p${pid}:t${tid}` : `t${tid}`;
      let thread = threads.get(key);
      if (!thread) {
        thread = { builder: new TimelineBuilder({ id: key, name: detachedString(comm.trim()), pid, tid }), lastTs: -Infinity, lastDelta: 0 };
        threads.set(key, thread);
      }
      current = thread;
      currentTs = secondsToMicros(seconds, fraction);
      // perf without -g prints the sampled location on the header line itself.
      const sameLine = event[3];
      if (sameLine !== '') {
        const frame = frameOf(` ${sameLine}`);
        if (frame >= 0) stack.push(frame);
      }
    }
    context.countEvents(samples + otherEvents - counted);
    counted = samples + otherEvents;
  }
  endSample();
  context.countEvents(samples + otherEvents - counted);

  if (threads.size === 0) {
    throw new TraceImportError('invalid-data', 'The perf script output has no samples (no "comm pid time: event:" header lines).');
  }
  const timelines: ThreadTimeline[] = [];
  let clamped = 0;
  for (const thread of threads.values()) {
    const duration = interval > 0 ? interval : thread.lastDelta;
    clamped += thread.builder.clampedTimestamps;
    timelines.push(thread.builder.finish(thread.lastTs + duration));
  }
  const warnings: string[] = [];
  if (otherEvents > 0) {
    warnings.push(`${otherEvents} samples of events other than "${eventName}" were left out (one event type per profile).`);
  }
  if (strayLines > 0) warnings.push(`${strayLines} lines were neither a sample header nor a call-chain line and were skipped.`);
  if (clamped > 0) warnings.push(`${clamped} sample times went backwards within a thread and were clamped.`);
  return {
    format: 'linux-perf-script',
    name: context.fileName,
    unit: 'microseconds',
    frames,
    threads: timelines,
    ...profileSpan(timelines),
    eventCount: samples + otherEvents,
    warnings,
  };
}

/**
 * A call-chain line: indentation, hex address, then "symbol+0xoff (dso)",
 * either part optional. The offset is dropped so one function is one frame;
 * simple C++ names are demangled (perf leaves them mangled without a demangler).
 */
function parseStackLine(line: string): { address: string; symbol: string; dso?: string } | undefined {
  let i = 0;
  while (i < line.length && isSpace(line.charCodeAt(i))) i++;
  if (i === 0) return undefined;
  let j = i;
  while (j < line.length && isHexDigit(line.charCodeAt(j))) j++;
  if (j === i || (j < line.length && !isSpace(line.charCodeAt(j)))) return undefined;
  const rest = line.slice(j).trim();
  const split = splitTrailingParenthesis(rest);
  const symbol = demangleSimpleCpp((split ? split.before : rest).replace(SYMBOL_OFFSET, ''));
  return { address: line.slice(i, j), symbol, dso: split && split.inside !== '' ? split.inside : undefined };
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

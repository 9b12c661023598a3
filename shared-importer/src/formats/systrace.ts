// Android systrace: plain ftrace text (atrace output), or the HTML report
// systrace writes around it. Reports come in two styles:
// - old: the ftrace text in a JS string literal, `var linuxPerfData = "\`
//   followed by one `...\n\` line per event, inside an ordinary <script>;
// - current: one `<script class="trace-data" type="application/text">` block
//   per recording agent, each holding ftrace text or a Chrome JSON trace (the
//   browser's own events, when Chrome was traced alongside). The JSON goes
//   through the Chrome trace importer as it is; its threads and the ftrace
//   timelines end up in one profile.
// Every block is streamed (html-scripts.ts); the ftrace model is ftrace-text.ts.
import { throwIfAborted } from '../errors.ts';
import { ByteStream } from '../input/byte-stream.ts';
import { htmlScripts } from '../input/html-scripts.ts';
import { decodeHead } from '../input/text-decoding.ts';
import { textLineBatches } from '../input/text-lines.ts';
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan, type Profile } from '../model/profile.ts';
import type { ThreadTimeline } from '../model/thread-timeline.ts';
import { chromeTraceEventImporter } from './chrome-trace-event.ts';
import type { FormatImportContext, FormatImporter, SniffedHead } from './format-importer.ts';
import { FtraceReader, looksLikeFtrace } from './ftrace-text.ts';

/** An HTML document: a doctype or <html> first, after any comments. */
const HTML_START = /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html)[\s>]/i;
const TRACE_DATA_TAG = /\bclass\s*=\s*["']?trace-data\b/i;
/** trace2html's gzipped, base64-encoded trace. */
const VIEWER_DATA_TAG = /\bid\s*=\s*["']?viewer-data\b/i;
/** How an old-style report's data script starts (after 'use strict', as trivial reports write it). */
const LINUX_PERF_DATA = /^\s*(?:(['"])use strict\1;?\s*)?var\s+linuxPerfData\s*=\s*"/;
const LINUX_PERF_DATA_LINE = /var\s+linuxPerfData\s*=\s*"/;
/** Enough of a block to tell JSON from ftrace text. */
const BLOCK_SNIFF_BYTES = 64 * 1024;

export const systraceImporter: FormatImporter = {
  format: 'systrace',
  detect(head: SniffedHead): boolean {
    return isHtml(head.text) || looksLikeFtrace(head.text);
  },
  async import(input, context) {
    const head = decodeHead(await input.peek(4096));
    return isHtml(head) ? importReport(input, context) : importFtraceText(input, context);
  },
};

function isHtml(text: string): boolean {
  return HTML_START.test(text.replace(/^\uFEFF/, ''));
}

async function importFtraceText(input: ByteStream, context: FormatImportContext): Promise<Profile> {
  const frames = new FrameTable();
  const reader = new FtraceReader(frames);
  await readFtraceLines(reader, textLineBatches(input, { signal: context.signal, what: 'An ftrace text file' }), context);
  const { timelines, warnings, eventCount } = reader.finish();
  return systraceProfile(context.fileName, frames, timelines, eventCount, warnings);
}

/** What a report's blocks held, gathered as they stream past. */
interface ReportParts {
  chrome: Profile[];
  ftraceBlocks: number;
  /** Blocks holding neither ftrace text nor a Chrome trace (process dumps, cgroup lists...). */
  otherBlocks: number;
  compressedBlocks: number;
}

async function importReport(input: ByteStream, context: FormatImportContext): Promise<Profile> {
  const ftraceFrames = new FrameTable();
  const reader = new FtraceReader(ftraceFrames);
  const parts: ReportParts = { chrome: [], ftraceBlocks: 0, otherBlocks: 0, compressedBlocks: 0 };
  for await (const script of htmlScripts(input)) {
    throwIfAborted(context.signal);
    const block = new ByteStream(script.content);
    if (TRACE_DATA_TAG.test(script.tag)) await readDataBlock(block, reader, parts, context);
    else if (VIEWER_DATA_TAG.test(script.tag)) parts.compressedBlocks++;
    else if (LINUX_PERF_DATA.test(decodeHead(await block.peek(256)))) {
      parts.ftraceBlocks++;
      await readFtraceLines(reader, jsStringLines(textLineBatches(block, { signal: context.signal, what: 'A systrace report' })), context);
    }
    await block.close();
  }
  if (parts.chrome.length === 0 && parts.ftraceBlocks === 0) throw context.notATrace(reportWithoutTrace(parts));
  const ftrace = reader.finish();
  const [first, ...others] = parts.chrome;
  const frames = first?.frames ?? ftraceFrames;
  const timelines = [...(first?.threads ?? [])];
  const warnings = [...(first?.warnings ?? [])];
  for (const other of others) {
    timelines.push(...moveFrames(other.threads, other.frames, frames));
    warnings.push(...other.warnings);
  }
  timelines.push(...moveFrames(ftrace.timelines, ftraceFrames, frames));
  warnings.push(...ftrace.warnings);
  if (parts.otherBlocks > 0) warnings.push(`${parts.otherBlocks} data blocks of the report hold neither ftrace text nor a Chrome trace and were skipped.`);
  const eventCount = parts.chrome.reduce((n, p) => n + p.eventCount, ftrace.eventCount);
  return systraceProfile(context.fileName, frames, timelines, eventCount, warnings);
}

/** A `<script class="trace-data">` block: a Chrome JSON trace, ftrace text, or something else (skipped). */
async function readDataBlock(block: ByteStream, reader: FtraceReader, parts: ReportParts, context: FormatImportContext): Promise<void> {
  const bytes = await block.peek(BLOCK_SNIFF_BYTES);
  const head: SniffedHead = { bytes, text: decodeHead(bytes) };
  if (chromeTraceEventImporter.detect(head)) {
    parts.chrome.push(await chromeTraceEventImporter.import(block, context));
  } else if (looksLikeFtrace(head.text)) {
    parts.ftraceBlocks++;
    await readFtraceLines(reader, textLineBatches(block, { signal: context.signal, what: 'A systrace report' }), context);
  } else if (head.text.trim() !== '') {
    parts.otherBlocks++;
  }
}

async function readFtraceLines(reader: FtraceReader, batches: AsyncIterable<string[]>, context: FormatImportContext): Promise<void> {
  let counted = reader.eventCount;
  for await (const lines of batches) {
    reader.readLines(lines);
    context.countEvents(reader.eventCount - counted);
    counted = reader.eventCount;
  }
}

/**
 * The lines of an old-style report's JS string literal, from `var
 * linuxPerfData = "\` to the closing `";`: each source line ends in `\n\`
 * (an escaped newline, then a line continuation), and escapes are undone.
 */
async function* jsStringLines(batches: AsyncIterable<string[]>): AsyncIterable<string[]> {
  let started = false;
  for await (const batch of batches) {
    const out: string[] = [];
    for (let line of batch) {
      if (!started) {
        const opening = LINUX_PERF_DATA_LINE.exec(line);
        if (!opening) continue;
        started = true;
        line = line.slice(opening.index + opening[0].length);
      }
      // The common line: `...\n\` with no other escape in it.
      if (line.endsWith('\\n\\') && line.indexOf('\\') === line.length - 3) {
        out.push(line.slice(0, -3));
        continue;
      }
      const closing = /"\s*;?\s*$/.exec(line);
      if (closing && !isEscaped(line, closing.index)) {
        out.push(...unescapeJs(line.slice(0, closing.index)));
        yield out;
        return;
      }
      out.push(...unescapeJs(line.endsWith('\\') ? line.slice(0, -1) : line));
    }
    yield out;
  }
}

/** A JS string literal's text (without quotes) as the lines it holds; a final escaped newline ends the last line. */
function unescapeJs(text: string): string[] {
  const plain = text.indexOf('\\') < 0 ? text : text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '' : c));
  const lines = plain.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Whether the character at `at` follows an odd number of backslashes. */
function isEscaped(text: string, at: number): boolean {
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === 92; i--) backslashes++;
  return backslashes % 2 === 1;
}

function reportWithoutTrace(parts: ReportParts): string {
  if (parts.compressedBlocks > 0) return 'an HTML trace report whose data is trace2html\'s compressed "viewer-data" block, which we do not read yet';
  if (parts.otherBlocks > 0) return 'an HTML systrace report whose data blocks hold neither ftrace text nor a Chrome trace';
  return 'an HTML page without trace data (no systrace "linuxPerfData" script and no <script class="trace-data"> block)';
}

/** Re-points timelines whose frames are in `from` at the same frames in `to` (a no-op when they are the same table). */
function moveFrames(timelines: ThreadTimeline[], from: FrameTable, to: FrameTable): ThreadTimeline[] {
  if (from === to) return timelines;
  const mapped = new Int32Array(from.length).fill(-1);
  for (const timeline of timelines) {
    const frame = timeline.frame;
    for (let i = 0; i < timeline.count; i++) {
      const f = frame[i];
      if (mapped[f] < 0) mapped[f] = to.intern(from.get(f));
      frame[i] = mapped[f];
    }
  }
  return timelines;
}

function systraceProfile(fileName: string, frames: FrameTable, threads: ThreadTimeline[], eventCount: number, warnings: string[]): Profile {
  return {
    format: 'systrace',
    name: fileName,
    unit: 'microseconds',
    frames,
    threads,
    ...profileSpan(threads),
    eventCount,
    warnings,
  };
}

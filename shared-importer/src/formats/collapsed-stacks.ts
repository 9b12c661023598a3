// Collapsed ("folded") stacks, as written by Brendan Gregg's stackcollapse
// scripts and many profilers: one "outer;middle;inner <count>" line per
// distinct stack. There is no clock, so the weights are sample counts and the
// timeline lays the stacks end to end in file order.
import { TraceImportError } from '../errors.ts';
import { detachedString, textLineBatches } from '../input/text-lines.ts';
import { FrameTable } from '../model/frame-table.ts';
import { profileSpan } from '../model/profile.ts';
import { TimelineBuilder } from '../model/thread-timeline.ts';
import type { FormatImporter, SniffedHead } from './format-importer.ts';
import { isSpace } from './frame-name-parsing.ts';

const COUNT = /^\d+(?:\.\d+)?$/;

/**
 * "stack count": the count is the last whitespace-separated field (a stack
 * may itself contain spaces). Undefined when the line is not of that shape.
 */
export function parseFoldedLine(line: string): { stack: string; count: number } | undefined {
  let end = line.length;
  while (end > 0 && isSpace(line.charCodeAt(end - 1))) end--;
  let countStart = end;
  while (countStart > 0 && !isSpace(line.charCodeAt(countStart - 1))) countStart--;
  let stackEnd = countStart;
  while (stackEnd > 0 && isSpace(line.charCodeAt(stackEnd - 1))) stackEnd--;
  if (stackEnd === 0) return undefined;
  const countText = line.slice(countStart, end);
  if (!COUNT.test(countText)) return undefined;
  return { stack: line.slice(0, stackEnd), count: Number(countText) };
}

/** Lines tools write as comments or headers; skipped without a warning. */
function isCommentOrBlank(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//');
}

export const collapsedStacksImporter: FormatImporter = {
  format: 'collapsed-stacks',
  detect(head: SniffedHead): boolean {
    if (head.text.includes('\u0000')) return false;
    const lines = head.text.split(/\r\n|\n|\r/);
    // The head may end mid-line; judge only complete lines unless it is the whole input.
    if (head.bytes.length >= 64 * 1024) lines.pop();
    let valid = 0;
    let invalid = 0;
    for (const line of lines) {
      if (isCommentOrBlank(line)) continue;
      if (parseFoldedLine(line)) valid++;
      else invalid++;
      if (valid + invalid >= 1000) break;
    }
    // A stray header or junk line is tolerated (and reported at import); prose is not.
    return valid > 0 && invalid <= valid / 4;
  },
  async import(input, context) {
    const frames = new FrameTable();
    const builder = new TimelineBuilder({ id: 't0', name: context.fileName });
    // Skips building FrameTable keys for names already seen.
    const frameOfName = new Map<string, number>();
    const stack: number[] = [];
    let time = 0;
    let samples = 0;
    /** Samples already reported to the progress counter. */
    let counted = 0;
    let invalidLines = 0;
    let firstInvalid = '';
    let lineNumber = 0;
    let firstInvalidLine = 0;
    for await (const lines of textLineBatches(input, { signal: context.signal, what: 'A collapsed-stacks file' })) {
      for (const line of lines) {
        lineNumber++;
        if (isCommentOrBlank(line)) continue;
        const parsed = parseFoldedLine(line);
        if (!parsed) {
          if (invalidLines++ === 0) {
            firstInvalid = detachedString(line.length > 80 ? `${line.slice(0, 80)}…` : line);
            firstInvalidLine = lineNumber;
          }
          continue;
        }
        stack.length = 0;
        for (const name of parsed.stack.split(';')) {
          if (name === '') continue;
          let frame = frameOfName.get(name);
          if (frame === undefined) {
            const kept = detachedString(name);
            frame = frames.internName(kept);
            frameOfName.set(kept, frame);
          }
          stack.push(frame);
        }
        samples++;
        if (parsed.count === 0) continue;
        builder.sample(stack, time);
        time += parsed.count;
      }
      context.countEvents(samples - counted);
      counted = samples;
    }
    if (samples === 0) {
      throw new TraceImportError('invalid-data', 'The collapsed-stacks file has no "stack count" lines.');
    }
    const warnings: string[] = [];
    if (invalidLines > 0) {
      warnings.push(
        `${invalidLines} line${invalidLines === 1 ? ' was' : 's were'} not "stack count" and ${invalidLines === 1 ? 'was' : 'were'} skipped (first: line ${firstInvalidLine}, "${firstInvalid}").`,
      );
    }
    const threads = [builder.finish(time)];
    return {
      format: 'collapsed-stacks',
      name: context.fileName,
      unit: 'samples',
      frames,
      threads,
      ...profileSpan(threads),
      eventCount: samples,
      warnings,
    };
  },
};

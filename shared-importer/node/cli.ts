// `trace-analyser summarize <file>`: import a trace from disk, summarise it,
// print the budgeted text (or, with --json, the summary plus text and token
// count). Output goes to stdout, progress and errors to stderr, so the command
// works in pipes; progress only when stderr is a terminal.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TraceImportError, abortedError } from '../src/errors.ts';
import { formatBytes } from '../src/format-bytes.ts';
import type { ImportProgress } from '../src/input/import-options.ts';
import { DEFAULT_TOKEN_BUDGET, MIN_TOKEN_BUDGET, renderSummaryText } from '../src/summary/render-summary-text.ts';
import { SUMMARY_DEFAULTS, summarizeProfile } from '../src/summary/summarize-profile.ts';
import type { TraceSummary, TraceSummaryWithText } from '../src/summary/summary-types.ts';
import { importTraceFile } from './node-host.ts';

export const USAGE = `Usage: trace-analyser summarize <file> [--json] [--budget <tokens>] [--long-task-ms <ms>]

Summarises a performance trace: busy threads, hottest functions and call paths,
long tasks with their dominant stacks, GC, layout/paint and user timings; for a
recording of a web page, its load milestones (FCP, LCP and what delayed it, DCL,
load), render-blocking and slowest requests, CLS and INP.
Reads Chrome traces and .cpuprofile, Firefox, speedscope, perf script,
collapsed stacks, pprof and Android systrace files, gzipped, zipped or not.

Options:
  --json               Print one JSON object: the summary, its text and the text's token count
                       (a web page's metrics under "page": navigations[].fcpMs/lcpMs/dclMs/loadMs,
                       cls, inpMs, network.requests, network.renderBlocking)
  --budget <tokens>    Token budget for the text (o200k_base tokenizer), default ${DEFAULT_TOKEN_BUDGET}, at least ${MIN_TOKEN_BUDGET}
  --long-task-ms <ms>  Tasks at least this long count as long tasks, default ${SUMMARY_DEFAULTS.longTaskThresholdMs}
  -h, --help           Show this help

Exit status: 0 on success, 1 when the file cannot be read or summarised,
2 on a usage error, 130 when cancelled (Ctrl-C).`;

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborted on Ctrl-C. */
  signal?: AbortSignal;
}

class UsageError extends Error {}

interface CliCommand {
  file: string;
  json: boolean;
  budget: number;
  longTaskMs: number;
}

/** Runs the CLI and resolves to its exit status. Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: CliCommand | 'help';
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    await write(io.stderr, `trace-analyser: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command === 'help') {
    await write(io.stdout, `${USAGE}\n`);
    return 0;
  }

  const progress = io.stderr.isTTY ? new ProgressLine(io.stderr) : undefined;
  try {
    await untilAborted(summarizeFile(command, io, progress), io.signal);
    return 0;
  } catch (error) {
    progress?.clear();
    // Ctrl-C: whichever step was running (import, summary, the wait in untilAborted) failed because of it.
    if (io.signal?.aborted) {
      await write(io.stderr, 'trace-analyser: cancelled.\n');
      return 130;
    }
    await write(io.stderr, `trace-analyser: ${errorMessage(error, command.file)}\n`);
    return 1;
  }
}

async function summarizeFile(command: CliCommand, io: CliIo, progress: ProgressLine | undefined): Promise<void> {
  const { signal } = io;
  const summary = await importAndSummarize(command, signal, progress);
  const rendered = await renderSummaryText(summary, { budget: command.budget });
  if (signal?.aborted) throw abortedError();
  progress?.clear();
  if (command.json) {
    const output: TraceSummaryWithText = { ...summary, text: rendered.text, tokens: rendered.tokens };
    await write(io.stdout, `${JSON.stringify(output, null, 2)}\n`);
  } else {
    await write(io.stdout, `${rendered.text}\n`);
  }
}

/**
 * The profile lives only in here, so it is garbage by the time the tokenizer
 * loads: held across the rendering, it raised a 100 MB trace's peak RSS by ~10 MB.
 */
async function importAndSummarize(command: CliCommand, signal: AbortSignal | undefined, progress: ProgressLine | undefined): Promise<TraceSummary> {
  await checkReadableFile(command.file);
  const profile = await importTraceFile(command.file, {
    signal,
    onProgress: progress && ((p) => progress.update(p)),
  });
  progress?.message('Summarising…');
  return summarizeProfile(profile, { longTaskThresholdMs: command.longTaskMs, signal });
}

/**
 * Settles as soon as `signal` aborts, even when the work is stuck in a read
 * that only ends with more input (a FIFO or a terminal as the "file").
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError());
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function parseCommand(argv: readonly string[]): CliCommand | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        budget: { type: 'string' },
        'long-task-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === 'help') return 'help';
  const [name, file, ...extra] = positionals;
  if (name === undefined) throw new UsageError('missing command.');
  if (name !== 'summarize' && name !== 'summarise') throw new UsageError(`unknown command "${name}".`);
  if (file === undefined) throw new UsageError('missing <file>.');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (one file at a time).`);
  return {
    file,
    json: values.json ?? false,
    budget: tokenBudget(values.budget),
    longTaskMs: positiveNumber('--long-task-ms', values['long-task-ms'], SUMMARY_DEFAULTS.longTaskThresholdMs, false),
  };
}

function positiveNumber(flag: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag} needs a positive ${integer ? 'whole ' : ''}number, got "${raw}".`);
  }
  return value;
}

/** Below the minimum, the text could not even say what it left out. */
function tokenBudget(raw: string | undefined): number {
  const budget = positiveNumber('--budget', raw, DEFAULT_TOKEN_BUDGET, true);
  if (budget < MIN_TOKEN_BUDGET) {
    throw new UsageError(`--budget needs at least ${MIN_TOKEN_BUDGET} tokens, room to say what the summary leaves out; got "${raw}".`);
  }
  return budget;
}

async function checkReadableFile(path: string): Promise<void> {
  const info = await stat(path);
  if (info.isDirectory()) throw new TraceImportError('invalid-data', `"${path}" is a directory, not a trace file.`);
}

function errorMessage(error: unknown, file: string): string {
  if (error instanceof TraceImportError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return `no such file: "${file}".`;
  if (code === 'EACCES' || code === 'EPERM') return `permission denied reading "${file}".`;
  if (code === 'EISDIR') return `"${file}" is a directory, not a trace file.`;
  return error instanceof Error ? error.message : String(error);
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    // A closed pipe (`| head`) is not an error worth reporting.
    stream.write(text, () => resolve());
  });
}

/** One self-overwriting status line on a terminal. */
class ProgressLine {
  private lastDraw = 0;
  private shown = false;
  constructor(private readonly stream: NodeJS.WritableStream) {}

  update({ phase, bytesRead, totalBytes, events }: ImportProgress): void {
    const now = Date.now();
    if (phase === 'building') {
      this.message(`Building the profile from ${formatBytes(bytesRead)} · ${events.toLocaleString('en-US')} events`);
      return;
    }
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const percent = totalBytes ? ` (${Math.min(100, Math.floor((bytesRead / totalBytes) * 100))}%)` : '';
    const of = totalBytes ? ` of ${formatBytes(totalBytes)}` : '';
    this.message(`Reading ${formatBytes(bytesRead)}${of}${percent} · ${events.toLocaleString('en-US')} events`);
  }

  message(text: string): void {
    this.stream.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** Entry point for bin/trace-analyser.mjs: wires Ctrl-C to cancellation and sets the exit code. */
export async function main(argv: readonly string[]): Promise<void> {
  const controller = new AbortController();
  const onInterrupt = () => {
    // A second Ctrl-C means "now": do not wait for the import to notice.
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onInterrupt);
  let code: number;
  try {
    code = await runCli(argv, { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  // A read still blocked on its input would keep the process alive after a cancel.
  if (code === 130) process.exit(code);
  process.exitCode = code;
}

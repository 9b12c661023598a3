// Import worker (node:worker_threads): streams a trace through
// shared-importer and posts what the first frame needs (the main thread,
// encoded, its buffer transferred). When main says a window has drawn it
// ('shown'), it posts the whole profile and then the summary: the flame chart
// neither waits for them nor shares the CPU with them. The worker lives
// across imports so its tokenizer and compiled code stay warm; ImportService
// terminates it when an import must stop at once (a stuck parse, a replaced
// import). The input's bytes are also hashed, and compressed for sync, once
// the trace is sent (content-archive.ts). The last trace's profile stays here,
// where the AI's trace tools run on it ('run-tool'): only their small text
// results leave the worker.
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { TraceImportError } from '../../shared-importer/src/errors.ts';
import { importProfileFromChunks } from '../../shared-importer/src/import-profile.ts';
import type { ImportProgress } from '../../shared-importer/src/input/import-options.ts';
import { encodeProfile } from '../../shared-importer/src/model/profile-codec.ts';
import type { Profile } from '../../shared-importer/src/model/profile.ts';
import type { TraceSummary } from '../../shared-importer/src/summary/summary-types.ts';
import { runToolOutcome, type ToolOutcome, type TraceToolRequest } from '../../shared-importer/src/trace-tools/run-tool.ts';
import { prepareThreadViews } from '../../shared-importer/src/trace-tools/thread-derived.ts';
import { nodeGunzip, readFileChunks } from '../../shared-importer/node/node-host.ts';
import { warmUpImporter } from '../../shared-importer/src/warm-up.ts';
import type { ImportFailureCode, ImportPhase } from '../ipc-contract.ts';
import { ContentArchive } from './content-archive.ts';
import type { FromWorker, ImportSource, ToWorker } from './import-worker-protocol.ts';
import { firstFrameProfile } from './first-frame-profile.ts';
import { analyseProfile } from './trace-analysis.ts';

/** Progress messages are throttled: the renderer repaints a bar, it does not need every 512 KiB. */
const PROGRESS_INTERVAL_MS = 50;

const port = parentPort;
if (!port) throw new Error('import-worker.ts must run as a worker thread');

// Workers are started before they are needed, so a small synthetic import
// has compiled the importer's hot code by the time a trace arrives: a first
// 100 MB import then takes ~15% less time. The tokenizer is not loaded here:
// only the summary text needs it, after the trace is sent, and building its
// rank table would hold up an import that arrives meanwhile.
void warmUpImporter().catch(() => {});

interface Run {
  importId: string;
  controller: AbortController;
  pushed: ReturnType<typeof pushedChunks>;
  /** Null when main wants no content hash. */
  archive: ContentArchive | null;
}
let current: Run | null = null;
/** A loaded trace whose rest (whole profile, summary) waits for main's word. */
let held: { importId: string; release(wanted: boolean): void } | null = null;
/** The profile of the last trace loaded (and its summary, once computed), for trace tools, until main says it is no longer open or another loads. */
let kept: { importId: string; profile: Profile; summary?: TraceSummary } | null = null;
/** Loaded traces whose content is being hashed and archived, by import. */
const archiving = new Map<string, ContentArchive>();

port.on('message', (message: ToWorker) => {
  if (message.type === 'run-tool') {
    void runToolAndSend(message.importId, message.requestId, message.request);
    return;
  }
  if (message.type === 'forget') {
    if (kept?.importId === message.importId) kept = null;
    return;
  }
  if (message.type === 'shown') {
    if (held?.importId === message.importId) held.release(true);
    return;
  }
  // A cancel that arrives once the trace was sent: main dropped it, so nothing more is wanted.
  if (message.type === 'cancel') {
    if (held?.importId === message.importId) held.release(false);
    dropArchive(message.importId);
  }
  if (message.type === 'start') {
    // Main starts an import here only when it no longer wants what a held trace would send.
    held?.release(false);
    for (const importId of [...archiving.keys()]) dropArchive(importId);
    // ImportService sends one import at a time; a start while one runs replaces it.
    if (current) current.controller.abort();
    const { source, content } = message;
    const archive = content && new ContentArchive({ archiveTo: content.archiveTo, readRest: source.kind === 'path' });
    const run: Run = { importId: message.importId, controller: new AbortController(), pushed: pushedChunks(), archive };
    current = run;
    void importOne(run, source);
    return;
  }
  if (!current || current.importId !== message.importId) return;
  switch (message.type) {
    case 'chunk':
      current.pushed.push(message.bytes);
      break;
    case 'end':
      current.pushed.end();
      break;
    case 'cancel':
      current.controller.abort();
      current.pushed.end();
      break;
  }
});

/** Main no longer wants this trace: its content is not finished, its partial archive deleted. */
function dropArchive(importId: string): void {
  const archive = archiving.get(importId);
  archiving.delete(importId);
  void archive?.discard();
}

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

/** Every outcome is posted; anything unforeseen ends the worker, which ImportService reports. */
async function importOne(run: Run, source: ImportSource): Promise<void> {
  const loaded = await importAndSend(run, source);
  // The import is over: a cancel or a new start no longer concerns this run.
  if (current === run) current = null;
  if (!loaded) {
    await run.archive?.discard();
    return;
  }
  kept = { importId: run.importId, profile: loaded.profile };
  if (run.archive) void archiveAndSend(run.importId, run.archive);
  if (run.controller.signal.aborted || !(await restWanted(run.importId))) return;
  if (!loaded.complete) sendWholeProfile(run.importId, loaded.profile);
  await summariseAndSend(run.importId, loaded.profile);
}

/**
 * Resolves true when main says a window has drawn the trace, false when it
 * drops the trace. Set up in the same job as 'loaded' is posted (only
 * microtasks in between), so main's answer cannot arrive first.
 */
function restWanted(importId: string): Promise<boolean> {
  return new Promise((resolve) => {
    held = {
      importId,
      release(wanted) {
        held = null;
        resolve(wanted);
      },
    };
  });
}

/**
 * Imports, posts what the first frame needs ('loaded') and returns the whole
 * profile with whether 'loaded' held all of it; posts 'failed' and returns
 * null when it cannot.
 */
async function importAndSend(run: Run, source: ImportSource): Promise<{ profile: Profile; complete: boolean } | null> {
  const { importId } = run;
  const signal = run.controller.signal;
  let lastPost = 0;
  let totalBytes: number | null = null;
  const progress = (phase: ImportPhase, p: Pick<ImportProgress, 'bytesRead' | 'events'>, force = false) => {
    const now = performance.now();
    if (!force && now - lastPost < PROGRESS_INTERVAL_MS) return;
    lastPost = now;
    post({ type: 'progress', importId, phase, bytesRead: p.bytesRead, totalBytes, events: p.events });
  };
  try {
    let fileName: string;
    let chunks: AsyncIterable<Uint8Array>;
    if (source.kind === 'path') {
      const info = await stat(source.path);
      if (!info.isFile()) throw new TraceImportError('invalid-data', `"${source.path}" is not a file.`);
      fileName = basename(source.path);
      totalBytes = info.size;
      chunks = readFileChunks(source.path, signal);
    } else {
      fileName = source.fileName;
      totalBytes = source.totalBytes;
      chunks = run.pushed.consume(() => post({ type: 'chunk-consumed', importId }));
    }
    if (run.archive) chunks = run.archive.tee(chunks);
    progress('reading', { bytesRead: 0, events: 0 }, true);
    let last: ImportProgress = { phase: 'reading', bytesRead: 0, events: 0 };
    const profile = await importProfileFromChunks(fileName, chunks, {
      signal,
      gunzip: nodeGunzip,
      totalBytes: totalBytes ?? undefined,
      onProgress(p) {
        // A new phase is shown at once, not after the usual interval.
        const changed = p.phase !== last.phase;
        last = p;
        progress(p.phase, p, changed);
      },
    });
    const sizeBytes = totalBytes ?? last.bytesRead;
    progress('sending', { bytesRead: sizeBytes, events: last.events }, true);
    const first = firstFrameProfile(profile);
    const encoded = encodeProfile(first ?? profile);
    const complete = first === null;
    post({ type: 'loaded', importId, fileName, sizeBytes, format: profile.format, profile: encoded, complete }, [encoded.buffer as ArrayBuffer]);
    return { profile, complete };
  } catch (error) {
    const { code, message } = describeFailure(error, signal);
    post({ type: 'failed', importId, code, message });
    return null;
  }
}

/** Hashes (and archives) the input while the window draws; a discarded archive (a cancel, a new import) posts nothing. */
async function archiveAndSend(importId: string, archive: ContentArchive): Promise<void> {
  archiving.set(importId, archive);
  const content = await archive.finish();
  const dropped = archiving.get(importId) !== archive;
  archiving.delete(importId);
  if (!dropped) post({ type: 'content', importId, ...content });
}

function sendWholeProfile(importId: string, profile: Profile): void {
  const encoded = encodeProfile(profile);
  post({ type: 'profile', importId, profile: encoded }, [encoded.buffer as ArrayBuffer]);
}

/** A tool's result for main; a tool that fails says so in its result rather than ending the worker. */
async function runToolAndSend(importId: string, requestId: number, request: TraceToolRequest): Promise<void> {
  let outcome: ToolOutcome;
  if (kept?.importId !== importId) {
    outcome = { ok: false, text: 'That trace is no longer loaded: open it again to look into it.' };
  } else {
    try {
      outcome = await runToolOutcome(kept.profile, request.name, request.args as never, { summary: kept.summary });
    } catch (error) {
      outcome = { ok: false, text: `The tool ${request.name} failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  post({ type: 'tool-result', importId, requestId, ...outcome });
}

/** The summary follows the trace; one that fails leaves the trace open without it. */
async function summariseAndSend(importId: string, profile: Profile): Promise<void> {
  try {
    const { summary, text, tokens } = await analyseProfile(profile);
    if (kept?.profile === profile) kept.summary = summary;
    post({ type: 'summary', importId, status: 'ready', summary, summaryText: text, tokens });
    if (kept?.profile === profile) prepareThreadViews(profile);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    post({ type: 'summary', importId, status: 'failed', message: `The summary could not be computed: ${reason}` });
  }
}

function describeFailure(error: unknown, signal: AbortSignal): { code: ImportFailureCode; message: string } {
  if (signal.aborted) return { code: 'aborted', message: 'Import cancelled.' };
  if (error instanceof TraceImportError) return { code: error.code, message: error.message };
  const nodeError = error as NodeJS.ErrnoException;
  if (nodeError && typeof nodeError.code === 'string' && typeof nodeError.syscall === 'string') {
    const path = nodeError.path ? `"${nodeError.path}"` : 'the file';
    const reason: Record<string, string> = {
      ENOENT: `${path} does not exist (moved or deleted?).`,
      EACCES: `Permission denied reading ${path}.`,
      EPERM: `Permission denied reading ${path}.`,
      EISDIR: `${path} is a folder, not a trace file.`,
    };
    return { code: 'io-error', message: reason[nodeError.code] ?? `Could not read ${path}: ${nodeError.message}` };
  }
  if (error instanceof RangeError && /string length|allocation|array buffer/i.test(error.message)) {
    return { code: 'too-large', message: `The trace is too large to load: ${error.message}` };
  }
  return { code: 'internal', message: `Import failed unexpectedly: ${error instanceof Error ? error.message : String(error)}` };
}

/**
 * Chunks pushed from the main thread, consumed as an async iterable. Each
 * chunk taken is acknowledged, so the sender keeps only a few in flight.
 */
function pushedChunks() {
  const queue: Uint8Array[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  return {
    push(bytes: Uint8Array) {
      if (ended) return;
      queue.push(bytes);
      notify();
    },
    end() {
      ended = true;
      notify();
    },
    async *consume(onConsumed: () => void): AsyncIterable<Uint8Array> {
      for (;;) {
        const next = queue.shift();
        if (next) {
          onConsumed();
          yield next;
          continue;
        }
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

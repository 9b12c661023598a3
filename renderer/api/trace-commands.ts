// What the user can ask the host to do, each one updating the trace store so
// the UI shows progress at once and errors where the user is looking.
import type { ImportStarted } from '../../electron/ipc-contract.ts';
import { recordImportRequested } from '../debug/frame-stats.ts';
import { useTraceStore } from '../state/trace-store.ts';
import { failureMessage, host } from './host-api.ts';

function reportStartFailure(fileName: string, error: unknown): void {
  useTraceStore.getState().importFailed({
    fileName,
    code: 'internal',
    message: failureMessage(error),
  });
}

async function start(fileName: string, begin: () => Promise<ImportStarted | null>): Promise<void> {
  recordImportRequested();
  useTraceStore.getState().importRequested(fileName);
  try {
    const started = await begin();
    if (started) useTraceStore.getState().importStarted(started);
    // A cancelled dialog started nothing; stop showing progress unless events already arrived.
    else if (useTraceStore.getState().importing?.importId === null) useTraceStore.getState().importEnded();
  } catch (error) {
    reportStartFailure(fileName, error);
  }
}

export function openTraceDialog(): Promise<void> {
  return start('trace', () => host().openTraceDialog());
}

export function importFile(file: File): Promise<void> {
  return start(file.name, () => host().importDroppedFile(file));
}

export function openRecent(path: string, fileName: string): Promise<void> {
  return start(fileName, () => host().openRecent(path));
}

/** The chart of this trace is on screen: the host may summarise it now. */
export function reportTraceShown(traceId: string): void {
  host()
    .traceShown(traceId)
    .catch(() => {});
}

export async function cancelImport(): Promise<void> {
  try {
    await host().cancelImport();
  } finally {
    useTraceStore.getState().importEnded();
  }
}

export async function clearRecentFiles(): Promise<void> {
  await host().clearRecentFiles();
  useTraceStore.getState().recentFilesChanged(await host().getRecentFiles());
}

/** Tries a failed or cancelled upload of this trace again; it resumes where Storage stopped. */
export function retrySync(traceId: string): Promise<void> {
  return host().retrySync(traceId);
}

/** Stops this trace's upload (a retry resumes it). */
export function cancelSync(traceId: string): Promise<void> {
  return host().cancelSync(traceId);
}

// The open trace's upload to the user's Supabase project (cloud mode only).
// While it runs, and when it failed or was cancelled, a line under the toolbar
// shows progress with Cancel, or what went wrong with Retry (like the import's
// progress line; it can be dismissed). The summary panel, which shows what the
// stored row holds, says where it stands too. Local analysis never waits for any of it.
import type { SyncState } from '../../electron/ipc-contract.ts';
import { formatBytes } from '../../shared-importer/src/format-bytes.ts';
import { cancelSync, retrySync } from '../api/trace-commands.ts';
import { useSyncStore } from '../state/sync-store.ts';
import { useTraceStore } from '../state/trace-store.ts';

const LABEL: Record<SyncState['status'], string> = {
  waiting: 'Waiting to upload',
  compressing: 'Preparing upload',
  uploading: 'Uploading',
  synced: 'Synced',
  failed: 'Sync failed',
  cancelled: 'Upload cancelled',
};

const isRunning = ({ status }: SyncState) => status === 'waiting' || status === 'compressing' || status === 'uploading';

function percentOf({ status, bytesSent, totalBytes }: SyncState): number | null {
  return status === 'uploading' && totalBytes ? Math.min(100, Math.floor((100 * bytesSent) / totalBytes)) : null;
}

function labelOf(state: SyncState): string {
  const percent = percentOf(state);
  return percent === null ? LABEL[state.status] : `${LABEL[state.status]} ${percent}%`;
}

const retry = (traceId: string) => void retrySync(traceId).catch(() => {});
const cancel = (traceId: string) => void cancelSync(traceId).catch(() => {});

/** The line under the toolbar: shown while syncing, and after a failure or a cancel until dismissed. */
export function SyncStatusLine({ traceId }: { traceId: string }) {
  const state = useSyncStore((s) => s.byTrace[traceId]);
  const dismissed = useSyncStore((s) => s.dismissed[traceId]);
  if (!state || state.status === 'synced' || dismissed === state) return null;
  const running = isRunning(state);
  const percent = percentOf(state);
  return (
    <div className={`sync-line sync-${state.status}`} role="status" aria-live="polite" data-testid="sync-status" data-status={state.status}>
      <strong className="sync-label">{labelOf(state)}</strong>
      {state.status === 'uploading' && state.totalBytes !== null && (
        <span className="muted">
          {formatBytes(state.bytesSent)} of {formatBytes(state.totalBytes)} compressed, to your Supabase project
        </span>
      )}
      {state.status === 'failed' && state.message && (
        <span className="sync-message" title={state.message} data-testid="sync-message">
          {state.message}
        </span>
      )}
      {running && (
        <span className={`progress-track sync-track${percent === null ? ' indeterminate' : ''}`} aria-hidden="true">
          <span style={{ width: `${percent ?? 30}%` }} />
        </span>
      )}
      <span className="sync-actions">
        {running ? (
          <button type="button" onClick={() => cancel(traceId)} data-testid="sync-cancel">
            Cancel
          </button>
        ) : (
          <>
            <button type="button" onClick={() => retry(traceId)} data-testid="sync-retry">
              Retry
            </button>
            <button type="button" className="link" onClick={() => useSyncStore.getState().lineDismissed(state)} aria-label="Dismiss" data-testid="sync-dismiss">
              ✕
            </button>
          </>
        )}
      </span>
    </div>
  );
}

/** One line in the summary panel (what the row in the cloud holds): the state, and Retry after a failure or a cancel. */
export function SyncBadge() {
  const traceId = useTraceStore((s) => s.trace?.traceId);
  const state = useSyncStore((s) => (traceId ? s.byTrace[traceId] : undefined));
  if (!traceId || !state) return null;
  const text =
    state.status === 'synced'
      ? '✓ Stored in your Supabase project'
      : state.status === 'failed'
        ? `Not synced: ${state.message ?? 'the upload failed'}`
        : labelOf(state);
  return (
    <p className={`sync-badge sync-${state.status}`} data-testid="sync-badge" data-status={state.status}>
      {text}
      {(state.status === 'failed' || state.status === 'cancelled') && (
        <>
          {' · '}
          <button type="button" className="link" onClick={() => retry(traceId)}>
            Retry
          </button>
        </>
      )}
    </p>
  );
}

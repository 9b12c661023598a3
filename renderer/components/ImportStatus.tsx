// Import progress (percent, bytes, events, with Cancel) and the last import
// error, shown above whatever is open.
import { cancelImport } from '../api/trace-commands.ts';
import { formatBytes } from '../../shared-importer/src/format-bytes.ts';
import { formatCount } from '../format/units.ts';
import { useTraceStore } from '../state/trace-store.ts';

const PHASE_LABEL = { reading: 'Reading', building: 'Building', sending: 'Opening' } as const;

export function ImportProgressBar() {
  const importing = useTraceStore((s) => s.importing);
  if (!importing) return null;
  const { percent, bytesRead, totalBytes, events, phase, fileName } = importing;
  return (
    <div className="import-progress" role="status" aria-live="polite" data-testid="import-progress">
      <div className="import-progress-text">
        <strong>
          {PHASE_LABEL[phase]} {fileName}
        </strong>
        <span className="muted">
          {percent !== null ? `${Math.floor(percent)}% · ` : ''}
          {formatBytes(bytesRead)}
          {totalBytes ? ` of ${formatBytes(totalBytes)}` : ''} · {formatCount(events)} events
        </span>
        <button type="button" onClick={() => void cancelImport()} data-testid="cancel-import">
          Cancel
        </button>
      </div>
      <div
        className={`progress-track${percent === null ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? undefined}
        aria-label="Import progress"
      >
        <span style={{ width: `${percent ?? 30}%` }} />
      </div>
    </div>
  );
}

export function ImportErrorBanner() {
  const error = useTraceStore((s) => s.importError);
  const hasTrace = useTraceStore((s) => s.trace !== null);
  if (!error) return null;
  return (
    <div className="import-error" role="alert" data-testid="import-error">
      <div>
        <strong>Could not open {error.fileName}</strong>
        <p data-testid="import-error-message">{error.message}</p>
        {hasTrace && <p className="muted">The trace that was open is still shown.</p>}
      </div>
      <button type="button" onClick={() => useTraceStore.getState().dismissImportError()} aria-label="Dismiss error">
        ✕
      </button>
    </div>
  );
}

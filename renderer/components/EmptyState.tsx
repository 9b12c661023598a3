// First screen: what to do (drop or open a trace), what is accepted, and the
// recently opened files.
import { ACCEPTED_FORMATS } from '../../shared-importer/src/formats/catalog.ts';
import { clearRecentFiles, openRecent, openTraceDialog } from '../api/trace-commands.ts';
import { formatBytes } from '../../shared-importer/src/format-bytes.ts';
import { useTraceStore } from '../state/trace-store.ts';
import { FileInputButton } from './FileInputButton.tsx';

export function EmptyState() {
  const recent = useTraceStore((s) => s.recentFiles);
  return (
    <main className="empty-state" data-testid="empty-state">
      <div className="empty-card">
        <div className="empty-icon" aria-hidden="true">
          <span style={{ width: '90%' }} />
          <span style={{ width: '60%' }} />
          <span style={{ width: '35%', marginLeft: '12%' }} />
        </div>
        <h1>Open a performance trace</h1>
        <p className="lead">
          Drop a trace file anywhere in this window, or choose one. It is read on this computer; the flame chart appears as soon as it is parsed.
        </p>
        <div className="empty-actions">
          <button type="button" className="primary large" onClick={() => void openTraceDialog()} data-testid="empty-open-button">
            Open trace…
          </button>
          <FileInputButton />
        </div>
        <h2>Accepted formats</h2>
        <ul className="format-list" data-testid="accepted-formats">
          {ACCEPTED_FORMATS.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
        <p className="muted">Gzip-compressed files (.gz) are fine too.</p>
        {recent.length > 0 && (
          <section className="recent-files" aria-label="Recent files">
            <div className="recent-head">
              <h2>Recent</h2>
              <button type="button" className="link" onClick={() => void clearRecentFiles()}>
                Clear
              </button>
            </div>
            <ul data-testid="recent-files">
              {recent.map((r) => (
                <li key={r.path}>
                  <button type="button" className="recent-item" onClick={() => void openRecent(r.path, r.fileName)} title={r.path}>
                    <span className="item-name">{r.fileName}</span>
                    <span className="muted">
                      {r.sizeBytes !== undefined ? formatBytes(r.sizeBytes) : ''} {new Date(r.openedAt).toLocaleDateString()}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </main>
  );
}

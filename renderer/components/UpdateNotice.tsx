// "Version X is ready: Restart now / Later", once the host has downloaded and
// verified an update. Restart waits (the host says so) while an answer streams
// or an import runs; Later hides the notice for this version (the update then
// installs when the app quits). A polite status region: it never takes focus.
import { useState } from 'react';
import type { UpdateState } from '../../electron/ipc-contract.ts';
import { restartToUpdate } from '../api/update-commands.ts';
import { useUpdateStore } from '../state/update-store.ts';

type Ready = Extract<UpdateState, { status: 'ready' }>;

const WAITING: Record<NonNullable<Ready['restartWaitsFor']>, string> = {
  answer: 'Will restart when the answer finishes.',
  import: 'Will restart when the import finishes.',
};

export function UpdateNotice() {
  const state = useUpdateStore((s) => s.state);
  const dismissedVersion = useUpdateStore((s) => s.dismissedVersion);
  const ready = readyToShow(state, dismissedVersion);
  return ready && <ReadyNotice key={ready.version} ready={ready} />;
}

/** The update the notice offers: a ready one the user did not put off. */
export function readyToShow(state: UpdateState | null, dismissedVersion: string | null): Ready | null {
  return state?.status === 'ready' && state.version !== dismissedVersion ? state : null;
}

export function ReadyNotice({ ready }: { ready: Ready }) {
  const [problem, setProblem] = useState<string | null>(null);
  const restart = () => {
    setProblem(null);
    restartToUpdate().catch((error: Error) => setProblem(error.message));
  };
  const waiting = ready.restartWaitsFor && WAITING[ready.restartWaitsFor];
  return (
    <section className="update-notice" role="status" aria-live="polite" aria-labelledby="update-notice-title" data-testid="update-notice">
      <p id="update-notice-title">
        <strong>Version {ready.version} is ready</strong>
      </p>
      {ready.releaseNotes && (
        <details className="update-notes">
          <summary>What's new</summary>
          <p>{ready.releaseNotes}</p>
        </details>
      )}
      {waiting && (
        <p className="muted" data-testid="update-waiting">
          {waiting}
        </p>
      )}
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
      <div className="update-actions">
        <button type="button" onClick={() => useUpdateStore.getState().noticeDismissed(ready.version)} data-testid="update-later">
          Later
        </button>
        <button type="button" className="primary" onClick={restart} disabled={waiting !== null} data-testid="update-restart">
          Restart now
        </button>
      </div>
    </section>
  );
}

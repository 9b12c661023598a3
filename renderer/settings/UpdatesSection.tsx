// The Settings dialog's "Updates" part: the opt-out, and where the update
// stands. Hosts that cannot update (a development build, the browser host)
// show why, with the setting unavailable.
import type { UpdateState } from '../../electron/ipc-contract.ts';
import { useUpdateStore } from '../state/update-store.ts';

interface UpdatesSectionProps {
  checked: boolean;
  onChange(checked: boolean): void;
}

export function UpdatesSection(props: UpdatesSectionProps) {
  return <UpdatesSectionView {...props} state={useUpdateStore((s) => s.state)} />;
}

export function UpdatesSectionView({ checked, onChange, state }: UpdatesSectionProps & { state: UpdateState | null }) {
  const hostOff = state?.status === 'off' && !state.bySetting;
  return (
    <fieldset className="settings-section">
      <legend>Updates</legend>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={checked && !hostOff}
          disabled={hostOff}
          onChange={(e) => onChange(e.target.checked)}
          data-testid="settings-autoUpdate"
        />
        Check for updates automatically
      </label>
      {state && (
        <p className="muted update-status" data-testid="update-status">
          {updateStatusText(state)}
        </p>
      )}
    </fieldset>
  );
}

export function updateStatusText(state: UpdateState): string {
  switch (state.status) {
    case 'off':
      return `Updates are off: ${state.reason}.`;
    case 'idle':
      return state.checkedAt
        ? `Up to date (checked ${new Date(state.checkedAt).toLocaleString()}).`
        : 'The first check runs shortly after start, then every 4 hours.';
    case 'checking':
      return 'Checking for updates…';
    case 'downloading':
      return `Downloading version ${state.version}${state.percent === null ? '' : ` (${state.percent}%)`}…`;
    case 'ready':
      return `Version ${state.version} is ready: it installs when the app restarts.`;
    case 'failed':
      return `The last check failed: ${state.message}. The next check tries again.`;
  }
}

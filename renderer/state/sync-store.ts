// Where each trace's upload to Storage stands, as the host last reported it
// (sync:progress), and which reported state the user put out of sight. Only
// traces synced in cloud mode have an entry.
import { create } from 'zustand';
import type { SyncState } from '../../electron/ipc-contract.ts';

interface SyncStore {
  byTrace: Record<string, SyncState>;
  /** The state whose line the user dismissed, per trace; the next state shows again. */
  dismissed: Record<string, SyncState>;
  progressed(state: SyncState): void;
  lineDismissed(state: SyncState): void;
}

export const useSyncStore = create<SyncStore>()((set) => ({
  byTrace: {},
  dismissed: {},
  progressed(state) {
    set((s) => ({ byTrace: { ...s.byTrace, [state.traceId]: state } }));
  },
  lineDismissed(state) {
    set((s) => ({ dismissed: { ...s.dismissed, [state.traceId]: state } }));
  },
}));

// Where the app's own update stands, as the host last reported it
// (update:state), and the version whose notice the user put off ("Later").
import { create } from 'zustand';
import type { UpdateState } from '../../electron/ipc-contract.ts';

interface UpdateStore {
  /** Null until the host has answered. */
  state: UpdateState | null;
  /** "Later" hides the notice for this version; a newer one shows it again. */
  dismissedVersion: string | null;
  stateChanged(state: UpdateState): void;
  noticeDismissed(version: string): void;
}

export const useUpdateStore = create<UpdateStore>()((set) => ({
  state: null,
  dismissedVersion: null,
  stateChanged(state) {
    set({ state });
  },
  noticeDismissed(version) {
    set({ dismissedVersion: version });
  },
}));

// The chat's settings (project, model endpoint, mode) and the signed-in
// account, as the host reports them. Null until the host has answered.
import { create } from 'zustand';
import type { AccountState, SettingsState } from '../../electron/ipc-contract.ts';

interface SettingsStoreState {
  settings: SettingsState | null;
  account: AccountState | null;
  settingsChanged(settings: SettingsState): void;
  accountChanged(account: AccountState): void;
}

export const useSettingsStore = create<SettingsStoreState>()((set) => ({
  settings: null,
  account: null,
  settingsChanged(settings) {
    set({ settings });
  },
  accountChanged(account) {
    set({ account });
  },
}));

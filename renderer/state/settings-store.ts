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

/** Whether the chat can connect: a usable mode, and in cloud mode a signed-in user. */
export function chatUsable(settings: SettingsState | null, account: AccountState | null): boolean {
  if (!settings?.effectiveMode) return false;
  return settings.effectiveMode === 'local' || account?.status === 'signed-in';
}

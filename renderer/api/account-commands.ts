// Settings and sign-in as the forms ask for them: each updates the settings
// store with the host's answer, or rejects with the sentence to show.
import type { AccountState, RequestPayload } from '../../electron/ipc-contract.ts';
import { useSettingsStore } from '../state/settings-store.ts';
import { failureMessage, host } from './host-api.ts';

async function request<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new Error(failureMessage(error), { cause: error });
  }
}

async function accountRequest(run: () => Promise<AccountState>): Promise<void> {
  useSettingsStore.getState().accountChanged(await request(run));
}

export async function saveSettings(changes: RequestPayload<'settings:save'>): Promise<void> {
  useSettingsStore.getState().settingsChanged(await request(() => host().saveSettings(changes)));
}

export const signIn = (email: string, password: string) => accountRequest(() => host().signIn(email, password));
export const signUp = (email: string, password: string) => accountRequest(() => host().signUp(email, password));
export const sendSignInCode = (email: string) => request(() => host().sendSignInCode(email));
export const verifySignInCode = (email: string, code: string) => accountRequest(() => host().verifySignInCode(email, code));
export const signOut = () => accountRequest(() => host().signOut());

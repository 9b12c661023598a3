// The settings and account requests of the contract, over the services that
// hold them. Settings changes and account changes reach every window as
// events, whoever caused them.
import type { EventSink, RequestHandlers } from '../ipc-contract.ts';
import type { AccountService } from './account-service.ts';
import type { AppSettings } from './app-settings.ts';

type AccountChannels = 'settings:get' | 'settings:save' | `account:${'get' | 'sign-up' | 'sign-in' | 'send-code' | 'verify-code' | 'sign-out'}`;

export function accountHandlers(settings: AppSettings, account: AccountService): Pick<RequestHandlers, AccountChannels> {
  return {
    'settings:get': async () => settings.state(),
    'settings:save': (patch) => settings.save(patch),
    'account:get': async () => account.state(),
    'account:sign-up': ({ email, password }) => account.signUp(email, password),
    'account:sign-in': ({ email, password }) => account.signIn(email, password),
    'account:send-code': ({ email }) => account.sendCode(email),
    'account:verify-code': ({ email, code }) => account.verifyCode(email, code),
    'account:sign-out': () => account.signOut(),
  };
}

/** Forwards settings and account changes to the windows; returns what stops it. */
export function announceAccountChanges(settings: AppSettings, account: AccountService, emit: EventSink): () => void {
  const stopSettings = settings.onChange((state) => emit('settings:changed', state));
  const stopAccount = account.onStateChange((state) => emit('account:changed', state));
  return () => {
    stopSettings();
    stopAccount();
  };
}

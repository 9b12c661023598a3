// What the chat shows while it cannot be used yet: nothing configured (where
// answers could come from), or a project whose user has not signed in.
import type { AccountState, SettingsState } from '../../electron/ipc-contract.ts';
import { SignInForm } from '../settings/SignInForm.tsx';

interface ChatSetupProps {
  settings: SettingsState | null;
  account: AccountState | null;
  onOpenSettings(): void;
}

/** The set-up step the chat needs first, or null when it can be used. */
export function chatSetupStep(settings: SettingsState | null, account: AccountState | null): 'loading' | 'configure' | 'sign-in' | null {
  if (!settings) return 'loading';
  if (settings.effectiveMode === null) return 'configure';
  if (settings.effectiveMode === 'local') return null;
  if (!account) return 'loading';
  if (account.status === 'unconfigured') return 'configure';
  return account.status === 'signed-in' ? null : 'sign-in';
}

export function ChatSetup({ settings, account, onOpenSettings }: ChatSetupProps) {
  const step = chatSetupStep(settings, account);
  return (
    <div className="chat-setup" data-testid="chat-setup" data-step={step}>
      {step === 'loading' && <p className="muted">Reading the assistant's settings…</p>}
      {step === 'configure' && (
        <>
          <h3>Set up the assistant</h3>
          <p>
            Answers come from your Supabase project (sign in, and the conversation follows you), or from an OpenAI-compatible endpoint this computer calls:
            OpenAI, a local Ollama or LM Studio.
          </p>
          <button type="button" className="primary" onClick={onOpenSettings} data-testid="chat-open-settings">
            Open settings
          </button>
        </>
      )}
      {step === 'sign-in' && account?.status === 'signed-out' && (
        <>
          <SignInForm projectUrl={account.supabaseUrl} />
          <p className="muted">
            Or{' '}
            <button type="button" className="link" onClick={onOpenSettings}>
              use a local model
            </button>
            .
          </p>
        </>
      )}
    </div>
  );
}

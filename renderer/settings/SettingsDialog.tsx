// The settings in a modal dialog: the account (sign in or out of
// the Supabase project), where answers come from, the project, and the local
// model endpoint. The API key is write-only: the field never shows it, only
// whether one is stored. A value from the environment shows where it came
// from; one saved here wins over it.
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { ChatMode, ChatSettings, RequestPayload, SettingsState } from '../../electron/ipc-contract.ts';
import { saveSettings, signOut } from '../api/account-commands.ts';
import { useSettingsStore } from '../state/settings-store.ts';
import { SignInForm } from './SignInForm.tsx';
import { UpdatesSection } from './UpdatesSection.tsx';

export function SettingsDialog({ onClose }: { onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const settings = useSettingsStore((s) => s.settings);
  // No close() on unmount: it would fire onClose, and React's development re-run of effects would close the dialog it opened.
  useEffect(() => {
    if (!dialog.current!.open) dialog.current!.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="settings-dialog" aria-labelledby="settings-title" onClose={onClose} data-testid="settings-dialog">
      <header className="settings-head">
        <h2 id="settings-title">Settings</h2>
        <button type="button" onClick={() => dialog.current?.close()} aria-label="Close settings">
          ✕
        </button>
      </header>
      <AccountSection />
      {settings ? (
        <SettingsForm settings={settings} onDone={() => dialog.current?.close()} />
      ) : (
        <p className="muted">The settings could not be read from the app.</p>
      )}
    </dialog>
  );
}

function AccountSection() {
  const account = useSettingsStore((s) => s.account);
  const [problem, setProblem] = useState<string | null>(null);
  let body: ReactNode;
  if (!account || account.status === 'unconfigured') {
    body = <p className="muted">No Supabase project is set: set one below to sign in, or use a local model.</p>;
  } else if (account.status === 'signed-out') {
    body = <SignInForm projectUrl={account.supabaseUrl} />;
  } else {
    body = (
      <div className="account-row">
        <p data-testid="account-signed-in">
          Signed in as <strong>{account.email ?? account.userId}</strong>
        </p>
        <button type="button" onClick={() => void signOut().catch((error: Error) => setProblem(error.message))} data-testid="sign-out">
          Sign out
        </button>
      </div>
    );
  }
  return (
    <section className="settings-section" aria-labelledby="account-title">
      <h3 id="account-title">Account</h3>
      {body}
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}

type Draft = ChatSettings & { apiKey: string; removeApiKey: boolean; autoUpdate: boolean };

function SettingsForm({ settings, onDone }: { settings: SettingsState; onDone(): void }) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => ({ ...pickSettings(settings), apiKey: '', removeApiKey: false, autoUpdate: settings.autoUpdate }));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const edit = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await saveSettings(changedSettings(settings, draft));
      onDone();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const field = (key: keyof ChatSettings | 'apiKey', label: string, input: ReactNode) => (
    <div className="settings-field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      {input}
      {settings.fromEnvironment.includes(key) && <span className="muted field-note">From the environment; a value saved here wins.</span>}
    </div>
  );
  const text = (key: 'supabaseUrl' | 'supabaseAnonKey' | 'modelBaseUrl' | 'model', type: 'url' | 'text', placeholder: string) => (
    <input
      id={`${id}-${key}`}
      type={type}
      value={draft[key]}
      placeholder={placeholder}
      spellCheck={false}
      onChange={(e) => edit({ [key]: e.target.value })}
      data-testid={`settings-${key}`}
    />
  );

  return (
    <form className="settings-form" onSubmit={(event) => void submit(event)} data-testid="settings-form">
      <fieldset className="settings-section">
        <legend>Answers come from</legend>
        <ModeChoice value={draft.mode} onChange={(mode) => edit({ mode })} />
        {settings.effectiveMode === null && <p className="muted">Neither is usable yet: set a project, or a model endpoint.</p>}
      </fieldset>
      <fieldset className="settings-section">
        <legend>Supabase project</legend>
        {field('supabaseUrl', 'Project URL', text('supabaseUrl', 'url', 'https://<project>.supabase.co'))}
        {field('supabaseAnonKey', 'Anon (publishable) key', text('supabaseAnonKey', 'text', 'eyJ… or sb_publishable_…'))}
      </fieldset>
      <fieldset className="settings-section">
        <legend>Local model (OpenAI-compatible)</legend>
        {field('modelBaseUrl', 'Base URL', text('modelBaseUrl', 'url', 'https://api.openai.com/v1 or http://127.0.0.1:11434/v1'))}
        {field('model', 'Model', text('model', 'text', 'gpt-4o-mini, llama3.1…'))}
        {field(
          'apiKey',
          'API key',
          <input
            id={`${id}-apiKey`}
            type="password"
            autoComplete="off"
            value={draft.apiKey}
            placeholder={settings.apiKeySet && !draft.removeApiKey ? 'A key is stored: type to replace it' : 'None stored (not needed for Ollama)'}
            onChange={(e) => edit({ apiKey: e.target.value, removeApiKey: false })}
            data-testid="settings-apiKey"
          />,
        )}
        {settings.apiKeySet && (
          <label className="checkbox">
            <input type="checkbox" checked={draft.removeApiKey} onChange={(e) => edit({ removeApiKey: e.target.checked, apiKey: '' })} />
            Remove the stored key
          </label>
        )}
      </fieldset>
      <UpdatesSection checked={draft.autoUpdate} onChange={(autoUpdate) => edit({ autoUpdate })} />
      {problem && (
        <p className="form-problem" role="alert" data-testid="settings-error">
          {problem}
        </p>
      )}
      <div className="form-actions end">
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="settings-save">
          Save
        </button>
      </div>
    </form>
  );
}

function ModeChoice({ value, onChange }: { value: ChatMode; onChange(mode: ChatMode): void }) {
  const options: { mode: ChatMode; label: string; detail: string }[] = [
    { mode: 'cloud', label: 'Supabase project', detail: 'Sign in; the trace syncs to your project and the conversation follows you.' },
    { mode: 'local', label: 'Local model', detail: 'This computer calls an OpenAI-compatible endpoint (OpenAI, Ollama, LM Studio).' },
  ];
  return (
    <div className="mode-choice">
      {options.map((o) => (
        <label key={o.mode} className="radio">
          <input
            type="radio"
            name="chat-mode"
            value={o.mode}
            checked={value === o.mode}
            onChange={() => onChange(o.mode)}
            data-testid={`settings-mode-${o.mode}`}
          />
          <span>
            <strong>{o.label}</strong>
            <span className="muted"> · {o.detail}</span>
          </span>
        </label>
      ))}
    </div>
  );
}

function pickSettings(s: SettingsState): ChatSettings {
  return { mode: s.mode, supabaseUrl: s.supabaseUrl, supabaseAnonKey: s.supabaseAnonKey, modelBaseUrl: s.modelBaseUrl, model: s.model };
}

/** Only what the user changed is saved: a value left as the environment gave it stays the environment's. */
function changedSettings(current: SettingsState, draft: Draft): RequestPayload<'settings:save'> {
  const changes: RequestPayload<'settings:save'> = {};
  const before = pickSettings(current);
  for (const key of Object.keys(before) as (keyof ChatSettings)[]) {
    if (draft[key] !== before[key]) Object.assign(changes, { [key]: typeof draft[key] === 'string' ? draft[key].trim() : draft[key] });
  }
  if (draft.autoUpdate !== current.autoUpdate) changes.autoUpdate = draft.autoUpdate;
  if (draft.removeApiKey) changes.apiKey = null;
  else if (draft.apiKey) changes.apiKey = draft.apiKey;
  return changes;
}

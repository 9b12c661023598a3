// Sign-in to the Supabase project: email and password (or a new account), or
// a one-time code sent by email. The session stays in the host.
import { useId, useState, type ComponentProps, type FormEvent } from 'react';
import { sendSignInCode, signIn, signUp, verifySignInCode } from '../api/account-commands.ts';

type Method = 'password' | 'code';

export function SignInForm({ projectUrl }: { projectUrl: string }) {
  const [method, setMethod] = useState<Method>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [codeSentTo, setCodeSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    setNote(null);
    try {
      await action();
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (method === 'password') void run(() => signIn(email, password));
    else if (codeSentTo === null) void run(() => sendSignInCode(email).then(() => setCodeSentTo(email)));
    else void run(() => verifySignInCode(codeSentTo, code.trim()));
  };

  const createAccount = () =>
    run(async () => {
      await signUp(email, password);
      // A project that confirms addresses leaves the new account signed out until the link is followed.
      setNote('If you are not signed in now, confirm your address from the email the project sent, then sign in.');
    });

  const switchMethod = (next: Method) => {
    setMethod(next);
    setProblem(null);
    setNote(null);
    setCodeSentTo(null);
    setCode('');
  };

  return (
    <form className="sign-in-form" onSubmit={submit} aria-label="Sign in" data-testid="sign-in-form">
      <p className="muted">
        Sign in to <span className="mono">{hostOf(projectUrl)}</span> to ask about this trace.
      </p>
      <LabelledInput
        label="Email"
        type="email"
        autoComplete="email"
        value={email}
        readOnly={codeSentTo !== null}
        onValue={setEmail}
        data-testid="sign-in-email"
      />
      {method === 'password' ? (
        <LabelledInput label="Password" type="password" autoComplete="current-password" value={password} onValue={setPassword} data-testid="sign-in-password" />
      ) : (
        codeSentTo !== null && (
          <LabelledInput
            label="Code from the email"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6,10}"
            value={code}
            onValue={setCode}
            data-testid="sign-in-code"
          />
        )
      )}
      {problem && (
        <p className="form-problem" role="alert" data-testid="sign-in-error">
          {problem}
        </p>
      )}
      {note && <p className="muted">{note}</p>}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={busy} data-testid="sign-in-submit">
          {method === 'password' ? 'Sign in' : codeSentTo === null ? 'Email me a code' : 'Verify code'}
        </button>
        {method === 'password' && (
          <button type="button" disabled={busy || !email || password.length < 6} onClick={() => void createAccount()} data-testid="sign-up">
            Create account
          </button>
        )}
        <button type="button" className="link" onClick={() => switchMethod(method === 'password' ? 'code' : 'password')}>
          {method === 'password' ? 'Use a code sent by email' : 'Use a password'}
        </button>
      </div>
    </form>
  );
}

/** A required field with its label. */
function LabelledInput({ label, onValue, ...input }: { label: string; onValue(value: string): void } & Omit<ComponentProps<'input'>, 'id' | 'onChange'>) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} required {...input} onChange={(e) => onValue(e.target.value)} />
    </>
  );
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

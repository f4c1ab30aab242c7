import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../../api/client';
import type { Session } from '../../app/session';
import { formText } from '../../form-kit/format';

/** One sign-in for every member of staff; the screens shown afterwards depend on the role. */
export function SignIn({ api, onSignedIn }: { api: ApiClient; onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const email = useRef<HTMLInputElement>(null);
  useEffect(() => email.current?.focus(), []);

  async function submit(ev: SubmitEvent) {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget as HTMLFormElement);
    setError('');
    setBusy(true);
    try {
      onSignedIn(await api.login(formText(form, 'email').trim(), formText(form, 'password')));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <section id="login-view" class="card narrow" aria-labelledby="login-title">
      <h2 id="login-title">Staff sign-in</h2>
      <form id="login-form" onSubmit={submit}>
        <label>
          E-mail <input ref={email} name="email" type="email" required autocomplete="username" />
        </label>
        <label>
          Password <input name="password" type="password" required autocomplete="current-password" />
        </label>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <p class="error" id="login-error" role="alert">
          {error}
        </p>
      </form>
      <p class="hint">
        Demo accounts are printed by <code>npm start</code> (and kept in <code>.data/demo-accounts.txt</code>). Customers use the{' '}
        <a href="/chat">livechat</a>.
      </p>
    </section>
  );
}

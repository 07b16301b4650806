import { useState } from 'preact/hooks';
import type { Session, SessionState, SignInOptions } from './api';
import { call } from './api';

/** Sign-in with a caller's token (from `certexit caller add`) or the browser's TLS client certificate. */
export function SignIn(props: { options?: SignInOptions; notice?: string; onSignedIn: (session: Session) => void }) {
  const { options } = props;
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const signIn = async (body: { token: string } | { certificate: true }) => {
    setBusy(true);
    setError(undefined);
    try {
      await call('/console/session', { method: 'POST', body });
      const state = await call<SessionState>('/console/session');
      if (state.signedIn) props.onSignedIn(state);
      else setError('The server did not keep the session: are cookies allowed for this site?');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="sign-in">
      <form
        class="sign-in-box"
        aria-labelledby="sign-in-title"
        onSubmit={(event) => {
          event.preventDefault();
          void signIn({ token: token.trim() });
        }}
      >
        <h1 id="sign-in-title">Certification Authority</h1>
        {options && <p class="ca-name">{options.caName}</p>}
        {props.notice && <p class="notice">{props.notice}</p>}
        <label for="token">Caller token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="cxt_…"
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
        {options?.certificateSignIn && (
          <div class="certificate-sign-in">
            <p>
              {options.certificatePresented
                ? `Your browser presented a client certificate${options.certificateSubject ? ` (${options.certificateSubject})` : ''}.`
                : 'This CA also accepts TLS client certificates; your browser presented none.'}
            </p>
            <button
              type="button"
              disabled={busy || !options.certificatePresented}
              onClick={() => void signIn({ certificate: true })}
            >
              Sign in with my certificate
            </button>
          </div>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}

import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Session, SessionState, SignInOptions } from './api';
import { call, useSession } from './api';
import { Shell } from './shell';
import { SignIn } from './sign-in';

/** The console: the sign-in page until a session exists, then the snap-in's window. */
export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [options, setOptions] = useState<SignInOptions | undefined>();
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();

  const signedOut = useCallback((message?: string) => {
    setSession(undefined);
    setNotice(message ?? 'Your session has ended. Sign in again.');
  }, []);
  useSession(session, () => signedOut());

  useEffect(() => {
    if (session) return;
    call<SessionState>('/console/session')
      .then((state) => (state.signedIn ? setSession(state) : setOptions(state)))
      .catch((error: Error) => setNotice(error.message))
      .finally(() => setChecked(true));
  }, [session]);

  if (!checked) return <p class="loading">Loading…</p>;
  if (!session)
    return (
      <SignIn
        options={options}
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
        }}
      />
    );
  return (
    <Shell
      session={session}
      onSignOut={async () => {
        await call('/console/session/sign-out', { method: 'POST' }).catch(() => undefined);
        signedOut('You have signed out.');
      }}
    />
  );
}

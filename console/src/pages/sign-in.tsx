import { useEffect, useRef, useState } from 'preact/hooks';
import { request } from '../api/client';
import { ConsoleSettings, SessionCheck } from '../api/documents';
import { asApiError } from '../api/hooks';
import { clearToken, setToken, takeTokenFromFragment } from '../session';

export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (token: string) => void }) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(notice);
  const [loginUrl, setLoginUrl] = useState<string | null>(null);
  const messageRef = useRef<HTMLDivElement>(null);

  const trySignIn = async (token: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await request(SessionCheck, {}, token);
      setToken(token);
      onSignedIn(token);
    } catch (error) {
      clearToken();
      const e = asApiError(error);
      setMessage(
        e.code === 'FORBIDDEN'
          ? 'This token has no access to the support console: it needs the support or admin role.'
          : e.message,
      );
      setBusy(false);
      queueMicrotask(() => messageRef.current?.focus());
    }
  };

  useEffect(() => {
    document.title = 'Sign in · Support console';
    request(ConsoleSettings).then(
      (d) => setLoginUrl(d.consoleSettings.loginUrl),
      () => setLoginUrl(null),
    );
    const fromIdp = takeTokenFromFragment();
    if (fromIdp) void trySignIn(fromIdp);
  }, []);

  const idpHref = loginUrl
    ? `${loginUrl}${loginUrl.includes('?') ? '&' : '?'}redirect_uri=${encodeURIComponent(`${location.origin}${location.pathname}`)}`
    : null;

  return (
    <main class="signin" id="main">
      <h1>Support console</h1>
      {message && (
        <div class="notice" role="alert" tabIndex={-1} ref={messageRef}>
          {message}
        </div>
      )}
      {idpHref && (
        <p>
          <a class="button" href={idpHref}>
            Sign in with your identity provider
          </a>
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const t = value.trim();
          if (!t) {
            setMessage('Paste a token first.');
            return;
          }
          void trySignIn(t);
        }}
      >
        <label for="token">Access token</label>
        <textarea
          id="token"
          rows={4}
          autoComplete="off"
          spellcheck={false}
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          aria-describedby="token-help"
        />
        <p id="token-help" class="muted">
          A JWT with the support or admin role. Locally: <code>npm run cli -- token --roles support</code>. It is kept
          only in this tab.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

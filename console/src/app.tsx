import { useEffect, useState } from 'preact/hooks';
import { onSessionExpired } from './api/client';
import { clearToken, getToken, tokenRoles } from './session';
import { href, useRoute } from './router';
import { SignIn } from './pages/sign-in';
import { Overview } from './pages/overview';
import { Accounts } from './pages/accounts';
import { AccountPage } from './pages/account';
import { WebhookFailures } from './pages/webhook-failures';
import { BackupsAndJobs } from './pages/backups';

export function App() {
  const [token, setTokenState] = useState(getToken());
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(
    () =>
      onSessionExpired((message) => {
        setNotice(message);
        setTokenState(null);
      }),
    [],
  );
  if (!token)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(t) => {
          setNotice(null);
          setTokenState(t);
        }}
      />
    );
  const signOut = () => {
    clearToken();
    setNotice('You are signed out.');
    setTokenState(null);
  };
  return <Shell token={token} onSignOut={signOut} />;
}

function Shell({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const route = useRoute();
  const admin = tokenRoles(token).includes('admin');
  const links: Array<[string, string, boolean]> = [
    ['', 'Overview', route.page === 'overview'],
    ['accounts', 'Accounts', route.page === 'accounts' || route.page === 'account'],
    ['webhooks', 'Webhook failures', route.page === 'webhooks'],
    ...(admin ? ([['backups', 'Backups and jobs', route.page === 'backups']] as Array<[string, string, boolean]>) : []),
  ];
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">NOI credits · support</span>
        <nav aria-label="Main">
          <ul>
            {links.map(([path, label, current]) => (
              <li key={path}>
                <a href={href(path)} aria-current={current ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" class="secondary" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === 'overview' && <Overview />}
        {route.page === 'accounts' && <Accounts />}
        {route.page === 'account' && <AccountPage id={route.id} />}
        {route.page === 'webhooks' && <WebhookFailures />}
        {route.page === 'backups' &&
          (admin ? <BackupsAndJobs /> : <p role="alert">Backups and jobs are for administrators.</p>)}
      </main>
    </>
  );
}

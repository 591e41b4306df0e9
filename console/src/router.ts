import { useEffect, useState } from 'preact/hooks';

/** Hash routes (#/accounts/…): the server serves one page, and the token never enters a URL. */
export type Route =
  | { page: 'overview' }
  | { page: 'accounts' }
  | { page: 'account'; id: string }
  | { page: 'webhooks' }
  | { page: 'backups' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  if (parts[0] === 'accounts' && parts[1]) return { page: 'account', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'accounts') return { page: 'accounts' };
  if (parts[0] === 'webhooks') return { page: 'webhooks' };
  if (parts[0] === 'backups') return { page: 'backups' };
  return { page: 'overview' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export const href = (path: string): string => `#/${path}`;

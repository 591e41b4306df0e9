/**
 * The signed-in token lives in memory and sessionStorage only (gone when the tab closes): never in
 * localStorage, a cookie or the URL.
 */
const KEY = 'noi-console-token';
let token: string | null = null;

export function getToken(): string | null {
  if (token === null) token = sessionStorage.getItem(KEY);
  return token;
}

export function setToken(value: string): void {
  token = value;
  sessionStorage.setItem(KEY, value);
}

export function clearToken(): void {
  token = null;
  sessionStorage.removeItem(KEY);
}

/** Roles claimed by the token, for showing the right navigation only; the API enforces access. */
export function tokenRoles(value: string | null): string[] {
  try {
    const payload = value?.split('.')[1];
    if (!payload) return [];
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { roles?: unknown };
    return Array.isArray(json.roles) ? json.roles.filter((r): r is string => typeof r === 'string') : ['user'];
  } catch {
    return [];
  }
}

/**
 * Back from CONSOLE_LOGIN_URL the identity provider puts the token in the fragment
 * (`#access_token=…`); take it and wipe it from the address bar and history at once.
 */
export function takeTokenFromFragment(): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const value = params.get('access_token');
  if (!value) return null;
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  return value;
}

import { clearToken, getToken } from '../session';

/** A GraphQL document that carries its result and variable types, so every call site is checked. */
export interface Doc<TData, TVars> {
  readonly query: string;
  readonly __types?: (vars: TVars) => TData;
}

export const gql = <TData, TVars = Record<string, never>>(query: string): Doc<TData, TVars> => ({ query });

/** Every code the API can answer, in words a support person can act on. */
const MESSAGES: Record<string, string> = {
  UNAUTHENTICATED: 'Your session has expired or the token is not valid. Please sign in again.',
  FORBIDDEN: 'Your account does not have permission to do this.',
  NOT_FOUND: 'That item no longer exists.',
  BAD_USER_INPUT: 'Please check the input',
  INSUFFICIENT_CREDITS: 'The account does not have enough available credits for this.',
  IDEMPOTENCY_KEY_REUSED: 'This request was already used for a different change. Reload and try again.',
  ACCOUNT_FROZEN: 'The account is frozen. Unfreeze it first.',
  RATE_LIMITED: 'Too many changes in a short time. Wait a minute and try again.',
  CONFLICT: 'Someone else changed this at the same time. Reload and try again.',
  SERVICE_UNAVAILABLE: 'A service this needs (for example Stripe) is not configured or not reachable.',
  INTERNAL_SERVER_ERROR: 'Something went wrong on the server. Try again; if it persists, report the request id.',
};

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

export function humanMessage(code: string, detail?: string): string {
  const base = MESSAGES[code] ?? MESSAGES.INTERNAL_SERVER_ERROR!;
  if (code === 'BAD_USER_INPUT' && detail) return `${base}: ${detail}`;
  return base;
}

interface GqlError {
  message: string;
  extensions?: { code?: string; requestId?: string };
}

/** Listeners told when the token stopped working, so the app can return to sign-in. */
const expiredListeners = new Set<(message: string) => void>();
export const onSessionExpired = (fn: (message: string) => void): (() => void) => {
  expiredListeners.add(fn);
  return () => expiredListeners.delete(fn);
};

export async function request<TData, TVars>(
  doc: Doc<TData, TVars>,
  variables?: TVars,
  token = getToken(),
): Promise<TData> {
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: doc.query, variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError('NETWORK', 'The server could not be reached. Check your connection and try again.');
  }
  const body = (await res.json().catch(() => ({}))) as { data?: TData; errors?: GqlError[] };
  const first = body.errors?.[0];
  if (first) {
    const code = first.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
    const error = new ApiError(code, humanMessage(code, first.message), first.extensions?.requestId);
    if (code === 'UNAUTHENTICATED' && token) {
      clearToken();
      for (const fn of expiredListeners) fn(error.message);
    }
    throw error;
  }
  if (!res.ok || body.data === undefined)
    throw new ApiError('INTERNAL_SERVER_ERROR', humanMessage('INTERNAL_SERVER_ERROR'));
  return body.data;
}

import type { DomainError, ErrorCode } from '../domain/errors.js';

/**
 * Every domain error code, decided once for the REST routes (adding a code fails the build here).
 * GraphQL answers with its own map (src/graphql/error-map.ts): its errors travel in the body.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  INSUFFICIENT_CREDITS: 402,
  FORBIDDEN: 403,
  ACCOUNT_FROZEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  CONFIGURATION: 503,
  UPSTREAM_FAILED: 503,
  MAINTENANCE: 503,
};

/** What a REST client sees of a domain error: its code and message, except for internal ones. */
export function httpError(error: DomainError, requestId: string): { status: number; body: Record<string, unknown> } {
  const status = HTTP_STATUS[error.code];
  const message = error.code === 'INTERNAL' ? 'internal error' : error.message;
  return { status, body: { error: message, code: error.code, requestId } };
}

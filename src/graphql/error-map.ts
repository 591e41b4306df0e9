import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AuthenticationError, AuthorizationError } from 'type-graphql';
import { DomainError, type ErrorCode } from '../domain/errors.js';
import { HTTP_STATUS } from '../http/error-status.js';

/** The closed set of `extensions.code` values this API answers with. */
export const GRAPHQL_ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'INSUFFICIENT_CREDITS',
  'IDEMPOTENCY_KEY_REUSED',
  'ACCOUNT_FROZEN',
  'RATE_LIMITED',
  'CONFLICT',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_SERVER_ERROR',
] as const;
export type GraphqlErrorCode = (typeof GRAPHQL_ERROR_CODES)[number];

/**
 * /graphql's own HTTP status, for the errors it answers before executing (authentication, rate
 * limit): the REST status of the domain code behind the GraphQL code (src/http/error-status.ts).
 * Errors raised while executing travel in a 200 response's `errors`, as GraphQL clients expect.
 */
export const graphqlHttpStatus = (code: GraphqlErrorCode): number =>
  HTTP_STATUS[
    code === 'SERVICE_UNAVAILABLE' ? 'UPSTREAM_FAILED' : code === 'INTERNAL_SERVER_ERROR' ? 'INTERNAL' : code
  ];

export type LogLevel = 'none' | 'warn' | 'error';

interface Mapping {
  code: GraphqlErrorCode;
  /** false: the message may carry internals; the client sees a generic one. */
  expose: boolean;
  /** Keys of `DomainError.details` a client may see (never upstream messages or ids of others). */
  details: readonly string[];
  log: LogLevel;
}

/** Every domain code, decided once for GraphQL (adding a code to src/domain/errors.ts fails here). */
export const DOMAIN_ERROR_MAP: Record<ErrorCode, Mapping> = {
  UNAUTHENTICATED: { code: 'UNAUTHENTICATED', expose: true, details: ['reason'], log: 'none' },
  FORBIDDEN: { code: 'FORBIDDEN', expose: true, details: [], log: 'none' },
  NOT_FOUND: { code: 'NOT_FOUND', expose: true, details: [], log: 'none' },
  BAD_USER_INPUT: { code: 'BAD_USER_INPUT', expose: true, details: ['field'], log: 'none' },
  INSUFFICIENT_CREDITS: { code: 'INSUFFICIENT_CREDITS', expose: true, details: ['available', 'needed'], log: 'none' },
  IDEMPOTENCY_KEY_REUSED: { code: 'IDEMPOTENCY_KEY_REUSED', expose: true, details: ['idempotencyKey'], log: 'none' },
  ACCOUNT_FROZEN: { code: 'ACCOUNT_FROZEN', expose: true, details: [], log: 'none' },
  CONFLICT: { code: 'CONFLICT', expose: true, details: [], log: 'warn' },
  RATE_LIMITED: { code: 'RATE_LIMITED', expose: true, details: ['retryAfter'], log: 'none' },
  MAINTENANCE: { code: 'SERVICE_UNAVAILABLE', expose: true, details: ['since'], log: 'none' },
  CONFIGURATION: { code: 'SERVICE_UNAVAILABLE', expose: true, details: [], log: 'error' },
  UPSTREAM_FAILED: { code: 'SERVICE_UNAVAILABLE', expose: true, details: [], log: 'error' },
  INTERNAL: { code: 'INTERNAL_SERVER_ERROR', expose: false, details: [], log: 'error' },
};

/** Apollo's request-level codes (the document itself is wrong): all BAD_USER_INPUT, reason kept. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export const INTERNAL_MESSAGE = 'Internal server error';

export interface ClassifiedError {
  code: GraphqlErrorCode;
  message: string;
  extensions: Record<string, unknown>;
  log: LogLevel;
  /** The error nobody anticipated (a bug): masked, logged with the request id. */
  unknown: boolean;
}

/** Maps any error a GraphQL request can produce to the closed code set. */
export function classifyError(error: unknown): ClassifiedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainError) {
    const m = DOMAIN_ERROR_MAP[original.code];
    const details = Object.fromEntries(
      m.details.filter((k) => k in original.details).map((k) => [k, original.details[k]]),
    );
    const message = m.expose ? original.message : INTERNAL_MESSAGE;
    return { code: m.code, message, extensions: details, log: m.log, unknown: false };
  }
  if (original instanceof AuthenticationError)
    return known('UNAUTHENTICATED', 'authentication required: send Authorization: Bearer <token>');
  if (original instanceof AuthorizationError) return known('FORBIDDEN', 'your roles do not allow this operation');
  if (original instanceof GraphQLError) {
    const code = original.extensions.code;
    if (typeof code === 'string' && REQUEST_CODES.has(code)) {
      // Apollo's own BAD_USER_INPUT is a variable that does not fit its declared type; our
      // validation rules name their own reason (QUERY_LIMIT).
      const own = original.extensions.reason;
      const reason = typeof own === 'string' ? own : code === 'BAD_USER_INPUT' ? 'INVALID_VARIABLES' : code;
      return { ...known('BAD_USER_INPUT', original.message), extensions: { reason } };
    }
    if (typeof code === 'string' && (GRAPHQL_ERROR_CODES as readonly string[]).includes(code)) {
      const { code: _c, http: _h, stacktrace: _s, ...rest } = original.extensions;
      return { ...known(code as GraphqlErrorCode, original.message), extensions: rest };
    }
  }
  return { code: 'INTERNAL_SERVER_ERROR', message: INTERNAL_MESSAGE, extensions: {}, log: 'error', unknown: true };
}

const known = (code: GraphqlErrorCode, message: string): ClassifiedError => ({
  code,
  message,
  extensions: {},
  log: 'none',
  unknown: false,
});

/** Apollo's `formatError`: the only shape errors leave this server in. */
export function formatGraphqlError(
  formatted: GraphQLFormattedError,
  error: unknown,
  options: { development: boolean },
): GraphQLFormattedError {
  const c = classifyError(error);
  const stacktrace = options.development ? formatted.extensions?.stacktrace : undefined;
  return {
    message: c.message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: c.code, ...c.extensions, ...(stacktrace ? { stacktrace } : {}) },
  };
}

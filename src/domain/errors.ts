/**
 * The one closed set of domain error codes. Every edge (GraphQL, Discord, HTTP, CLI, logs) keeps an
 * exhaustive `Record<ErrorCode, …>` map to its own language, so adding a code fails the build until
 * each edge has decided what it means there.
 */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'INSUFFICIENT_CREDITS',
  'IDEMPOTENCY_KEY_REUSED',
  'ACCOUNT_FROZEN',
  'CONFLICT',
  'RATE_LIMITED',
  'MAINTENANCE',
  'CONFIGURATION',
  'UPSTREAM_FAILED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

/** A unique index refused a write. Both store adapters raise exactly this. */
export class DuplicateKeyError extends DomainError {
  readonly collection: string;
  readonly index: string;

  constructor(collection: string, index: string, key: Record<string, unknown> = {}) {
    super('CONFLICT', `duplicate key in ${collection} (index ${index})`, { collection, index, key });
    this.name = 'DuplicateKeyError';
    this.collection = collection;
    this.index = index;
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

export const badInput = (message: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('BAD_USER_INPUT', message, details);

export const notFound = (what: string, details: Record<string, unknown> = {}): DomainError =>
  new DomainError('NOT_FOUND', `${what} not found`, details);

/**
 * A commit whose acknowledgement never came back before the retry deadline: the transaction may or
 * may not have been applied. Every balance-changing path is idempotent (processed events, idempotency
 * keys), so repeating the same request is safe and settles it either way.
 */
export class TransactionOutcomeUnknownError extends DomainError {
  constructor(cause?: unknown) {
    const why = cause instanceof Error ? `: ${cause.message}` : '';
    super('INTERNAL', `transaction outcome unknown, safe to retry (the commit may have been applied${why})`);
    this.name = 'TransactionOutcomeUnknownError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

import { TransactionOutcomeUnknownError } from '../../domain/errors.js';
import { TransactionAbortedError } from '../port-rules.js';

/**
 * The transaction loop MongoDB's documentation prescribes, written out so its behaviour is ours to
 * test: the whole callback is retried on `TransientTransactionError` (write conflicts, elections),
 * and the commit alone is retried on `UnknownTransactionCommitResult` (the commit may have landed;
 * committing again is safe). Everything else aborts and propagates.
 */
export interface TxSession {
  startTransaction(options?: object): void;
  commitTransaction(): Promise<unknown>;
  abortTransaction(): Promise<unknown>;
  inTransaction(): boolean;
}

/** The drivers' convenient API (`withTransaction`) retries for 120 s; so do we. */
export const TRANSACTION_RETRY_DEADLINE_MS = 120_000;

export const transactionOptions = (writeTimeoutMs?: number) =>
  ({
    readConcern: { level: 'snapshot' },
    writeConcern: { w: 'majority', ...(writeTimeoutMs ? { wtimeoutMS: writeTimeoutMs } : {}) },
    readPreference: 'primary',
  }) as const;

const hasLabel = (e: unknown, label: string): boolean =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { hasErrorLabel?: unknown }).hasErrorLabel === 'function' &&
  (e as { hasErrorLabel(l: string): boolean }).hasErrorLabel(label);

/**
 * One run of the callback. MongoDB aborts a transaction on the server as soon as one of its
 * operations fails; the adapter records that failure here and refuses every later operation, so a
 * callback that catches the error and goes on fails at once instead of meeting NoSuchTransaction
 * (which is labelled transient and would be retried until the deadline).
 */
export class TxAttempt {
  private failure: { error: unknown } | null = null;

  fail(error: unknown): void {
    this.failure ??= { error };
  }

  assertUsable(): void {
    if (this.failure) throw new TransactionAbortedError(this.failure.error);
  }

  get firstFailure(): { error: unknown } | null {
    return this.failure;
  }
}

export interface RetryPolicy {
  /** Give up retrying after this long (default 120 s, as MongoDB's drivers). */
  timeoutMs?: number;
  now?: () => number;
  /** Waits between whole-transaction retries; jittered so a hot document's contenders spread out. */
  backoff?: (attempt: number) => Promise<void>;
  /** Passed to startTransaction (read/write concern). */
  options?: object;
}

const jitteredBackoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));

export async function runTransaction<T>(
  session: TxSession,
  fn: (attempt: TxAttempt) => Promise<T>,
  policy: RetryPolicy = {},
): Promise<T> {
  const now = policy.now ?? Date.now;
  const backoff = policy.backoff ?? jitteredBackoff;
  const deadline = now() + (policy.timeoutMs ?? TRANSACTION_RETRY_DEADLINE_MS);
  for (let n = 0; ; n += 1) {
    if (n > 0) await backoff(n);
    session.startTransaction(policy.options ?? transactionOptions());
    const attempt = new TxAttempt();
    let result: T;
    try {
      result = await fn(attempt);
      attempt.assertUsable(); // the callback swallowed a failed operation: it cannot commit
    } catch (error) {
      if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
      // The first failed operation decides: a transient one makes the whole callback retryable,
      // whatever the callback turned it into.
      const decisive = attempt.firstFailure ? attempt.firstFailure.error : error;
      if (hasLabel(decisive, 'TransientTransactionError') && now() < deadline) continue;
      throw error;
    }
    const outcome = await commitWithRetry(session, deadline, now);
    if (outcome === 'committed') return result;
  }
}

async function commitWithRetry(
  session: TxSession,
  deadline: number,
  now: () => number,
): Promise<'committed' | 'retry-transaction'> {
  for (;;) {
    try {
      await session.commitTransaction();
      return 'committed';
    } catch (error) {
      if (hasLabel(error, 'UnknownTransactionCommitResult')) {
        if (now() < deadline) continue;
        throw new TransactionOutcomeUnknownError(error);
      }
      if (hasLabel(error, 'TransientTransactionError') && now() < deadline) return 'retry-transaction';
      throw error;
    }
  }
}

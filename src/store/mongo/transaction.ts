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

export const TRANSACTION_OPTIONS = {
  readConcern: { level: 'snapshot' },
  writeConcern: { w: 'majority' },
  readPreference: 'primary',
} as const;

const hasLabel = (e: unknown, label: string): boolean =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as { hasErrorLabel?: unknown }).hasErrorLabel === 'function' &&
  (e as { hasErrorLabel(l: string): boolean }).hasErrorLabel(label);

export interface RetryPolicy {
  /** Give up retrying after this long (MongoDB's drivers use 120 s). */
  timeoutMs: number;
  now?: () => number;
  /** Waits between whole-transaction retries; jittered so a hot document's contenders spread out. */
  backoff?: (attempt: number) => Promise<void>;
}

const jitteredBackoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 2 ** attempt)));

export async function runTransaction<T>(
  session: TxSession,
  fn: () => Promise<T>,
  policy: RetryPolicy = { timeoutMs: 60_000 },
): Promise<T> {
  const now = policy.now ?? Date.now;
  const backoff = policy.backoff ?? jitteredBackoff;
  const deadline = now() + policy.timeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 0) await backoff(attempt);
    session.startTransaction(TRANSACTION_OPTIONS);
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
      if (hasLabel(error, 'TransientTransactionError') && now() < deadline) continue;
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
      if (hasLabel(error, 'UnknownTransactionCommitResult') && now() < deadline) continue;
      if (hasLabel(error, 'TransientTransactionError') && now() < deadline) return 'retry-transaction';
      throw error;
    }
  }
}

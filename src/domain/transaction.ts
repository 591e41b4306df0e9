import { DuplicateKeyError } from './errors.js';
import type { Store, StoreTx } from './ports/store.port.js';

const ATTEMPTS = 3;

/**
 * The one way the domain runs a transaction. A unique index refusing a write (DuplicateKeyError)
 * means a concurrent request with the same idempotency key, Stripe event or Checkout session
 * committed first: the rerun sees the winner's record and replays it instead of acting twice. The
 * adapters already retry transient conflicts; this retries only what they cannot know is safe.
 */
export async function transactionWithRetry<T>(store: Store, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await store.transaction(fn);
    } catch (error) {
      if (!(error instanceof DuplicateKeyError) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/**
 * Thrown by a one-shot attempt (a spend's debit, a grant's increment) that found a case it does not
 * handle: it rolls that attempt back, and the caller answers the request on its careful path, which
 * reads the key and the account first (and so replays, or explains the refusal).
 */
export const NOT_AT_ONCE: Error = new Error('needs the careful path');

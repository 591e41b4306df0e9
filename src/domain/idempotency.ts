import { z } from 'zod';
import { DomainError, DuplicateKeyError } from './errors.js';
import { idempotencyKey, parseInput } from './validation.js';

/**
 * Keys chosen by API callers live in their own namespace, `caller:<key>`. Keys the system derives
 * (`stripe-checkout:<session>`, `stripe-refund:…`, `discord:<interaction>` …) never start with it, so
 * a caller cannot take in advance a key a system effect will need — and make a real purchase grant
 * fail with IDEMPOTENCY_KEY_REUSED. Every edge that passes a caller's key on wraps it with this.
 */
const CALLER_NAMESPACE = 'caller:';
const callerInput = z.object({ idempotencyKey });
export const callerKey = (key: string): string =>
  `${CALLER_NAMESPACE}${parseInput(callerInput, { idempotencyKey: key }).idempotencyKey}`;
/** The key as its caller wrote it (for error messages). */
const shownKey = (key: string): string => (key.startsWith(CALLER_NAMESPACE) ? key.slice(CALLER_NAMESPACE.length) : key);

/**
 * One idempotent request: its key is claimed by inserting a record under a unique index, and a
 * repeat finds that record and replays it. Every keyed path in the domain goes through `idempotent`.
 */
export interface IdempotentRequest<D, R> {
  key: string;
  /** The record already stored under the key, if any. */
  find: () => Promise<D | null>;
  /** Whether the stored record answers this very request (same fingerprint). */
  sameRequest: (stored: D) => boolean | Promise<boolean>;
  /** The stored answer; null when the record changed meanwhile and must be looked up again. */
  replay: (stored: D) => R | null | Promise<R | null>;
  /** Claims the key (an insert under the unique index) and does the work. */
  claim: () => Promise<R>;
  /**
   * Inside a transaction a lost race aborts it, and `transactionWithRetry` reruns it to replay the
   * winner; outside one, the record is looked up again here.
   */
  inTransaction?: boolean;
  /** The error for a different request under the same key (default: IDEMPOTENCY_KEY_REUSED). */
  reused?: () => DomainError;
}

export interface Idempotent<R> {
  result: R;
  /** The key was used before: nothing ran this time. */
  replayed: boolean;
}

const ATTEMPTS = 3;

export async function idempotent<D, R>(r: IdempotentRequest<D, R>): Promise<Idempotent<R>> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    const stored = await r.find();
    if (stored) {
      if (!(await r.sameRequest(stored))) throw r.reused ? r.reused() : keyReused(r.key);
      const result = await r.replay(stored);
      if (result !== null) return { result, replayed: true };
      continue;
    }
    try {
      return { result: await r.claim(), replayed: false };
    } catch (error) {
      // The race is recognised by the error type the unique index raises, whatever the index is called.
      if (r.inTransaction || !(error instanceof DuplicateKeyError)) throw error;
    }
  }
  throw new DomainError('CONFLICT', 'this request is being handled concurrently; try again', { idempotencyKey: r.key });
}

export const keyReused = (key: string, what = 'a different request'): DomainError =>
  new DomainError('IDEMPOTENCY_KEY_REUSED', `this idempotency key was already used for ${what}`, {
    idempotencyKey: shownKey(key),
  });

/** Canonical description of a request, compared when its key is used again. */
export const fingerprint = (...parts: unknown[]): string => JSON.stringify(parts);

import { describe, expect, it } from 'vitest';
import { DomainError, DuplicateKeyError } from '../../../src/domain/errors.js';
import { idempotent } from '../../../src/domain/idempotency.js';
import { transactionWithRetry } from '../../../src/domain/transaction.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';

interface Stored {
  fingerprint: string;
  result: string;
}

/** A key store with a unique index, as both adapters have: the second insert of a key collides. */
const keyStore = () => {
  const rows = new Map<string, Stored>();
  return {
    rows,
    request(key: string, fingerprint: string, work: () => string) {
      return idempotent<Stored, string>({
        key,
        find: () => Promise.resolve(rows.get(key) ?? null),
        sameRequest: (s) => s.fingerprint === fingerprint,
        replay: (s) => s.result,
        claim: async () => {
          const result = work();
          await Promise.resolve();
          if (rows.has(key)) throw new DuplicateKeyError('keys', 'any_name_at_all', { key });
          rows.set(key, { fingerprint, result });
          return result;
        },
      });
    },
  };
};

describe(idempotent.name, () => {
  it('runs the work once and replays the stored result', async () => {
    const s = keyStore();
    let runs = 0;
    const first = await s.request('k', 'f', () => `run-${++runs}`);
    const again = await s.request('k', 'f', () => `run-${++runs}`);
    expect(first).toEqual({ result: 'run-1', replayed: false });
    expect(again).toEqual({ result: 'run-1', replayed: true });
  });

  it('refuses a different request under the same key with IDEMPOTENCY_KEY_REUSED', async () => {
    const s = keyStore();
    await s.request('k', 'f', () => 'a');
    await expect(s.request('k', 'other', () => 'b')).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('answers the loser of a race with the winner, whatever the unique index is called', async () => {
    const s = keyStore();
    const [a, b] = await Promise.all([s.request('k', 'f', () => 'first'), s.request('k', 'f', () => 'second')]);
    expect(a.result).toBe(b.result);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
    expect(s.rows.size).toBe(1);
  });

  it('lets any other error through untouched', async () => {
    const boom = new DomainError('UPSTREAM_FAILED', 'down');
    await expect(
      idempotent({
        key: 'k',
        find: () => Promise.resolve(null),
        sameRequest: () => true,
        replay: () => 'x',
        claim: () => Promise.reject(boom),
      }),
    ).rejects.toBe(boom);
  });
});

describe(transactionWithRetry.name, () => {
  it('reruns a transaction a unique index refused, so the rerun can see the winner', async () => {
    const store = new MemoryStore();
    let attempts = 0;
    const result = await transactionWithRetry(store, async () => {
      attempts += 1;
      if (attempts === 1) throw new DuplicateKeyError('ledgerEntries', 'whatever_it_is_named');
      return 'replayed';
    });
    expect({ result, attempts }).toEqual({ result: 'replayed', attempts: 2 });
  });

  it('gives up after three refusals and does not retry other errors', async () => {
    const store = new MemoryStore();
    let attempts = 0;
    await expect(
      transactionWithRetry(store, () => {
        attempts += 1;
        return Promise.reject(new DuplicateKeyError('x', 'y'));
      }),
    ).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(attempts).toBe(3);
    let other = 0;
    await expect(
      transactionWithRetry(store, () => {
        other += 1;
        return Promise.reject(new DomainError('CONFLICT', 'no'));
      }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(other).toBe(1);
  });
});

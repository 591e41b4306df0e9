import { describe, expect, it } from 'vitest';
import { NESTED_TRANSACTION, WRITE_OUTSIDE_TX } from '../../../src/store/port-rules.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { account } from '../../contract/documents.js';

/**
 * The memory engine tracks which transaction a call belongs to only while a transaction is open
 * (tracking costs every promise in the process). Switching it off in between must not let a later
 * transaction body escape the rules.
 */
describe('memory engine transaction context', () => {
  it('still refuses a nested transaction and a write around the transaction after earlier ones ended', async () => {
    const store = new MemoryStore();
    for (let round = 0; round < 3; round += 1) {
      await store.transaction(async (tx) => {
        await tx.collection('accounts').insertOne(account(store, { _id: `a${round}` }));
      });
      await expect(store.transaction(() => store.transaction(async () => 1))).rejects.toThrow(NESTED_TRANSACTION);
      await expect(
        store.transaction(() => store.collection('accounts').deleteOne({ _id: `a${round}` })),
      ).rejects.toThrow(WRITE_OUTSIDE_TX);
      // Between transactions a write outside one is an ordinary write again.
      await store.collection('accounts').updateOne({ _id: `a${round}` }, { $set: { balance: round } });
    }
    expect(await store.collection('accounts').count({})).toBe(3);
  });

  it('keeps concurrent transactions apart: each body sees its own transaction', async () => {
    const store = new MemoryStore();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.collection('accounts').insertOne(account(store, { _id: `c${i}` }));
          await expect(store.collection('accounts').count({ _id: `c${i}` })).resolves.toBe(0);
          await expect(tx.collection('accounts').count({ _id: `c${i}` })).resolves.toBe(1);
        }),
      ),
    );
    expect(await store.collection('accounts').count({})).toBe(20);
  });
});

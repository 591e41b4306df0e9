import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';

/** Guards specific to the reference engine (the shared semantics live in test/contract). */
describe(MemoryStore.name, () => {
  it('refuses a nested transaction instead of deadlocking', async () => {
    const store = new MemoryStore();
    await expect(store.transaction(() => store.transaction(async () => 1))).rejects.toThrow(/nested transaction/);
  });

  it('refuses a write outside the open transaction from inside it', async () => {
    const store = new MemoryStore();
    await expect(
      store.transaction(() =>
        store
          .collection('jobLocks')
          .insertOne({ _id: 'x', holder: 'h', acquiredAt: new Date(), expiresAt: new Date() }),
      ),
    ).rejects.toThrow(/use tx.collection/);
    expect(await store.collection('jobLocks').count()).toBe(0);
  });

  it('refuses any use of a transaction after a duplicate key aborted it', async () => {
    const store = new MemoryStore();
    const doc = { _id: 'x', holder: 'h', acquiredAt: new Date(), expiresAt: new Date() };
    await store.collection('jobLocks').insertOne(doc);
    await expect(
      store.transaction(async (tx) => {
        await tx
          .collection('jobLocks')
          .insertOne(doc)
          .catch(() => undefined);
        await tx.collection('jobLocks').findOne({ _id: 'x' });
      }),
    ).rejects.toThrow(/aborted/);
  });

  it('refuses unsupported operators loudly', async () => {
    const store = new MemoryStore();
    await expect(store.collection('accounts').find({ balance: { $where: 'x' } })).rejects.toThrow(/unsupported/);
    await expect(store.collection('accounts').updateOne({}, { $push: { a: 1 } } as never)).rejects.toThrow(
      /unsupported/,
    );
  });
});

import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntryDoc } from '../../src/domain/ports/documents.js';
import { storeAdapters, type TestStore } from './adapters.js';

const adapters = storeAdapters('daily sums contract suite');
afterAll(async () => {
  for (const a of adapters) await a.shutdown();
});

function entry(store: TestStore, createdAt: string, kind: LedgerEntryDoc['kind'], amount: number): LedgerEntryDoc {
  const id = store.newId();
  return {
    _id: id,
    accountId: 'acc',
    amount,
    balanceAfter: 0,
    reservedAfter: 0,
    kind,
    source: { type: 'system' },
    actor: { type: 'system', id: 'test' },
    reason: 'test',
    idempotencyKey: id,
    fingerprint: '[]',
    createdAt: new Date(createdAt),
  };
}

// Both legs are always declared: without a replica set the mongo one is reported as skipped.
for (const adapter of adapters) {
  describe.skipIf(adapter.skip)(`sumByDay on the ${adapter.name} store`, () => {
    let store: TestStore;
    beforeEach(async () => {
      store = await adapter.create();
    });

    it('sums per UTC day and per group value, ordered by day then group', async () => {
      const c = store.collection('ledgerEntries');
      await c.insertMany([
        entry(store, '2026-03-01T00:00:00.000Z', 'purchase', 10),
        entry(store, '2026-03-01T23:59:59.999Z', 'purchase', 5),
        entry(store, '2026-03-01T12:00:00.000Z', 'spend', -2),
        entry(store, '2026-03-02T00:00:00.000Z', 'spend', -3),
        entry(store, '2026-03-02T08:00:00.000Z', 'adjustment', 7),
      ]);
      expect(await c.sumByDay('createdAt', 'kind', 'amount')).toEqual([
        { day: '2026-03-01', group: 'purchase', total: 15 },
        { day: '2026-03-01', group: 'spend', total: -2 },
        { day: '2026-03-02', group: 'adjustment', total: 7 },
        { day: '2026-03-02', group: 'spend', total: -3 },
      ]);
    });

    it('applies the filter before grouping', async () => {
      const c = store.collection('ledgerEntries');
      await c.insertMany([
        entry(store, '2026-02-28T10:00:00.000Z', 'purchase', 100),
        entry(store, '2026-03-01T10:00:00.000Z', 'purchase', 1),
        entry(store, '2026-03-01T11:00:00.000Z', 'adjustment', 50),
      ]);
      const rows = await c.sumByDay('createdAt', 'kind', 'amount', {
        kind: { $in: ['purchase', 'spend'] },
        createdAt: { $gte: new Date('2026-03-01T00:00:00.000Z') },
      });
      expect(rows).toEqual([{ day: '2026-03-01', group: 'purchase', total: 1 }]);
    });

    it('answers an empty list when nothing matches', async () => {
      expect(await store.collection('ledgerEntries').sumByDay('createdAt', 'kind', 'amount')).toEqual([]);
    });

    it('sees the writes of its own transaction and not those of a rolled-back one', async () => {
      await expect(
        store.transaction(async (tx) => {
          const c = tx.collection('ledgerEntries');
          await c.insertOne(entry(store, '2026-03-05T10:00:00.000Z', 'purchase', 4));
          expect(await c.sumByDay('createdAt', 'kind', 'amount')).toEqual([
            { day: '2026-03-05', group: 'purchase', total: 4 },
          ]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await store.collection('ledgerEntries').sumByDay('createdAt', 'kind', 'amount')).toEqual([]);
    });
  });
}

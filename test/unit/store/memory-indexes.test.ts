import { describe, expect, it } from 'vitest';
import type { PurchaseDoc } from '../../../src/domain/ports/documents.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';

const purchase = (id: string, chargeId?: string): PurchaseDoc =>
  ({
    _id: id,
    checkoutSessionId: `cs_${id}`,
    accountId: 'acc',
    status: 'paid',
    ...(chargeId === undefined ? {} : { chargeId }),
  }) as PurchaseDoc;

/**
 * The reference engine keeps a non-unique index's look-up map only once a filter has used it; the
 * answers must not depend on when that happened.
 */
describe('MemoryStore non-unique indexes', () => {
  it('answers equality look-ups as a full scan does, whether the index was first used before or after the writes', async () => {
    const store = new MemoryStore();
    const purchases = store.collection('purchases');
    // `chargeId` is a plain equality on the `charge` index; `$in` forces a scan of every document.
    const byIndex = async (chargeId: string) => (await purchases.find({ chargeId })).map((p) => p._id).sort();
    const byScan = async (chargeId: string) =>
      (await purchases.find({ chargeId: { $in: [chargeId] } })).map((p) => p._id).sort();
    const agree = async (expected: Record<string, string[]>) => {
      for (const [chargeId, ids] of Object.entries(expected)) {
        expect(await byScan(chargeId)).toEqual(ids);
        expect(await byIndex(chargeId)).toEqual(ids);
      }
    };

    await purchases.insertMany([purchase('a', 'ch_1'), purchase('b', 'ch_1'), purchase('c'), purchase('d', 'ch_2')]);
    await purchases.updateOne({ _id: 'a' }, { $set: { chargeId: 'ch_2' } });
    await purchases.deleteOne({ _id: 'd' });
    await agree({ ch_1: ['b'], ch_2: ['a'] }); // first use: built from the documents

    await store.transaction(async (tx) => {
      const inTx = tx.collection('purchases');
      await inTx.updateOne({ _id: 'b' }, { $set: { chargeId: 'ch_3' } });
      await inTx.updateOne({ _id: 'c' }, { $set: { chargeId: 'ch_2' } });
      await inTx.insertOne(purchase('e', 'ch_1'));
      await inTx.deleteOne({ _id: 'a' });
      expect((await inTx.find({ chargeId: 'ch_2' })).map((p) => p._id)).toEqual(['c']);
    });
    await agree({ ch_1: ['e'], ch_2: ['c'], ch_3: ['b'] }); // kept up to date since

    await purchases.updateOne({ chargeId: 'ch_3' }, { $unset: { chargeId: true } });
    await agree({ ch_1: ['e'], ch_2: ['c'], ch_3: [] });
  });
});

import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { CreditOverviewService } from '../../../src/domain/ledger/credit-overview.service.js';
import { LedgerService } from '../../../src/domain/ledger/ledger.service.js';
import type { CollectionName, Collections } from '../../../src/domain/ports/documents.js';
import type { CollectionPort } from '../../../src/domain/ports/store.port.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { ManualClock } from '../../helpers/manual-clock.js';

/** The reference engine with ledger reads that return documents forbidden: only sums may be used. */
class SumsOnlyStore extends MemoryStore {
  override collection<N extends CollectionName>(name: N): CollectionPort<Collections[N]> {
    const inner = super.collection(name);
    if (name !== 'ledgerEntries' || !this.sumsOnly) return inner;
    const refuse = () => Promise.reject(new Error('the overview read ledger documents'));
    return { ...inner, sumByDay: inner.sumByDay.bind(inner), find: refuse, findOne: refuse };
  }
  sumsOnly = false;
}

const DAY = 86_400_000;
const system = { type: 'system' as const, id: 'test' };

async function setUp() {
  const store = new SumsOnlyStore();
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const ledger = new LedgerService({ store, clock });
  const accountId = store.newId();
  await store.collection('accounts').insertOne({
    _id: accountId,
    email: 'a@example.com',
    balance: 0,
    reserved: 0,
    status: 'active',
    createdAt: clock.now(),
    updatedAt: clock.now(),
  });
  let n = 0;
  const buy = (amount: number) =>
    ledger.grant({
      accountId,
      amount,
      reason: 'pack',
      idempotencyKey: `buy-${++n}`,
      actor: system,
      source: { type: 'stripe' },
    });
  const spend = (amount: number) =>
    ledger.spend({ accountId, amount, reason: 'analysis', idempotencyKey: `spend-${++n}`, actor: system });
  return { store, clock, ledger, buy, spend, overview: new CreditOverviewService({ store, clock }) };
}

describe(CreditOverviewService.name, () => {
  describe('daily', () => {
    it('sums purchases and spends per UTC day over the window, zeros for quiet days', async () => {
      const t = await setUp();
      await t.buy(50); // 2026-03-01, outside a 3-day window that ends 2026-03-04
      t.clock.advance(DAY); // 03-02
      await t.buy(20);
      await t.spend(3);
      await t.spend(2);
      t.clock.advance(2 * DAY); // 03-04
      await t.buy(5);
      await t.ledger.adjust({
        accountId: (await t.store.collection('accounts').findOne({}))!._id,
        amount: 9,
        reason: 'fix',
        idempotencyKey: 'adj',
        actor: system,
      });
      t.store.sumsOnly = true;
      const o = await t.overview.daily({ days: 3 });
      expect(o.from.toISOString()).toBe('2026-03-02T00:00:00.000Z');
      expect(o.days).toEqual([
        { day: '2026-03-02', sold: 20, spent: 5 },
        { day: '2026-03-03', sold: 0, spent: 0 },
        { day: '2026-03-04', sold: 5, spent: 0 },
      ]);
      expect({ sold: o.totalSold, spent: o.totalSpent }).toEqual({ sold: 25, spent: 5 });
    });

    it('counts a day from midnight UTC: an entry at 23:59:59.999 belongs to that day', async () => {
      const t = await setUp();
      t.clock.advance(15 * 3_600_000 - 1); // 2026-03-01T23:59:59.999Z
      await t.buy(7);
      t.clock.advance(1); // 03-02 00:00
      await t.buy(1);
      const o = await t.overview.daily({ days: 2 });
      expect(o.days).toEqual([
        { day: '2026-03-01', sold: 7, spent: 0 },
        { day: '2026-03-02', sold: 1, spent: 0 },
      ]);
    });

    it.each([0, 367, 1.5, Number.NaN])('refuses a window of %s days', async (days) => {
      const t = await setUp();
      await expect(t.overview.daily({ days })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(t.overview.daily({ days })).rejects.toBeInstanceOf(DomainError);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { LedgerService } from '../../../src/domain/ledger/ledger.service.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { ledgerFixture, supportActor, systemActor } from '../../helpers/ledger-fixture.js';

const setup = () => {
  const store = new MemoryStore();
  return { store, ...ledgerFixture(store) };
};

describe(LedgerService.name, () => {
  describe('bad input', () => {
    const amounts: Array<[string, unknown]> = [
      ['0', 0],
      ['negative', -5],
      ['fractional', 1.5],
      ['above the limit', 1_000_001],
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['a string', '5'],
    ];
    for (const [label, amount] of amounts) {
      it(`refuses a spend of ${label} with BAD_USER_INPUT and changes nothing`, async () => {
        const { ledger, newAccount, snapshot } = setup();
        const a = await newAccount(10);
        const before = await snapshot(a.id);
        await expect(
          ledger.spend({
            accountId: a.id,
            amount: amount as number,
            reason: 'r',
            idempotencyKey: 'k',
            actor: systemActor,
          }),
        ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('amount') });
        expect(await snapshot(a.id)).toEqual(before);
      });
    }

    it('refuses an adjustment of 0 and one beyond ±1,000,000', async () => {
      const { ledger, newAccount } = setup();
      const a = await newAccount(10);
      for (const amount of [0, 1_000_001, -1_000_001])
        await expect(
          ledger.adjust({ accountId: a.id, amount, reason: 'r', idempotencyKey: `k${amount}`, actor: supportActor }),
        ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    for (const [label, reason] of [
      ['empty', ''],
      ['blank', '   '],
      ['501-character', 'x'.repeat(501)],
    ] as const) {
      it(`refuses an ${label} reason`, async () => {
        const { ledger, newAccount, snapshot } = setup();
        const a = await newAccount(10);
        const before = await snapshot(a.id);
        await expect(
          ledger.adjust({ accountId: a.id, amount: 5, reason, idempotencyKey: 'k', actor: supportActor }),
        ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('reason') });
        expect(await snapshot(a.id)).toEqual(before);
      });
    }

    it('accepts a 500-character reason', async () => {
      const { ledger, newAccount } = setup();
      const a = await newAccount(10);
      const e = await ledger.adjust({
        accountId: a.id,
        amount: 1,
        reason: 'y'.repeat(500),
        idempotencyKey: 'k',
        actor: supportActor,
      });
      expect(e.reason).toHaveLength(500);
    });

    it('refuses a missing or malformed idempotency key', async () => {
      const { ledger, newAccount } = setup();
      const a = await newAccount(10);
      for (const key of ['', 'has space', 'x'.repeat(221), 'derived#capture'])
        await expect(
          ledger.spend({ accountId: a.id, amount: 1, reason: 'r', idempotencyKey: key, actor: systemActor }),
        ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('idempotencyKey') });
    });

    it('answers NOT_FOUND for an unknown account', async () => {
      const { ledger } = setup();
      await expect(
        ledger.spend({ accountId: 'nope', amount: 1, reason: 'r', idempotencyKey: 'k', actor: systemActor }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('refuses spending and reserving on a frozen account but still records money received', async () => {
      const { ledger, accounts, newAccount, snapshot } = setup();
      const a = await newAccount(10);
      await accounts.freeze({ accountId: a.id, reason: 'chargeback investigation', actor: supportActor });
      const before = await snapshot(a.id);
      await expect(
        ledger.spend({ accountId: a.id, amount: 1, reason: 'r', idempotencyKey: 'k', actor: systemActor }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_FROZEN' });
      await expect(
        ledger.reserve({ accountId: a.id, amount: 1, reason: 'r', idempotencyKey: 'k2', actor: systemActor }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_FROZEN' });
      expect(await snapshot(a.id)).toEqual(before);
      const g = await ledger.grant({
        accountId: a.id,
        amount: 5,
        reason: 'purchase',
        idempotencyKey: 'g',
        actor: systemActor,
        source: { type: 'stripe', ref: 'cs_1' },
      });
      expect(g.balanceAfter).toBe(15);
    });
  });

  describe('spend', () => {
    it('rejects a spend above the available balance with the numbers in the error', async () => {
      const { ledger, newAccount, snapshot } = setup();
      const a = await newAccount(4);
      const before = await snapshot(a.id);
      const error = await ledger
        .spend({ accountId: a.id, amount: 5, reason: 'r', idempotencyKey: 'k', actor: systemActor })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ code: 'INSUFFICIENT_CREDITS', details: { available: 4, needed: 5 } });
      expect(await snapshot(a.id)).toEqual(before);
    });

    it('records balanceAfter on every entry', async () => {
      const { ledger, newAccount, snapshot } = setup();
      const a = await newAccount(10);
      await ledger.spend({ accountId: a.id, amount: 3, reason: 'a', idempotencyKey: 'k1', actor: systemActor });
      await ledger.spend({ accountId: a.id, amount: 4, reason: 'b', idempotencyKey: 'k2', actor: systemActor });
      expect((await snapshot(a.id)).entries.map((e) => [e.amount, e.balanceAfter])).toEqual([
        [10, 10],
        [-3, 7],
        [-4, 3],
      ]);
    });
  });

  describe('idempotency', () => {
    it('replays the first result for a repeated key and changes nothing', async () => {
      const { ledger, newAccount, snapshot } = setup();
      const a = await newAccount(10);
      const first = await ledger.spend({
        accountId: a.id,
        amount: 3,
        reason: 'r',
        idempotencyKey: 'k',
        actor: systemActor,
      });
      const afterFirst = await snapshot(a.id);
      const again = await ledger.spend({
        accountId: a.id,
        amount: 3,
        reason: 'r',
        idempotencyKey: 'k',
        actor: systemActor,
      });
      expect(again).toEqual(first);
      expect(await snapshot(a.id)).toEqual(afterFirst);
    });

    it('fails with IDEMPOTENCY_KEY_REUSED for the same key with another amount, reason or operation', async () => {
      const { ledger, newAccount, snapshot } = setup();
      const a = await newAccount(10);
      await ledger.spend({ accountId: a.id, amount: 3, reason: 'r', idempotencyKey: 'k', actor: systemActor });
      const before = await snapshot(a.id);
      const attempts = [
        () => ledger.spend({ accountId: a.id, amount: 4, reason: 'r', idempotencyKey: 'k', actor: systemActor }),
        () => ledger.spend({ accountId: a.id, amount: 3, reason: 'other', idempotencyKey: 'k', actor: systemActor }),
        () => ledger.adjust({ accountId: a.id, amount: -3, reason: 'r', idempotencyKey: 'k', actor: supportActor }),
        () =>
          ledger.grant({
            accountId: a.id,
            amount: 3,
            reason: 'r',
            idempotencyKey: 'k',
            actor: systemActor,
            source: { type: 'system' },
          }),
      ];
      for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
      expect(await snapshot(a.id)).toEqual(before);
    });

    it('scopes keys to an account', async () => {
      const { ledger, newAccount } = setup();
      const a = await newAccount(10);
      const b = await newAccount(10);
      await ledger.spend({ accountId: a.id, amount: 1, reason: 'r', idempotencyKey: 'shared', actor: systemActor });
      const e = await ledger.spend({
        accountId: b.id,
        amount: 2,
        reason: 'r',
        idempotencyKey: 'shared',
        actor: systemActor,
      });
      expect(e.balanceAfter).toBe(8);
    });
  });

  describe('adjust', () => {
    it('writes the audit log with the actor and balance before/after', async () => {
      const { ledger, newAccount, snapshot } = setup();
      const a = await newAccount(10);
      const e = await ledger.adjust({
        accountId: a.id,
        amount: -4,
        reason: 'duplicate purchase',
        idempotencyKey: 'adj-1',
        actor: supportActor,
      });
      expect(e).toMatchObject({
        amount: -4,
        balanceAfter: 6,
        kind: 'adjustment',
        actor: supportActor,
        source: { type: 'support' },
      });
      const { audit } = await snapshot(a.id);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: 'credits.adjust',
        actor: supportActor,
        balanceBefore: 10,
        balanceAfter: 6,
        amount: -4,
        reason: 'duplicate purchase',
        ledgerEntryId: e.id,
      });
    });

    it('never goes below zero: refuses, or clamps to the available balance when asked', async () => {
      const { ledger, newAccount, snapshot } = setup();
      const a = await newAccount(3);
      await expect(
        ledger.adjust({ accountId: a.id, amount: -5, reason: 'r', idempotencyKey: 'a1', actor: supportActor }),
      ).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
      const clamped = await ledger.adjust({
        accountId: a.id,
        amount: -5,
        reason: 'r',
        idempotencyKey: 'a2',
        actor: supportActor,
        clampToAvailable: true,
      });
      expect(clamped).toMatchObject({ amount: -3, balanceAfter: 0 });
      expect((await snapshot(a.id)).audit[0]).toMatchObject({ details: { requested: -5, clamped: true } });
      await expect(
        ledger.adjust({
          accountId: a.id,
          amount: -1,
          reason: 'r',
          idempotencyKey: 'a3',
          actor: supportActor,
          clampToAvailable: true,
        }),
      ).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
    });
  });

  describe('verifyLedger', () => {
    it('reports an account whose balance differs from the sum of its entries', async () => {
      const { store, ledger, newAccount } = setup();
      const good = await newAccount(5);
      const bad = await newAccount(5);
      expect((await ledger.verifyLedger()).ok).toBe(true);
      await store.collection('accounts').updateOne({ _id: bad.id }, { $inc: { balance: 7 } });
      const report = await ledger.verifyLedger();
      expect(report.ok).toBe(false);
      expect(report.drift).toEqual([expect.objectContaining({ accountId: bad.id, balance: 12, ledgerSum: 5 })]);
      expect(report.drift.some((d) => d.accountId === good.id)).toBe(false);
    });
  });

  describe('list', () => {
    it('lists an account’s entries newest first with cursors', async () => {
      const { ledger, newAccount } = setup();
      const a = await newAccount(10);
      for (let i = 0; i < 5; i += 1)
        await ledger.spend({
          accountId: a.id,
          amount: 1,
          reason: `s${i}`,
          idempotencyKey: `k${i}`,
          actor: systemActor,
        });
      const p1 = await ledger.list(a.id, { first: 4 });
      const p2 = await ledger.list(a.id, { first: 4, after: p1.endCursor });
      expect([...p1.items, ...p2.items].map((e) => e.reason)).toEqual(['s4', 's3', 's2', 's1', 's0', 'test funds']);
      expect(p2.hasNextPage).toBe(false);
      await expect(ledger.list(a.id, { after: 'garbage' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });
  });
});

import { describe, expect, it } from 'vitest';
import { AccountRepository } from '../../../src/domain/accounts/account.repository.js';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import { LedgerService, type GrantInput } from '../../../src/domain/ledger/ledger.service.js';
import { systemClock } from '../../../src/domain/ports/runtime.port.js';
import { NOT_AT_ONCE } from '../../../src/domain/transaction.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { ledgerFixture, supportActor, systemActor } from '../../helpers/ledger-fixture.js';
import { recording } from '../../helpers/recording-store.js';

const grantOf = (accountId: string, amount: number, idempotencyKey: string): GrantInput => ({
  accountId,
  amount,
  kind: 'purchase',
  reason: 'Stripe Checkout: starter (10 credits)',
  idempotencyKey,
  actor: systemActor,
  source: { type: 'stripe', ref: 'cs_test_1' },
});

describe(LedgerService.name, () => {
  describe('grantAtOnceInTx', () => {
    it('adds the credits with one update and claims the key with the entry itself: no look-ups', async () => {
      const memory = new MemoryStore();
      const fx = ledgerFixture(memory);
      const a = await fx.newAccount(5);
      const { store, calls } = recording(memory);
      const ledger = new LedgerService({ store, clock: systemClock });
      const entry = await store.transaction((tx) => ledger.grantAtOnceInTx(tx, grantOf(a.id, 10, 'k')));
      expect(calls).toEqual(['accounts.updateOne', 'ledgerEntries.insertOne']);
      expect(entry).toMatchObject({ amount: 10, balanceAfter: 15, reservedAfter: 0, kind: 'purchase' });
      const { account, entries } = await fx.snapshot(a.id);
      expect(account).toMatchObject({ balance: 15, reserved: 0 });
      expect(entries).toHaveLength(2);
      expect(entries.at(-1)).toMatchObject({ _id: entry.id, idempotencyKey: 'k', amount: 10, balanceAfter: 15 });
    });

    it('writes the same entry as grantInTx, and a later grantInTx with the key replays it', async () => {
      const memory = new MemoryStore();
      const { ledger, newAccount, snapshot } = ledgerFixture(memory);
      const fast = await newAccount();
      const careful = await newAccount();
      const a = await memory.transaction((tx) => ledger.grantAtOnceInTx(tx, grantOf(fast.id, 10, 'k')));
      const b = await memory.transaction((tx) => ledger.grantInTx(tx, grantOf(careful.id, 10, 'k')));
      // Everything but the ids and the time of day.
      const same = (x: object) => ({ ...x, id: '', _id: '', accountId: '', createdAt: null });
      expect(same(a)).toEqual(same(b));
      const [fastEntry] = (await snapshot(fast.id)).entries;
      const [carefulEntry] = (await snapshot(careful.id)).entries;
      expect(same(fastEntry ?? {})).toEqual(same(carefulEntry ?? {}));
      const before = await snapshot(fast.id);
      expect(await memory.transaction((tx) => ledger.grantInTx(tx, grantOf(fast.id, 10, 'k')))).toEqual(a);
      expect(await snapshot(fast.id)).toEqual(before);
    });

    it('refuses a key used before with the unique index, rolling the increment back', async () => {
      const memory = new MemoryStore();
      const { ledger, newAccount, snapshot } = ledgerFixture(memory);
      const a = await newAccount();
      await memory.transaction((tx) => ledger.grantAtOnceInTx(tx, grantOf(a.id, 10, 'k')));
      const after = await snapshot(a.id);
      await expect(
        memory.transaction((tx) => ledger.grantAtOnceInTx(tx, grantOf(a.id, 10, 'k'))),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await snapshot(a.id)).toEqual(after);
    });

    it('gives up on a missing account, and on one owing a clawback (grantInTx collects it), changing nothing', async () => {
      const memory = new MemoryStore();
      const { ledger, newAccount, snapshot } = ledgerFixture(memory);
      await expect(
        memory.transaction((tx) => ledger.grantAtOnceInTx(tx, grantOf('no-such-account', 10, 'k'))),
      ).rejects.toBe(NOT_AT_ONCE);
      expect(await memory.collection('ledgerEntries').count({ accountId: 'no-such-account' })).toBe(0);

      const owing = await newAccount();
      await new AccountRepository({ store: memory }).owe(owing.id, 4, new Date());
      const before = await snapshot(owing.id);
      await expect(memory.transaction((tx) => ledger.grantAtOnceInTx(tx, grantOf(owing.id, 10, 'k')))).rejects.toBe(
        NOT_AT_ONCE,
      );
      expect(await snapshot(owing.id)).toEqual(before);
      await memory.transaction((tx) => ledger.grantInTx(tx, grantOf(owing.id, 10, 'k')));
      expect((await snapshot(owing.id)).account).toMatchObject({ balance: 6, clawbackOwed: 0 });
    });

    it('grants to a frozen account, as grantInTx does (money received)', async () => {
      const memory = new MemoryStore();
      const { accounts, ledger, newAccount, snapshot } = ledgerFixture(memory);
      const a = await newAccount();
      await accounts.freeze({ accountId: a.id, reason: 'chargeback investigation', actor: supportActor });
      const entry = await memory.transaction((tx) => ledger.grantAtOnceInTx(tx, grantOf(a.id, 10, 'k')));
      expect(entry).toMatchObject({ amount: 10, balanceAfter: 10 });
      expect((await snapshot(a.id)).account).toMatchObject({ balance: 10, status: 'frozen' });
    });
  });
});

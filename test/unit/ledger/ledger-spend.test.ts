import { describe, expect, it } from 'vitest';
import { LedgerService } from '../../../src/domain/ledger/ledger.service.js';
import { MaintenanceService } from '../../../src/domain/maintenance/maintenance.service.js';
import { systemClock } from '../../../src/domain/ports/runtime.port.js';
import { gateWrites } from '../../../src/store/maintenance-gate.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { ledgerFixture, supportActor, systemActor } from '../../helpers/ledger-fixture.js';
import { recording } from '../../helpers/recording-store.js';

const spendOf = (accountId: string, amount: number, idempotencyKey: string) => ({
  accountId,
  amount,
  reason: 'analysis',
  idempotencyKey,
  actor: systemActor,
});

describe(LedgerService.name, () => {
  describe('spend', () => {
    it('takes the credits with one conditional update and claims the key with the entry itself: no look-ups', async () => {
      const memory = new MemoryStore();
      const fx = ledgerFixture(memory);
      const a = await fx.newAccount(10);
      const { store, calls } = recording(memory);
      const entry = await new LedgerService({ store, clock: systemClock }).spend(spendOf(a.id, 3, 'k'));
      expect(calls).toEqual(['accounts.updateOne', 'ledgerEntries.insertOne']);
      expect(entry).toMatchObject({ amount: -3, balanceAfter: 7, reservedAfter: 0, kind: 'spend' });
      const { account, entries } = await fx.snapshot(a.id);
      expect(account).toMatchObject({ balance: 7, reserved: 0 });
      expect(entries.at(-1)).toMatchObject({ _id: entry.id, idempotencyKey: 'k', amount: -3, balanceAfter: 7 });
    });

    it('replays a repeated key even when the account could no longer pay it, and changes nothing', async () => {
      const { ledger, newAccount, snapshot } = ledgerFixture(new MemoryStore());
      const a = await newAccount(3);
      const first = await ledger.spend(spendOf(a.id, 3, 'k'));
      const after = await snapshot(a.id);
      expect(await ledger.spend(spendOf(a.id, 3, 'k'))).toEqual(first);
      expect(await snapshot(a.id)).toEqual(after);
    });

    it('replays a repeated key on an account frozen since', async () => {
      const { accounts, ledger, newAccount, snapshot } = ledgerFixture(new MemoryStore());
      const a = await newAccount(10);
      const first = await ledger.spend(spendOf(a.id, 2, 'k'));
      await accounts.freeze({ accountId: a.id, reason: 'chargeback investigation', actor: supportActor });
      const after = await snapshot(a.id);
      expect(await ledger.spend(spendOf(a.id, 2, 'k'))).toEqual(first);
      await expect(ledger.spend(spendOf(a.id, 2, 'other'))).rejects.toMatchObject({ code: 'ACCOUNT_FROZEN' });
      expect(await snapshot(a.id)).toEqual(after);
    });

    it('rolls back a spend that would take reserved credits, then spends what is available', async () => {
      const { ledger, newAccount, snapshot } = ledgerFixture(new MemoryStore());
      const a = await newAccount(5);
      await ledger.reserve(spendOf(a.id, 3, 'held'));
      const before = await snapshot(a.id);
      await expect(ledger.spend(spendOf(a.id, 3, 'k'))).rejects.toMatchObject({
        code: 'INSUFFICIENT_CREDITS',
        details: { available: 2, needed: 3 },
      });
      expect(await snapshot(a.id)).toEqual(before);
      expect(await ledger.spend(spendOf(a.id, 2, 'k2'))).toMatchObject({ balanceAfter: 3, reservedAfter: 3 });
      expect((await ledger.verifyLedger()).ok).toBe(true);
    });

    it('in maintenance replays a repeated key but refuses a new spend, changing nothing', async () => {
      const memory = new MemoryStore();
      const fx = ledgerFixture(memory);
      const a = await fx.newAccount(10);
      const ledger = new LedgerService({ store: gateWrites(memory), clock: systemClock });
      const first = await ledger.spend(spendOf(a.id, 1, 'k'));
      await new MaintenanceService({ store: memory, clock: systemClock }).enter({
        reason: 'restore',
        by: supportActor,
      });
      const after = await fx.snapshot(a.id);
      expect(await ledger.spend(spendOf(a.id, 1, 'k'))).toEqual(first);
      await expect(ledger.spend(spendOf(a.id, 1, 'new'))).rejects.toMatchObject({ code: 'MAINTENANCE' });
      expect(await fx.snapshot(a.id)).toEqual(after);
    });
  });
});

import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AnalysisService } from '../../src/domain/noi/analysis.service.js';
import { systemClock } from '../../src/domain/ports/runtime.port.js';
import { InjectedFault } from '../../src/store/faults.js';
import { ledgerFixture, systemActor } from '../helpers/ledger-fixture.js';
import { storeAdapters, type TestStore } from './adapters.js';

const typedInput = () => ({
  property: { name: 'Maple Court', units: 8 },
  period: 'ANNUAL' as const,
  incomeLines: [{ label: 'Rents', category: 'RENT' as const, amount: 120_000 }],
  expenseLines: [{ label: 'Taxes', category: 'TAXES' as const, amount: 41_050.5 }],
});

for (const adapter of storeAdapters('analysis charging contract suite')) {
  describe.skipIf(adapter.skip)(`${AnalysisService.name} on ${adapter.name}`, () => {
    let store: TestStore;
    let fx: ReturnType<typeof ledgerFixture>;
    let analyses: AnalysisService;
    beforeEach(async () => {
      store = await adapter.create();
      fx = ledgerFixture(store);
      analyses = new AnalysisService({ store, clock: systemClock, ledger: fx.ledger, costCredits: 2 });
    });
    afterAll(() => adapter.shutdown());

    /** The analysis and what the account paid for it: both done, or neither. */
    const state = async (accountId: string) => {
      const { account, entries, reservations } = await fx.snapshot(accountId);
      const analysis = await store.collection('analyses').findOne({ accountId });
      return {
        status: analysis?.status,
        creditsCharged: analysis?.creditsCharged,
        balance: account?.balance,
        reserved: account?.reserved,
        spends: entries.filter((e) => e.kind === 'spend').length,
        reservations: reservations.map((r) => r.status).sort(),
      };
    };

    describe('analyzeProperty', () => {
      it('captures the credits and marks the analysis succeeded in one transaction', async () => {
        const a = await fx.newAccount(5);
        const request = { accountId: a.id, input: typedInput(), idempotencyKey: 'one-tx', actor: systemActor };
        // The write after the capture (account, spend entry, reservation): the analysis marked succeeded.
        store.faults.failWrite({ collection: 'analyses', op: 'update' });
        await expect(analyses.analyzeProperty(request)).rejects.toBeInstanceOf(InjectedFault);
        store.faults.clear();
        expect(await state(a.id)).toEqual({
          status: 'failed',
          creditsCharged: 0,
          balance: 5,
          reserved: 0,
          spends: 0,
          reservations: ['released'],
        });

        expect(await analyses.analyzeProperty(request)).toMatchObject({ status: 'succeeded', creditsCharged: 2 });
        expect(await state(a.id)).toEqual({
          status: 'succeeded',
          creditsCharged: 2,
          balance: 3,
          reserved: 0,
          spends: 1,
          reservations: ['captured', 'released'],
        });
        expect((await fx.ledger.verifyLedger()).ok).toBe(true);
      });
    });

    describe('LedgerService.captureInTx', () => {
      it("commits with the caller's transaction, and not at all when the caller's transaction fails", async () => {
        const a = await fx.newAccount(5);
        const r = await fx.ledger.reserve({
          accountId: a.id,
          amount: 2,
          reason: 'work',
          idempotencyKey: 'in-tx',
          actor: systemActor,
        });
        const before = await fx.snapshot(a.id);
        await expect(
          store.transaction(async (tx) => {
            await fx.ledger.captureInTx(tx, r.id);
            throw new InjectedFault('the caller failed after the capture');
          }),
        ).rejects.toBeInstanceOf(InjectedFault);
        expect(await fx.snapshot(a.id)).toEqual(before);

        const entry = await store.transaction((tx) => fx.ledger.captureInTx(tx, r.id));
        expect(entry).toMatchObject({ amount: -2, balanceAfter: 3, reservedAfter: 0, kind: 'spend' });
        expect((await fx.ledger.getReservation(r.id)).status).toBe('captured');
      });
    });
  });
}

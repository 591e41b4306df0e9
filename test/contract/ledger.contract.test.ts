import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import { LedgerService } from '../../src/domain/ledger/ledger.service.js';
import { InjectedFault } from '../../src/store/faults.js';
import { ledgerFixture, supportActor, systemActor } from '../helpers/ledger-fixture.js';
import { storeAdapters, type TestStore } from './adapters.js';

const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'rejected' && r.reason instanceof DomainError ? r.reason.code : r.status;

for (const adapter of storeAdapters('ledger contract suite')) {
  describe.skipIf(adapter.skip)(`${LedgerService.name} on ${adapter.name}`, () => {
    let store: TestStore;
    let fx: ReturnType<typeof ledgerFixture>;
    beforeEach(async () => {
      store = await adapter.create();
      fx = ledgerFixture(store);
    });
    afterAll(() => adapter.shutdown());

    describe('concurrency', () => {
      it('lets exactly 200 of 500 concurrent spends of 1 succeed on 200 credits', async () => {
        const a = await fx.newAccount(200);
        const results = await Promise.allSettled(
          Array.from({ length: 500 }, (_, i) =>
            fx.ledger.spend({
              accountId: a.id,
              amount: 1,
              reason: 'analysis',
              idempotencyKey: `spend-${i}`,
              actor: systemActor,
            }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(200);
        expect(results.filter((r) => codeOf(r) === 'INSUFFICIENT_CREDITS')).toHaveLength(300);
        const { account, entries } = await fx.snapshot(a.id);
        expect(account?.balance).toBe(0);
        expect(entries.reduce((s, e) => s + e.amount, 0)).toBe(0);
        expect(entries.filter((e) => e.kind === 'spend')).toHaveLength(200);
        expect((await fx.ledger.verifyLedger()).ok).toBe(true);
      });

      it('turns 100 concurrent calls with one idempotency key into one entry', async () => {
        const a = await fx.newAccount(50);
        const results = await Promise.all(
          Array.from({ length: 100 }, () =>
            fx.ledger.spend({
              accountId: a.id,
              amount: 3,
              reason: 'once',
              idempotencyKey: 'one-key',
              actor: systemActor,
            }),
          ),
        );
        expect(new Set(results.map((e) => e.id)).size).toBe(1);
        const { account, entries } = await fx.snapshot(a.id);
        expect(entries.filter((e) => e.idempotencyKey === 'one-key')).toHaveLength(1);
        expect(account?.balance).toBe(47);
      });

      it('never over-reserves under concurrent reservations', async () => {
        const a = await fx.newAccount(5);
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            fx.ledger.reserve({
              accountId: a.id,
              amount: 1,
              reason: 'analysis',
              idempotencyKey: `r-${i}`,
              actor: systemActor,
            }),
          ),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
        const { account } = await fx.snapshot(a.id);
        expect(account).toMatchObject({ balance: 5, reserved: 5 });
      });

      it('reports no drift from verifyLedger while grants, spends, reservations and captures commit', async () => {
        const accounts = await Promise.all(Array.from({ length: 4 }, () => fx.newAccount(1_000)));
        let writing = true;
        const writer = async (a: { id: string }, w: number) => {
          for (let i = 0; writing; i += 1) {
            const key = `w${w}-${i}`;
            await fx.ledger.grant({
              accountId: a.id,
              amount: 2,
              reason: 'g',
              idempotencyKey: `${key}-g`,
              actor: systemActor,
              source: { type: 'system' },
            });
            await fx.ledger.spend({
              accountId: a.id,
              amount: 1,
              reason: 's',
              idempotencyKey: `${key}-s`,
              actor: systemActor,
            });
            const r = await fx.ledger.reserve({
              accountId: a.id,
              amount: 1,
              reason: 'r',
              idempotencyKey: `${key}-r`,
              actor: systemActor,
            });
            await (i % 2 ? fx.ledger.capture(r.id) : fx.ledger.release(r.id));
            commits += 1;
          }
        };
        let commits = 0;
        let overlapped = 0;
        const writers = accounts.map((a, w) => writer(a, w));
        const reports = [];
        for (let i = 0; i < 15; i += 1) {
          const before = commits;
          reports.push(await fx.ledger.verifyLedger());
          if (commits > before) overlapped += 1;
        }
        writing = false;
        await Promise.all(writers);
        // The checks really ran while writes committed (else this case would prove nothing).
        expect(overlapped).toBeGreaterThan(0);
        // Every report is of one consistent moment: never a false drift while writes commit.
        expect(reports.flatMap((r) => r.drift)).toEqual([]);
        expect((await fx.ledger.verifyLedger()).ok).toBe(true);
      });
    });

    describe('faults', () => {
      const cases = [
        [
          'spend',
          2,
          (id: string) =>
            fx.ledger.spend({ accountId: id, amount: 2, reason: 'r', idempotencyKey: 'f1', actor: systemActor }),
        ],
        [
          'grant',
          2,
          (id: string) =>
            fx.ledger.grant({
              accountId: id,
              amount: 2,
              reason: 'r',
              idempotencyKey: 'f2',
              actor: systemActor,
              source: { type: 'system' },
            }),
        ],
        [
          'adjust',
          3,
          (id: string) =>
            fx.ledger.adjust({ accountId: id, amount: -2, reason: 'r', idempotencyKey: 'f3', actor: supportActor }),
        ],
      ] as const;
      // Every write of each operation (account update, ledger entry, audit row for adjust) in turn.
      for (const [name, writes, call] of cases) {
        for (let nth = 1; nth <= writes; nth += 1) {
          it(`leaves balance, ledger and audit log untouched when write ${nth} of a ${name} fails`, async () => {
            const a = await fx.newAccount(10);
            const before = await fx.snapshot(a.id);
            store.faults.failWrite({ nth });
            await expect(call(a.id)).rejects.toBeInstanceOf(InjectedFault);
            store.faults.clear();
            expect(await fx.snapshot(a.id)).toEqual(before);
            // and the same request then succeeds exactly once
            await call(a.id);
            await call(a.id);
            const after = await fx.snapshot(a.id);
            expect(after.entries).toHaveLength(before.entries.length + 1);
          });
        }
      }
    });

    describe('spend', () => {
      it('rolls back a spend that would take reserved credits, and replays a key the account could no longer pay', async () => {
        const a = await fx.newAccount(5);
        await fx.ledger.reserve({
          accountId: a.id,
          amount: 2,
          reason: 'r',
          idempotencyKey: 'held',
          actor: systemActor,
        });
        const spend = (amount: number, idempotencyKey: string) =>
          fx.ledger.spend({ accountId: a.id, amount, reason: 's', idempotencyKey, actor: systemActor });
        const before = await fx.snapshot(a.id);
        await expect(spend(4, 'too-much')).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
        expect(await fx.snapshot(a.id)).toEqual(before);
        const first = await spend(3, 'all');
        expect(first).toMatchObject({ balanceAfter: 2, reservedAfter: 2 });
        const after = await fx.snapshot(a.id);
        expect(await spend(3, 'all')).toEqual(first);
        expect(await fx.snapshot(a.id)).toEqual(after);
        expect((await fx.ledger.verifyLedger()).ok).toBe(true);
      });
    });

    describe('reserve → capture / release', () => {
      it('holds credits, then spends them on capture', async () => {
        const a = await fx.newAccount(3);
        const r = await fx.ledger.reserve({
          accountId: a.id,
          amount: 2,
          reason: 'analysis',
          idempotencyKey: 'res-1',
          actor: systemActor,
        });
        expect((await fx.snapshot(a.id)).account).toMatchObject({ balance: 3, reserved: 2 });
        await expect(
          fx.ledger.spend({ accountId: a.id, amount: 2, reason: 'x', idempotencyKey: 's', actor: systemActor }),
        ).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
        const captured = await fx.ledger.capture(r.id);
        expect(captured).toMatchObject({ amount: -2, balanceAfter: 1, reservedAfter: 0, kind: 'spend' });
        expect(await fx.ledger.capture(r.id)).toEqual(captured);
        await expect(fx.ledger.release(r.id)).rejects.toMatchObject({ code: 'CONFLICT' });
        expect((await fx.ledger.verifyLedger()).ok).toBe(true);
      });

      it('gives credits back on release', async () => {
        const a = await fx.newAccount(3);
        const r = await fx.ledger.reserve({
          accountId: a.id,
          amount: 3,
          reason: 'analysis',
          idempotencyKey: 'res-2',
          actor: systemActor,
        });
        const released = await fx.ledger.release(r.id);
        expect(released).toMatchObject({ amount: 0, balanceAfter: 3, reservedAfter: 0, kind: 'release' });
        await expect(fx.ledger.capture(r.id)).rejects.toMatchObject({ code: 'CONFLICT' });
        expect((await fx.snapshot(a.id)).account).toMatchObject({ balance: 3, reserved: 0 });
        expect((await fx.ledger.getReservation(r.id)).status).toBe('released');
      });
    });
  });
}

import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { StripeEventsService } from '../../src/domain/payments/stripe-events.service.js';
import { grantKey } from '../../src/domain/payments/purchase-effects.service.js';
import { systemClock } from '../../src/domain/ports/runtime.port.js';
import { ledgerFixture } from '../helpers/ledger-fixture.js';
import { paidSession, sessionEvent, stripeEventsOn } from '../helpers/stripe-events-fixture.js';
import { storeAdapters, type TestStore } from './adapters.js';

/**
 * A paid session's grant takes one transaction of writes only (the event, the purchase and the key
 * are claimed by their unique indexes); whatever that transaction cannot settle it abandons, and the
 * event is answered by a second one that reads first. These check, on each engine, that the first
 * leaves nothing behind when a unique index refuses it, and that concurrent deliveries grant once.
 */
for (const adapter of storeAdapters('webhook grants contract suite')) {
  describe.skipIf(adapter.skip)(`${StripeEventsService.name} on ${adapter.name}`, () => {
    let store: TestStore;
    let fx: ReturnType<typeof ledgerFixture>;
    let events: StripeEventsService;
    beforeEach(async () => {
      store = await adapter.create();
      fx = ledgerFixture(store);
      events = stripeEventsOn(store, systemClock);
    });
    afterAll(() => adapter.shutdown());

    describe('handle', () => {
      it('grants each session once under concurrent deliveries of its events and their redeliveries', async () => {
        const a = await fx.newAccount();
        const sessions = Array.from({ length: 5 }, (_, i) => paidSession(a.id, `cs_test_${i}`));
        const deliveries = sessions.flatMap((s, i) => [
          sessionEvent(s, `evt_completed_${i}`),
          sessionEvent(s, `evt_completed_${i}`),
          sessionEvent(s, `evt_succeeded_${i}`, 'checkout.session.async_payment_succeeded'),
        ]);

        const results = await Promise.all(deliveries.map((e) => events.handle(e)));

        expect(results.filter((r) => r.status === 'failed')).toEqual([]);
        expect(results.filter((r) => r.outcome === 'granted' && r.status === 'processed')).toHaveLength(5);
        const { account, entries } = await fx.snapshot(a.id);
        expect(account?.balance).toBe(50);
        expect(entries.map((e) => e.idempotencyKey).sort()).toEqual(sessions.map((s) => grantKey(s.id)).sort());
        const purchases = await store.collection('purchases').find({ accountId: a.id });
        expect(purchases).toHaveLength(5);
        for (const p of purchases) expect(p).toMatchObject({ status: 'paid', creditsGranted: 10 });
        expect(await store.collection('processedEvents').count({})).toBe(10);
        expect((await fx.ledger.verifyLedger()).ok).toBe(true);
      });

      it('leaves nothing of an attempt a unique index refused: a key granted before is not granted again', async () => {
        const a = await fx.newAccount();
        const session = paidSession(a.id);
        // The grant exists but its purchase row does not (say, restored from an older backup).
        const prior = await fx.ledger.grant({
          accountId: a.id,
          amount: 10,
          kind: 'purchase',
          reason: 'Stripe Checkout: starter (10 credits)',
          idempotencyKey: grantKey(session.id),
          actor: { type: 'stripe', id: 'evt_test_0', name: 'checkout.session.completed' },
          source: { type: 'stripe', ref: session.id },
        });

        const result = await events.handle(sessionEvent(session));

        expect(result).toMatchObject({ status: 'processed', outcome: 'granted', ledgerEntryId: prior.id });
        const { account, entries } = await fx.snapshot(a.id);
        expect(account?.balance).toBe(10);
        expect(entries).toHaveLength(1);
        expect(await store.collection('purchases').find({ accountId: a.id })).toEqual([
          expect.objectContaining({ status: 'paid', creditsGranted: 10, grantEntryId: prior.id }),
        ]);
      });

      it('rolls back a grant whose account is missing and records only the failure', async () => {
        const result = await events.handle(sessionEvent(paidSession('no-such-account')));

        expect(result).toMatchObject({ status: 'failed', error: expect.stringContaining('NOT_FOUND') });
        expect(await store.collection('purchases').count({})).toBe(0);
        expect(await store.collection('ledgerEntries').count({ accountId: 'no-such-account' })).toBe(0);
        expect(await store.collection('processedEvents').count({})).toBe(0);
        expect(await store.collection('webhookFailures').count({ eventId: 'evt_test_1' })).toBe(1);
      });
    });
  });
}

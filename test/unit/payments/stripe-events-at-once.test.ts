import { describe, expect, it } from 'vitest';
import { AccountRepository } from '../../../src/domain/accounts/account.repository.js';
import { AccountService } from '../../../src/domain/accounts/account.service.js';
import { MaintenanceService } from '../../../src/domain/maintenance/maintenance.service.js';
import { PurchaseRepository } from '../../../src/domain/payments/purchase.repository.js';
import { StripeEventsService } from '../../../src/domain/payments/stripe-events.service.js';
import { observeLedgerMovements } from '../../../src/store/metered.store.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { supportActor } from '../../helpers/ledger-fixture.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { recording } from '../../helpers/recording-store.js';
import { paidSession, sessionEvent, stripeEventsOn } from '../../helpers/stripe-events-fixture.js';

/** StripeEventsService on a recorded memory store, with the ledger metrics `main` adds. */
function stack() {
  const memory = new MemoryStore();
  const clock = new ManualClock();
  const { store: recorded, calls } = recording(memory);
  const movements: string[][] = [];
  const events = stripeEventsOn(
    observeLedgerMovements(recorded, (kinds) => movements.push([...kinds])),
    clock,
  );
  const accounts = new AccountService({ store: memory, clock });
  let n = 0;
  const newAccount = async () => {
    n += 1;
    return (await accounts.findOrCreateBySubject({ subject: `buyer-${n}`, email: `buyer${n}@example.com` })).id;
  };
  const state = async (accountId: string) => ({
    account: await memory.collection('accounts').findOne({ _id: accountId }),
    entries: await memory.collection('ledgerEntries').find({ accountId }, { sort: { createdAt: 1, _id: 1 } }),
    purchases: await memory.collection('purchases').find({ accountId }),
    processed: await memory.collection('processedEvents').find({}, { sort: { eventId: 1, _id: 1 } }),
    failures: await memory.collection('webhookFailures').find({}),
  });
  /** Runs `fn` and returns the store operations it made. */
  const opsOf = async <T>(fn: () => Promise<T>): Promise<{ result: T; ops: string[] }> => {
    calls.length = 0;
    const result = await fn();
    return { result, ops: [...calls] };
  };
  return { memory, clock, events, newAccount, state, opsOf, movements };
}

/**
 * A new paid session, not stored at checkout: seven operations. Reading the event's record, the
 * account (twice) and the grant's key first, and inserting the purchase before updating it, took twelve.
 */
const FRESH_SESSION_OPS = [
  'purchases.findOne',
  'maintenance.findOne', // the gate, at the transaction's first write
  'accounts.updateOne',
  'ledgerEntries.insertOne',
  'purchases.insertOne',
  'processedEvents.insertOne',
  'webhookFailures.updateOne',
];

describe(StripeEventsService.name, () => {
  describe('handle', () => {
    it('grants a new paid session in seven store operations, none a look-up of the event, account or key', async () => {
      const { clock, events, newAccount, state, opsOf, movements } = stack();
      const accountId = await newAccount();

      const { result, ops } = await opsOf(() => events.handle(sessionEvent(paidSession(accountId))));

      expect(ops).toEqual(FRESH_SESSION_OPS);
      expect(result).toMatchObject({ status: 'processed', outcome: 'granted', ledgerEntryId: expect.any(String) });
      const s = await state(accountId);
      const now = clock.now();
      expect(s.account).toMatchObject({ balance: 10, reserved: 0, updatedAt: now });
      expect(s.entries).toEqual([
        {
          _id: result.ledgerEntryId,
          accountId,
          amount: 10,
          balanceAfter: 10,
          reservedAfter: 0,
          kind: 'purchase',
          source: { type: 'stripe', ref: 'cs_test_1' },
          actor: { type: 'stripe', id: 'evt_test_1', name: 'checkout.session.completed' },
          reason: 'Stripe Checkout: starter (10 credits)',
          idempotencyKey: 'stripe-checkout:cs_test_1',
          fingerprint: expect.any(String),
          createdAt: now,
        },
      ]);
      expect(s.purchases).toEqual([
        {
          _id: expect.any(String),
          checkoutSessionId: 'cs_test_1',
          accountId,
          packageId: 'starter',
          credits: 10,
          amountTotal: 1900,
          currency: 'usd',
          status: 'paid',
          creditsGranted: 10,
          creditsClawedBack: 0,
          clawbackShortfall: 0,
          amountRefunded: 0,
          paymentIntentId: 'pi_for_cs_test_1',
          createdAt: now,
          updatedAt: now,
          grantEntryId: result.ledgerEntryId,
        },
      ]);
      expect(s.processed).toEqual([
        {
          _id: expect.any(String),
          source: 'stripe',
          eventId: 'evt_test_1',
          type: 'checkout.session.completed',
          receivedAt: now,
          outcome: 'granted',
          ledgerEntryId: result.ledgerEntryId,
        },
      ]);
      expect(movements).toEqual([['purchase']]);
    });

    it('grants a session whose purchase was stored at checkout by updating that purchase', async () => {
      const { memory, clock, events, newAccount, state, opsOf } = stack();
      const accountId = await newAccount();
      const at = clock.now();
      await new PurchaseRepository({ store: memory }).insert({
        _id: 'purchase-1',
        checkoutSessionId: 'cs_test_1',
        accountId,
        packageId: 'starter',
        credits: 10,
        amountTotal: 1900,
        currency: 'usd',
        status: 'open',
        creditsGranted: 0,
        creditsClawedBack: 0,
        clawbackShortfall: 0,
        amountRefunded: 0,
        idempotencyKey: 'cart-1',
        checkoutUrl: 'https://checkout.stripe.com/c/pay/cs_test_1',
        createdAt: at,
        updatedAt: at,
      });
      clock.advance(60_000);

      const { result, ops } = await opsOf(() => events.handle(sessionEvent(paidSession(accountId))));

      expect(ops).toEqual(FRESH_SESSION_OPS.map((op) => (op === 'purchases.insertOne' ? 'purchases.updateOne' : op)));
      expect(result).toMatchObject({ status: 'processed', outcome: 'granted' });
      const s = await state(accountId);
      expect(s.account).toMatchObject({ balance: 10 });
      expect(s.purchases).toEqual([
        expect.objectContaining({
          _id: 'purchase-1',
          status: 'paid',
          creditsGranted: 10,
          grantEntryId: result.ledgerEntryId,
          paymentIntentId: 'pi_for_cs_test_1',
          createdAt: at,
          updatedAt: clock.now(),
        }),
      ]);
    });

    it('answers a redelivery as a duplicate and another event of the session as already granted: one grant', async () => {
      const { events, newAccount, state, movements } = stack();
      const accountId = await newAccount();
      const s = paidSession(accountId);
      const first = await events.handle(sessionEvent(s));

      const again = await events.handle(sessionEvent(s));
      const other = await events.handle(sessionEvent(s, 'evt_test_2', 'checkout.session.async_payment_succeeded'));
      const racing = await Promise.all([
        events.handle(sessionEvent(s, 'evt_test_3')),
        events.handle(sessionEvent(s, 'evt_test_3')),
      ]);

      expect(again).toMatchObject({ status: 'duplicate', outcome: 'granted', ledgerEntryId: first.ledgerEntryId });
      expect(other).toMatchObject({
        status: 'processed',
        outcome: 'already_granted',
        ledgerEntryId: first.ledgerEntryId,
      });
      expect(racing.map((r) => r.status).sort()).toEqual(['duplicate', 'processed']);
      const after = await state(accountId);
      expect(after.account).toMatchObject({ balance: 10 });
      expect(after.entries).toHaveLength(1);
      expect(after.purchases).toHaveLength(1);
      expect(after.processed.map((p) => [p.eventId, p.outcome, p.ledgerEntryId])).toEqual([
        ['evt_test_1', 'granted', first.ledgerEntryId],
        ['evt_test_2', 'already_granted', first.ledgerEntryId],
        ['evt_test_3', 'already_granted', first.ledgerEntryId],
      ]);
      expect(movements).toEqual([['purchase']]);
    });

    it('grants a session of a frozen account, as money received', async () => {
      const { memory, clock, events, newAccount, state } = stack();
      const accountId = await newAccount();
      await new AccountService({ store: memory, clock }).freeze({
        accountId,
        reason: 'chargeback investigation',
        actor: supportActor,
      });

      expect(await events.handle(sessionEvent(paidSession(accountId)))).toMatchObject({ outcome: 'granted' });
      expect((await state(accountId)).account).toMatchObject({ balance: 10, status: 'frozen' });
    });

    it('fails a session of a missing account with the same error as ever, writing only the failure row', async () => {
      const { events, state } = stack();

      const result = await events.handle(sessionEvent(paidSession('no-such-account')));

      expect(result).toMatchObject({
        status: 'failed',
        error: 'NOT_FOUND: account not found {"id":"no-such-account","sessionId":"cs_test_1"}',
      });
      const s = await state('no-such-account');
      expect([s.entries, s.purchases, s.processed]).toEqual([[], [], []]);
      expect(s.failures).toEqual([
        expect.objectContaining({ eventId: 'evt_test_1', attempts: 1, accountId: 'no-such-account' }),
      ]);
    });

    it('collects what the account owes from a clawback out of the grant', async () => {
      const { memory, clock, events, newAccount, state } = stack();
      const accountId = await newAccount();
      await new AccountRepository({ store: memory }).owe(accountId, 4, clock.now());

      expect(await events.handle(sessionEvent(paidSession(accountId)))).toMatchObject({ outcome: 'granted' });
      const s = await state(accountId);
      expect(s.account).toMatchObject({ balance: 6, clawbackOwed: 0 });
      expect(s.entries.map((e) => [e.kind, e.amount, e.balanceAfter])).toEqual([
        ['purchase', 10, 10],
        ['refund_clawback', -4, 6],
      ]);
    });

    it('resolves the failure an earlier attempt of the event recorded', async () => {
      const { memory, clock, events, newAccount, state } = stack();
      const accountId = await newAccount();
      memory.faults.failWrite({ collection: 'ledgerEntries' });
      expect(await events.handle(sessionEvent(paidSession(accountId)))).toMatchObject({ status: 'failed' });
      expect(await state(accountId)).toMatchObject({ account: { balance: 0 }, purchases: [], processed: [] });
      clock.advance(60_000);

      expect(await events.handle(sessionEvent(paidSession(accountId)))).toMatchObject({ outcome: 'granted' });
      const s = await state(accountId);
      expect(s.account).toMatchObject({ balance: 10 });
      expect(s.failures).toEqual([expect.objectContaining({ attempts: 1, resolvedAt: clock.now() })]);
    });

    it('in maintenance refuses a new session and writes nothing, but still answers a redelivery', async () => {
      const { memory, clock, events, newAccount, state } = stack();
      const accountId = await newAccount();
      const s = paidSession(accountId);
      const first = await events.handle(sessionEvent(s));
      await new MaintenanceService({ store: memory, clock }).enter({ reason: 'restore', by: supportActor });
      const before = await state(accountId);

      await expect(
        events.handle(sessionEvent(paidSession(accountId, 'cs_test_2'), 'evt_test_2')),
      ).rejects.toMatchObject({
        code: 'MAINTENANCE',
      });
      expect(await events.handle(sessionEvent(s))).toMatchObject({
        status: 'duplicate',
        ledgerEntryId: first.ledgerEntryId,
      });
      expect(await state(accountId)).toEqual(before);
    });
  });
});

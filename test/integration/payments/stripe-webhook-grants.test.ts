import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeEventsService } from '../../../src/domain/payments/stripe-events.service.js';
import { startPaymentsHarness, type PaymentsHarness } from './payments.harness.js';

describe(StripeEventsService.name, () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(async () => h.close());

  const ledgerOf = (accountId: string) => h.store.collection('ledgerEntries').find({ accountId });
  const purchaseOf = (sessionId: string) => h.store.collection('purchases').findOne({ checkoutSessionId: sessionId });

  describe('checkout.session.completed', () => {
    it('grants the package credits once when a paid checkout completes', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id, { packageId: 'investor' });

      const res = await h.send(h.stripe.event('checkout.session.completed', session));

      expect(res).toMatchObject({ status: 200, body: { status: 'processed', outcome: 'granted' } });
      expect(await h.balance(account.id)).toBe(50);
      const entries = await ledgerOf(account.id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ amount: 50, kind: 'purchase', source: { type: 'stripe', ref: session.id } });
      expect(await purchaseOf(session.id)).toMatchObject({
        status: 'paid',
        creditsGranted: 50,
        paymentIntentId: session.payment_intent,
      });
      const processed = await h.store.collection('processedEvents').find({ eventId: { $exists: true } });
      expect(processed.filter((p) => p.ledgerEntryId === entries[0]?._id)).toHaveLength(1);
    });

    it('grants once when the same event is delivered 50 times concurrently', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id);
      const event = h.stripe.event('checkout.session.completed', session);

      const results = await Promise.all(Array.from({ length: 50 }, () => h.send(event)));

      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(results.filter((r) => r.body.status === 'processed')).toHaveLength(1);
      expect(results.filter((r) => r.body.status === 'duplicate')).toHaveLength(49);
      expect(await h.balance(account.id)).toBe(10);
      expect(await ledgerOf(account.id)).toHaveLength(1);
      expect(await h.store.collection('processedEvents').count({ eventId: event.id })).toBe(1);
    });

    it('grants once for a session that sends both completed (paid) and async_payment_succeeded', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id);

      const first = await h.send(h.stripe.event('checkout.session.completed', session));
      const second = await h.send(h.stripe.event('checkout.session.async_payment_succeeded', session));

      expect(first.body.outcome).toBe('granted');
      expect(second).toMatchObject({ status: 200, body: { status: 'processed', outcome: 'already_granted' } });
      expect(await h.balance(account.id)).toBe(10);
      expect(await ledgerOf(account.id)).toHaveLength(1);
    });

    it('grants nothing for an unpaid completion until the async payment succeeds', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id, { pay: 'async' });

      const waiting = await h.send(h.stripe.event('checkout.session.completed', session));
      expect(waiting.body.outcome).toBe('awaiting_payment');
      expect(await h.balance(account.id)).toBe(0);
      expect(await purchaseOf(session.id)).toMatchObject({ status: 'open', creditsGranted: 0 });

      const paid = h.stripe.settleAsyncPayment(session.id);
      const granted = await h.send(h.stripe.event('checkout.session.async_payment_succeeded', paid));

      expect(granted.body.outcome).toBe('granted');
      expect(await h.balance(account.id)).toBe(10);
      expect(await purchaseOf(session.id)).toMatchObject({ status: 'paid', creditsGranted: 10 });
    });
  });

  describe('failed and expired sessions', () => {
    it('marks the purchase failed when the async payment fails, and grants nothing', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id, { pay: 'async' });
      await h.send(h.stripe.event('checkout.session.completed', session));

      const res = await h.send(h.stripe.event('checkout.session.async_payment_failed', session));

      expect(res.body).toMatchObject({ status: 'processed', outcome: 'marked_failed' });
      expect(await purchaseOf(session.id)).toMatchObject({ status: 'failed', creditsGranted: 0 });
      expect(await h.balance(account.id)).toBe(0);
    });

    it('marks the purchase expired when the session expires unpaid', async () => {
      const account = await h.newAccount();
      const { checkout } = await h.buy(account.id, { pay: 'no' });

      const res = await h.send(h.stripe.event('checkout.session.expired', h.stripe.expireSession(checkout.id)));

      expect(res.body.outcome).toBe('marked_expired');
      expect(await purchaseOf(checkout.id)).toMatchObject({ status: 'expired' });
    });
  });

  describe('other events', () => {
    it('acknowledges an unhandled type and records it as ignored', async () => {
      const event = h.stripe.event('customer.updated', { id: 'cus_test_x', object: 'customer', created: 1 });

      const res = await h.send(event);

      expect(res).toMatchObject({ status: 200, body: { status: 'ignored' } });
      const record = await h.store.collection('processedEvents').findOne({ eventId: event.id });
      expect(record).toMatchObject({ type: 'customer.updated', outcome: expect.stringMatching(/^ignored/) });
    });

    it('ignores a checkout session this service did not create', async () => {
      const foreign = h.stripe.insertSession({ amount_total: 500, status: 'complete', payment_status: 'paid' });

      const res = await h.send(h.stripe.event('checkout.session.completed', foreign));

      expect(res).toMatchObject({ status: 200, body: { status: 'ignored' } });
      expect(await purchaseOf(foreign.id)).toBeNull();
    });
  });
});

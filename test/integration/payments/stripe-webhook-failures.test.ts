import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeEventsService } from '../../../src/domain/payments/stripe-events.service.js';
import { startPaymentsHarness, type PaymentsHarness } from './payments.harness.js';

describe(StripeEventsService.name, () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(async () => h.close());

  const failureOf = (eventId: string) => h.store.collection('webhookFailures').findOne({ eventId });
  const paidSession = async () => (await h.buy((await h.newAccount()).id)).session;

  describe('handle', () => {
    it('rolls back a grant hit by a store fault, records and alerts it, and grants once on redelivery', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id);
      const event = h.stripe.event('checkout.session.completed', session);
      const postsBefore = h.discord.posts.length;
      h.store.faults.failWrite({ collection: 'ledgerEntries' }); // mid-grant: the balance update already happened

      const failed = await h.send(event);

      expect(failed).toMatchObject({ status: 500, body: { received: false, status: 'failed' } });
      expect(await h.balance(account.id)).toBe(0);
      expect(await h.store.collection('ledgerEntries').count({ accountId: account.id })).toBe(0);
      expect(await h.store.collection('processedEvents').count({ eventId: event.id })).toBe(0);
      expect(await h.store.collection('purchases').findOne({ checkoutSessionId: session.id })).toMatchObject({
        status: 'open',
        creditsGranted: 0,
      });
      expect(await failureOf(event.id)).toMatchObject({
        type: 'checkout.session.completed',
        checkoutSessionId: session.id,
        accountId: account.id,
        attempts: 1,
        error: expect.stringContaining('injected store fault'),
      });
      const alert = await h.discord.waitForPostContaining(event.id);
      expect(alert.body.embeds?.[0]?.title).toContain('Stripe webhook failed');
      expect(h.discord.posts.length - postsBefore).toBe(1);

      const redelivered = await h.send(event);

      expect(redelivered).toMatchObject({ status: 200, body: { status: 'processed', outcome: 'granted' } });
      expect(await h.balance(account.id)).toBe(10);
      expect(await h.store.collection('ledgerEntries').count({ accountId: account.id })).toBe(1);
      expect(await failureOf(event.id)).toMatchObject({ attempts: 1, resolvedAt: expect.any(Date) });
      expect((await h.send(event)).body.status).toBe('duplicate');
      expect(await h.balance(account.id)).toBe(10);
    });

    it('counts attempts of an event that keeps failing', async () => {
      const event = h.stripe.event('checkout.session.completed', {
        ...h.stripe.insertSession({
          amount_total: 1900,
          status: 'complete',
          payment_status: 'paid',
          client_reference_id: 'no-such-account',
          metadata: { accountId: 'no-such-account', packageId: 'starter', credits: '10' },
        }),
      });

      const first = await h.send(event);
      const second = await h.send(event);

      expect([first.status, second.status]).toEqual([500, 500]);
      const failure = await failureOf(event.id);
      expect(failure).toMatchObject({
        attempts: 2,
        error: expect.stringContaining('NOT_FOUND: account not found'),
        checkoutSessionId: event.data.object.id,
        accountId: 'no-such-account',
      });
      expect(failure?.error).toContain('no-such-account');
      expect(failure?.resolvedAt).toBeUndefined();
      const open = await h.app.services.stripeEvents.listFailures({}, { first: 100 });
      expect(open.items.map((f) => f.eventId)).toContain(event.id);
    });

    it("records the purchase's session and account on a failed refund and a failed dispute", async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id);
      expect((await h.send(h.stripe.event('checkout.session.completed', session))).status).toBe(200);

      const refund = h.stripe.event('charge.refunded', h.stripe.refund(session.id, 950));
      h.store.faults.failWrite({ collection: 'ledgerEntries' });
      expect((await h.send(refund)).status).toBe(500);
      const dispute = h.stripe.event('charge.dispute.created', h.stripe.dispute(session.id));
      h.store.faults.failWrite({ collection: 'purchases' });
      expect((await h.send(dispute)).status).toBe(500);

      for (const [event, type] of [
        [refund, 'charge.refunded'],
        [dispute, 'charge.dispute.created'],
      ] as const)
        expect(await failureOf(event.id)).toMatchObject({
          type,
          checkoutSessionId: session.id,
          accountId: account.id,
          attempts: 1,
        });
      expect(await h.balance(account.id)).toBe(10);
    });

    it('records no session or account for a failure whose event names neither', async () => {
      // A refund of a charge we never sold: no purchase, no accountId in its metadata.
      const charge = { ...h.stripe.chargeFor((await paidSession()).id), metadata: {} };
      charge.payment_intent = 'pi_test_foreign';
      charge.id = 'ch_test_foreign';
      const event = h.stripe.event('charge.refunded', { ...charge, amount_refunded: charge.amount });
      h.store.faults.failWrite({ collection: 'processedEvents' });
      expect((await h.send(event)).status).toBe(500);
      const failure = await failureOf(event.id);
      expect(failure).toMatchObject({ type: 'charge.refunded', attempts: 1 });
      expect(failure).not.toHaveProperty('checkoutSessionId');
      expect(failure).not.toHaveProperty('accountId');
    });
  });

  describe('replay', () => {
    it('fetches a failed event from Stripe and runs it through the same handler, once', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id, { packageId: 'portfolio' });
      const event = h.stripe.event('checkout.session.completed', session);
      h.store.faults.failWrite({ collection: 'processedEvents' });
      expect((await h.send(event)).status).toBe(500);

      const replayed = await h.app.services.stripeEvents.replay(event.id);
      const again = await h.app.services.stripeEvents.replay(event.id);

      expect(replayed).toMatchObject({ status: 'processed', outcome: 'granted' });
      expect(again).toMatchObject({ status: 'duplicate' });
      expect(await h.balance(account.id)).toBe(200);
      expect(await failureOf(event.id)).toMatchObject({ resolvedAt: expect.any(Date) });
      expect(h.stripe.requests.filter((r) => r.path === `/v1/events/${event.id}`)).toHaveLength(2);
    });

    it('answers NOT_FOUND for an event Stripe does not know', async () => {
      await expect(h.app.services.stripeEvents.replay('evt_test_unknown')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});

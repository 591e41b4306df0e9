import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeEventsService } from '../../../src/domain/payments/stripe-events.service.js';
import { startPaymentsHarness, type PaymentsHarness } from './payments.harness.js';

describe(StripeEventsService.name, () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(async () => h.close());

  const purchaseOf = (sessionId: string) => h.store.collection('purchases').findOne({ checkoutSessionId: sessionId });
  const entriesOf = (accountId: string, kind: string) => h.store.collection('ledgerEntries').find({ accountId, kind });

  /** An account holding a granted `investor` purchase (50 credits for 7900 cents). */
  async function paidPurchase() {
    const account = await h.newAccount();
    const { session } = await h.buy(account.id, { packageId: 'investor' });
    const res = await h.send(h.stripe.event('checkout.session.completed', session));
    expect(res.body.outcome).toBe('granted');
    return { account, session };
  }

  const spend = (accountId: string, amount: number) =>
    h.app.services.ledger.spend({
      accountId,
      amount,
      reason: 'analysis',
      idempotencyKey: `spend-${accountId}-${amount}`,
      actor: { type: 'service', id: 'test' },
    });

  describe('charge.refunded', () => {
    it('takes every credit back on a full refund', async () => {
      const { account, session } = await paidPurchase();

      const res = await h.send(h.stripe.event('charge.refunded', h.stripe.refund(session.id)));

      expect(res).toMatchObject({ status: 200, body: { outcome: 'refund_clawed_back' } });
      expect(await h.balance(account.id)).toBe(0);
      expect(await entriesOf(account.id, 'refund_clawback')).toMatchObject([{ amount: -50, balanceAfter: 0 }]);
      expect(await purchaseOf(session.id)).toMatchObject({
        status: 'refunded',
        amountRefunded: 7900,
        creditsClawedBack: 50,
        clawbackShortfall: 0,
      });
    });

    it('takes back credits in proportion to each partial refund, and the rest on the final one', async () => {
      const { account, session } = await paidPurchase();

      await h.send(h.stripe.event('charge.refunded', h.stripe.refund(session.id, 1975))); // a quarter
      expect(await h.balance(account.id)).toBe(38); // floor(50 × 1/4) = 12 taken
      expect(await purchaseOf(session.id)).toMatchObject({ status: 'partially_refunded', creditsClawedBack: 12 });

      await h.send(h.stripe.event('charge.refunded', h.stripe.refund(session.id)));
      expect(await h.balance(account.id)).toBe(0);
      expect(await purchaseOf(session.id)).toMatchObject({ status: 'refunded', creditsClawedBack: 50 });
      expect((await entriesOf(account.id, 'refund_clawback')).map((e) => e.amount).sort()).toEqual([-12, -38]);
    });

    it('a redelivered partial refund takes nothing twice', async () => {
      const { account, session } = await paidPurchase();
      const event = h.stripe.event('charge.refunded', h.stripe.refund(session.id, 3950));

      await h.send(event);
      const again = await h.send(event);
      // The same refund state arriving in a *new* event (Stripe resends objects in later events).
      await h.send(h.stripe.event('charge.refunded', h.stripe.chargeFor(session.id)));

      expect(again.body.status).toBe('duplicate');
      expect(await h.balance(account.id)).toBe(25);
      expect(await entriesOf(account.id, 'refund_clawback')).toHaveLength(1);
    });

    it('clamps at zero after the credits were spent and records the shortfall', async () => {
      const { account, session } = await paidPurchase();
      await spend(account.id, 45);

      const res = await h.send(h.stripe.event('charge.refunded', h.stripe.refund(session.id)));

      expect(res.body.outcome).toBe('refund_clawed_back_with_shortfall');
      expect(await h.balance(account.id)).toBe(0);
      expect(await entriesOf(account.id, 'refund_clawback')).toMatchObject([{ amount: -5, balanceAfter: 0 }]);
      expect(await purchaseOf(session.id)).toMatchObject({ creditsClawedBack: 5, clawbackShortfall: 45 });
      expect((await h.app.services.ledger.verifyLedger()).ok).toBe(true);
      const alert = await h.discord.waitForPostContaining(account.id);
      expect(alert.body.embeds?.[0]?.description).toContain('45 credit(s)');
    });
  });

  describe('charge.dispute.*', () => {
    it('marks a purchase disputed without taking credits, then claws back when the dispute is lost', async () => {
      const { account, session } = await paidPurchase();
      const opened = h.stripe.dispute(session.id);

      const created = await h.send(h.stripe.event('charge.dispute.created', opened));

      expect(created.body.outcome).toBe('marked_disputed');
      expect(await h.balance(account.id)).toBe(50);
      expect(await purchaseOf(session.id)).toMatchObject({ status: 'disputed', disputeId: opened.id });

      const lost = await h.send(h.stripe.event('charge.dispute.closed', { ...opened, status: 'lost' }));

      expect(lost.body.outcome).toBe('dispute_lost_clawed_back');
      expect(await h.balance(account.id)).toBe(0);
      expect(await entriesOf(account.id, 'dispute_clawback')).toMatchObject([{ amount: -50 }]);
      expect(await purchaseOf(session.id)).toMatchObject({ status: 'disputed', creditsClawedBack: 50 });
    });

    it('clears the mark and takes nothing when the dispute is won', async () => {
      const { account, session } = await paidPurchase();
      const opened = h.stripe.dispute(session.id);
      await h.send(h.stripe.event('charge.dispute.created', opened));

      const won = await h.send(h.stripe.event('charge.dispute.closed', { ...opened, status: 'won' }));

      expect(won.body.outcome).toBe('dispute_won');
      expect(await h.balance(account.id)).toBe(50);
      expect(await purchaseOf(session.id)).toMatchObject({ status: 'paid', creditsClawedBack: 0 });
      expect(await h.store.collection('ledgerEntries').count({ accountId: account.id })).toBe(1);
    });

    it('a lost dispute after a partial refund takes back only what is left', async () => {
      const { account, session } = await paidPurchase();
      await h.send(h.stripe.event('charge.refunded', h.stripe.refund(session.id, 3950)));
      const opened = h.stripe.dispute(session.id);
      await h.send(h.stripe.event('charge.dispute.created', opened));

      await h.send(h.stripe.event('charge.dispute.closed', { ...opened, status: 'lost' }));

      expect(await h.balance(account.id)).toBe(0);
      expect(await purchaseOf(session.id)).toMatchObject({ creditsClawedBack: 50, clawbackShortfall: 0 });
    });
  });

  describe('clawback shortfall', () => {
    const reserve = (accountId: string, amount: number) =>
      h.app.services.ledger.reserve({
        accountId,
        amount,
        reason: 'analysis running',
        idempotencyKey: `hold-${accountId}`,
        actor: { type: 'user', id: 'u' },
        source: { type: 'analysis' },
      });
    const owed = async (accountId: string) =>
      (await h.store.collection('accounts').findOne({ _id: accountId }))?.clawbackOwed ?? 0;
    const collections = (accountId: string) =>
      h.store.collection('auditLog').find({ 'target.id': accountId, action: 'credits.collect_clawback_shortfall' });

    it('collects credits a refund found reserved as soon as the reservation is released, audited', async () => {
      const { account, session } = await paidPurchase();
      const hold = await reserve(account.id, 45);

      const res = await h.send(h.stripe.event('charge.refunded', h.stripe.refund(session.id)));
      expect(res.body.outcome).toBe('refund_clawed_back_with_shortfall');
      expect(await h.balance(account.id)).toBe(45); // only the 5 available could be taken
      expect(await owed(account.id)).toBe(45);

      await h.app.services.ledger.release(hold.id);

      expect(await h.balance(account.id)).toBe(0);
      expect(await owed(account.id)).toBe(0);
      expect((await entriesOf(account.id, 'refund_clawback')).map((e) => e.amount)).toEqual([-5, -45]);
      expect(await collections(account.id)).toMatchObject([
        {
          actor: { type: 'system', id: 'clawback-shortfall' },
          amount: -45,
          balanceBefore: 45,
          balanceAfter: 0,
          details: { owedBefore: 45, collected: 45 },
        },
      ]);
      expect((await h.app.services.ledger.verifyLedger()).ok).toBe(true);
    });

    it('collects a spent shortfall from the next grants until it is paid off', async () => {
      const { account, session } = await paidPurchase();
      await spend(account.id, 50);
      await h.send(h.stripe.event('charge.refunded', h.stripe.refund(session.id)));
      expect(await owed(account.id)).toBe(50);

      const { session: next } = await h.buy(account.id, { packageId: 'investor' });
      await h.send(h.stripe.event('checkout.session.completed', next));
      expect(await h.balance(account.id)).toBe(0);
      expect(await owed(account.id)).toBe(0);

      const { session: third } = await h.buy(account.id, { packageId: 'starter' });
      await h.send(h.stripe.event('checkout.session.completed', third));
      expect(await h.balance(account.id)).toBe(10); // nothing owed any more
      expect(await collections(account.id)).toHaveLength(1);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeWebhookVerifier } from '../../../src/payments/stripe/stripe-webhook.verifier.js';
import { deliver, signatureHeader } from '../../fakes/stripe/stripe-webhook.sender.js';
import { OLD_WEBHOOK_SECRET, WEBHOOK_SECRET, startPaymentsHarness, type PaymentsHarness } from './payments.harness.js';

describe(StripeWebhookVerifier.name, () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(async () => h.close());

  /** A paid session's completion event, ready to be delivered (or forged). */
  async function completion() {
    const account = await h.newAccount();
    const { session } = await h.buy(account.id);
    return { account, event: h.stripe.event('checkout.session.completed', session) };
  }

  async function expectNothingStored(accountId: string): Promise<void> {
    expect(await h.balance(accountId)).toBe(0);
    expect(await h.store.collection('ledgerEntries').count({ accountId })).toBe(0);
  }

  const storedEvents = async () =>
    (await h.store.collection('processedEvents').count()) + (await h.store.collection('webhookFailures').count());

  describe('POST /webhooks/stripe', () => {
    it('rejects a tampered body with 400 and stores nothing', async () => {
      const { account, event } = await completion();
      const genuine = JSON.stringify(event);
      const header = signatureHeader(genuine, WEBHOOK_SECRET);
      const before = await storedEvents();

      const res = await deliver(h.app.url, null, {
        secret: WEBHOOK_SECRET,
        body: genuine.replace('"starter"', '"portfolio"').replace('"10"', '"200"'),
        header,
      });

      expect(res).toMatchObject({ status: 400, body: { error: 'signature does not match' } });
      await expectNothingStored(account.id);
      expect(await storedEvents()).toBe(before);
    });

    it('rejects a timestamp older than the 300 s tolerance', async () => {
      const { account, event } = await completion();
      const before = await storedEvents();

      const res = await h.send(event, { timestamp: Math.floor(Date.now() / 1000) - 301 });

      expect(res).toMatchObject({ status: 400, body: { error: 'timestamp outside the tolerance' } });
      await expectNothingStored(account.id);
      expect(await storedEvents()).toBe(before);
    });

    it('rejects a delivery without a Stripe-Signature header', async () => {
      const { account, event } = await completion();

      const res = await deliver(h.app.url, event, { secret: WEBHOOK_SECRET, header: null });

      expect(res).toMatchObject({ status: 400, body: { error: 'missing Stripe-Signature header' } });
      await expectNothingStored(account.id);
    });

    it('rejects a signature made with another secret', async () => {
      const { account, event } = await completion();
      const before = await storedEvents();

      const res = await h.send(event, { secret: 'whsec_someone_elses_secret' });

      expect(res.status).toBe(400);
      await expectNothingStored(account.id);
      expect(await storedEvents()).toBe(before);
    });

    it('rejects a correctly signed body that is not JSON', async () => {
      const before = await storedEvents();

      const res = await deliver(h.app.url, null, { secret: WEBHOOK_SECRET, body: 'not json {' });

      expect(res).toMatchObject({ status: 400, body: { error: 'body is not JSON' } });
      expect(await storedEvents()).toBe(before);
    });

    it('rejects signed JSON that is not a Stripe event, and an empty body', async () => {
      const before = await storedEvents();

      const notEvent = await deliver(h.app.url, null, { secret: WEBHOOK_SECRET, body: '{"hello":"world"}' });
      const empty = await deliver(h.app.url, null, { secret: WEBHOOK_SECRET, body: '' });

      expect(notEvent).toMatchObject({ status: 400, body: { error: 'body is not a Stripe event' } });
      expect(empty).toMatchObject({ status: 400, body: { error: 'missing body' } });
      expect(await storedEvents()).toBe(before);
    });

    it('accepts the previous secret during a rotation', async () => {
      const { account, event } = await completion();

      const res = await h.send(event, { secret: OLD_WEBHOOK_SECRET });

      expect(res).toMatchObject({ status: 200, body: { outcome: 'granted' } });
      expect(await h.balance(account.id)).toBe(10);
    });
  });
});

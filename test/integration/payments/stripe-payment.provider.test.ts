import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createStripeClient } from '../../../src/payments/stripe/stripe.client.js';
import { StripePaymentProvider } from '../../../src/payments/stripe/stripe-payment.provider.js';
import { StripeFake } from '../../fakes/stripe/stripe-fake.server.js';

/** The adapter over the real stripe SDK, talking to the local Stripe fake. */
describe(StripePaymentProvider.name, () => {
  let stripe: StripeFake;
  let provider: StripePaymentProvider;
  beforeAll(async () => {
    stripe = await StripeFake.start();
    const client = createStripeClient(
      loadConfig({ NODE_ENV: 'test', STRIPE_WEBHOOK_SECRET: 'whsec_provider_test', ...stripe.env() }),
    );
    if (!client) throw new Error('the fake did not configure a Stripe client');
    provider = new StripePaymentProvider(client);
  });
  afterAll(() => stripe.close());

  describe('retrieveCheckoutSession', () => {
    it("returns one session by id in the domain's words", async () => {
      const created = stripe.insertSession({
        amount_total: 1900,
        client_reference_id: 'acct-1',
        customer: 'cus_test_1',
        metadata: { accountId: 'acct-1', packageId: 'starter', credits: '10' },
      });
      stripe.completeSession(created.id);

      const session = await provider.retrieveCheckoutSession(created.id);

      expect(session).toMatchObject({
        id: created.id,
        status: 'complete',
        paymentStatus: 'paid',
        accountId: 'acct-1',
        packageId: 'starter',
        credits: 10,
        customerId: 'cus_test_1',
        amountTotal: 1900,
        currency: 'usd',
      });
      expect(session.createdAt).toBeInstanceOf(Date);
      expect(stripe.requests.at(-1)).toMatchObject({ method: 'GET', path: `/v1/checkout/sessions/${created.id}` });
    });

    it('answers NOT_FOUND for a session Stripe does not know', async () => {
      await expect(provider.retrieveCheckoutSession('cs_test_nobody')).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('cs_test_nobody'),
      });
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StripeEventsService } from '../../../src/domain/payments/stripe-events.service.js';
import { startPaymentsHarness, type PaymentsHarness } from './payments.harness.js';

/** Its own service: the alert sink folds repeated webhook alerts of one window into a summary. */
describe(StripeEventsService.name, () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(async () => h.close());

  const failureOf = (eventId: string) => h.store.collection('webhookFailures').findOne({ eventId });

  describe('handle', () => {
    it('alerts a lost commit acknowledgement as an unknown outcome, not as "nothing was changed"', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id);
      const event = h.stripe.event('checkout.session.completed', session);
      h.store.faults.failCommit({ applied: true }); // the grant landed, its acknowledgement did not

      const failed = await h.send(event);

      expect(failed.status).toBe(500);
      const alert = await h.discord.waitForPostContaining(event.id);
      const text = JSON.stringify(alert.body);
      expect(text).toContain('outcome is unknown');
      expect(text).not.toContain('Nothing was changed');
      expect(await failureOf(event.id)).toMatchObject({ error: expect.stringContaining('outcome unknown') });

      const redelivered = await h.send(event);

      expect(redelivered).toMatchObject({ status: 200, body: { status: 'duplicate' } });
      expect(await h.balance(account.id)).toBe(10);
      expect(await h.store.collection('ledgerEntries').count({ accountId: account.id })).toBe(1);
    });
  });
});

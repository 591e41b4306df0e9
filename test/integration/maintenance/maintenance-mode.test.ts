/**
 * Maintenance mode as every write path sees it: GraphQL mutations answer SERVICE_UNAVAILABLE,
 * Stripe webhooks answer 503 (so Stripe delivers again later) without recording a failure, jobs are
 * skipped — and reads keep working. Turned on through the persisted switch, as a restore does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MaintenanceService } from '../../../src/domain/maintenance/maintenance.service.js';
import { startPaymentsHarness, type PaymentsHarness } from '../payments/payments.harness.js';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const ADJUST = `mutation($id: ID!, $amount: Int!, $reason: String!, $key: String!) {
  adjustCredits(accountId: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { id balanceAfter }
}`;
const ops = { type: 'admin' as const, id: 'ops-1' };

describe(MaintenanceService.name, () => {
  describe('GraphQL and jobs', () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await startTestServer();
    });
    afterAll(() => srv.close());

    it('refuses mutations with SERVICE_UNAVAILABLE while on, keeps reads, and accepts writes again after', async () => {
      const support = await srv.signIn({ roles: ['support'] });
      const customer = await srv.signIn();
      const vars = { id: customer.accountId, amount: 5, reason: 'goodwill', key: 'maint-1' };
      const since = await srv.services.maintenance.enter({ reason: 'restore of backup X', by: ops });

      const refused = await srv.gql(ADJUST, vars, support.token);
      expect(refused.errors?.[0]).toMatchObject({
        extensions: { code: 'SERVICE_UNAVAILABLE' },
        message: expect.stringContaining('maintenance'),
      });
      const me = await srv.gqlData<{ me: { balance: number } }>('{ me { balance } }', {}, customer.token);
      expect(me.me.balance).toBe(0);
      // The console's overview sums in the database (sumByDay): a read, never refused as a write.
      const overview = await srv.gqlData<{ creditsOverview: { totalSold: number } }>(
        '{ creditsOverview(days: 7) { totalSold } }',
        {},
        support.token,
      );
      expect(overview.creditsOverview.totalSold).toBe(0);
      expect(await srv.store.collection('auditLog').count({ 'target.id': customer.accountId })).toBe(0);

      const job = await srv.services.jobs.run('verify-ledger', async () => ({ summary: { ran: true } }));
      expect(job).toMatchObject({ outcome: 'skipped', summary: { reason: 'maintenance: restore of backup X' } });

      await srv.services.maintenance.leave(since);
      const accepted = await srv.gqlData<{ adjustCredits: { balanceAfter: number } }>(ADJUST, vars, support.token);
      expect(accepted.adjustCredits.balanceAfter).toBe(5);
    });
  });

  describe('Stripe webhooks', () => {
    let h: PaymentsHarness;
    beforeAll(async () => {
      h = await startPaymentsHarness();
    });
    afterAll(() => h.close());

    it('answers 503 without recording a failure, and grants once Stripe delivers again after maintenance', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id);
      const event = h.stripe.event('checkout.session.completed', session);
      const since = await h.app.services.maintenance.enter({ reason: 'restore of backup X', by: ops });

      const refused = await h.send(event);

      expect(refused.status).toBe(503);
      expect(await h.balance(account.id)).toBe(0);
      expect(await h.store.collection('webhookFailures').count({ eventId: event.id })).toBe(0);
      expect(await h.store.collection('processedEvents').count({ eventId: event.id })).toBe(0);

      await h.app.services.maintenance.leave(since);
      expect((await h.send(event)).status).toBe(200);
      expect(await h.balance(account.id)).toBe(10);
    });
  });
});

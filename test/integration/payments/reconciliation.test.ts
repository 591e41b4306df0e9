import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReconciliationService } from '../../../src/domain/payments/reconciliation.service.js';
import { startPaymentsHarness, type PaymentsHarness } from './payments.harness.js';

describe(ReconciliationService.name, () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(async () => h.close());

  const lastDay = () => ({ since: new Date(Date.now() - 24 * 3600 * 1000) });

  describe('run', () => {
    it('grants a paid session whose webhook never arrived, and alerts what it healed', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id, { packageId: 'investor' });

      const report = await h.app.services.reconciliation.run(lastDay());

      expect(report.healed).toContainEqual(
        expect.objectContaining({ checkoutSessionId: session.id, accountId: account.id, credits: 50 }),
      );
      expect(await h.balance(account.id)).toBe(50);
      expect(await h.store.collection('purchases').findOne({ checkoutSessionId: session.id })).toMatchObject({
        status: 'paid',
        creditsGranted: 50,
      });
      await h.discord.waitForPostContaining(session.id);
    });

    it('grants nothing twice when run again or when the late webhook arrives afterwards', async () => {
      const account = await h.newAccount();
      const { session } = await h.buy(account.id);
      await h.app.services.reconciliation.run(lastDay());

      const again = await h.app.services.reconciliation.run(lastDay());
      const late = await h.send(h.stripe.event('checkout.session.completed', session));

      expect(again.healed.map((x) => x.checkoutSessionId)).not.toContain(session.id);
      expect(again.alreadyGranted).toBeGreaterThanOrEqual(1);
      expect(late).toMatchObject({ status: 200, body: { outcome: 'already_granted' } });
      expect(await h.balance(account.id)).toBe(10);
      expect(await h.store.collection('ledgerEntries').count({ accountId: account.id })).toBe(1);
    });

    it('leaves unpaid and expired sessions alone, and sessions outside the window', async () => {
      const account = await h.newAccount();
      await h.buy(account.id, { pay: 'async' });
      const { checkout } = await h.buy(account.id, { pay: 'no' });
      h.stripe.expireSession(checkout.id);
      const old = await h.buy(account.id);
      old.session.created -= 3 * 24 * 3600;

      const report = await h.app.services.reconciliation.run(lastDay());

      expect(report.healed.filter((x) => x.accountId === account.id)).toEqual([]);
      expect(await h.balance(account.id)).toBe(0);
    });

    it('pages through more sessions than one Stripe page holds', async () => {
      const account = await h.newAccount();
      const bought = [];
      for (let i = 0; i < 130; i += 1) bought.push((await h.buy(account.id)).session.id);

      const report = await h.app.services.reconciliation.run(lastDay());

      const healed = new Set(report.healed.map((x) => x.checkoutSessionId));
      expect(bought.every((id) => healed.has(id))).toBe(true);
      expect(await h.balance(account.id)).toBe(1300);
      const listCalls = h.stripe.requests.filter((r) => r.method === 'GET' && r.path === '/v1/checkout/sessions');
      expect(listCalls.length).toBeGreaterThanOrEqual(2);
      expect((await h.app.services.ledger.verifyLedger()).ok).toBe(true);
    });

    it('reports a paid session it cannot settle instead of stopping', async () => {
      const orphan = h.stripe.insertSession({
        amount_total: 1900,
        status: 'complete',
        payment_status: 'paid',
        client_reference_id: 'deleted-account',
        metadata: { accountId: 'deleted-account', packageId: 'starter', credits: '10' },
      });

      const report = await h.app.services.reconciliation.run(lastDay());

      expect(report.failures).toContainEqual({
        checkoutSessionId: orphan.id,
        error: expect.stringContaining('NOT_FOUND'),
      });
    });

    it('rejects a window that ends before it starts', async () => {
      await expect(h.app.services.reconciliation.run({ since: new Date(Date.now() + 60_000) })).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
      });
    });
  });

  describe('runForAccount', () => {
    it("grants the missing purchases of one account's Stripe customer only", async () => {
      const mine = await h.newAccount();
      const other = await h.newAccount();
      await h.buy(mine.id);
      await h.buy(other.id);

      const report = await h.app.services.reconciliation.runForAccount(mine.id);

      expect(report.healed.every((x) => x.accountId === mine.id)).toBe(true);
      expect(await h.balance(mine.id)).toBe(10);
      expect(await h.balance(other.id)).toBe(0);
    });
  });
});

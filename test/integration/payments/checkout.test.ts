import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { PaymentsService } from '../../../src/domain/payments/payments.service.js';
import { createLogger } from '../../../src/logger.js';
import { startService } from '../../../src/main.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { startPaymentsHarness, type PaymentsHarness } from './payments.harness.js';

describe(PaymentsService.name, () => {
  let h: PaymentsHarness;
  beforeAll(async () => {
    h = await startPaymentsHarness();
  });
  afterAll(async () => h.close());

  describe('createCheckoutSession', () => {
    it('opens a payment-mode session for the package and stores an open purchase', async () => {
      const account = await h.newAccount();

      const checkout = await h.app.services.payments.createCheckoutSession({
        accountId: account.id,
        packageId: 'portfolio',
        idempotencyKey: 'first-buy',
      });

      const session = h.stripe.sessions.get(checkout.id);
      expect(checkout.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
      expect(checkout.expiresAt).toBeInstanceOf(Date);
      expect(session).toMatchObject({
        mode: 'payment',
        client_reference_id: account.id,
        metadata: { accountId: account.id, packageId: 'portfolio', credits: '200' },
        amount_total: 24900,
        currency: 'usd',
        success_url: expect.stringContaining('{CHECKOUT_SESSION_ID}'),
      });
      const create = h.stripe.requests.find((r) => r.path === '/v1/checkout/sessions' && r.method === 'POST');
      expect(create?.idempotencyKey).toBe(`checkout-${account.id}-first-buy`);
      expect(await h.store.collection('purchases').findOne({ checkoutSessionId: checkout.id })).toMatchObject({
        accountId: account.id,
        packageId: 'portfolio',
        credits: 200,
        status: 'open',
        creditsGranted: 0,
      });
    });

    it('creates the Stripe customer once per account and reuses it', async () => {
      const account = await h.newAccount();
      const customersBefore = h.stripe.customers.size;

      const a = await h.buy(account.id);
      const b = await h.buy(account.id);

      expect(h.stripe.customers.size - customersBefore).toBe(1);
      const stored = await h.app.services.accounts.getById(account.id);
      expect(stored.stripeCustomerId).toMatch(/^cus_/);
      expect(a.session.customer).toBe(stored.stripeCustomerId);
      expect(b.session.customer).toBe(stored.stripeCustomerId);
    });

    it('returns the same session for a repeated idempotency key, even concurrently', async () => {
      const account = await h.newAccount();
      const input = { accountId: account.id, packageId: 'starter', idempotencyKey: 'double-click' };

      const results = await Promise.all(
        Array.from({ length: 5 }, () => h.app.services.payments.createCheckoutSession(input)),
      );
      const later = await h.app.services.payments.createCheckoutSession(input);

      expect(new Set([...results, later].map((r) => r.id)).size).toBe(1);
      expect(await h.store.collection('purchases').count({ accountId: account.id })).toBe(1);
      expect(h.stripe.customers.size).toBeGreaterThan(0);
      expect(
        [...h.stripe.customers.values()].filter(
          (c) => c.metadata && (c.metadata as Record<string, string>).accountId === account.id,
        ),
      ).toHaveLength(1);
    });

    it('refuses the same idempotency key for another package', async () => {
      const account = await h.newAccount();
      await h.app.services.payments.createCheckoutSession({
        accountId: account.id,
        packageId: 'starter',
        idempotencyKey: 'k-1',
      });

      await expect(
        h.app.services.payments.createCheckoutSession({
          accountId: account.id,
          packageId: 'investor',
          idempotencyKey: 'k-1',
        }),
      ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it('rejects an unknown package and a bad idempotency key without calling Stripe', async () => {
      const account = await h.newAccount();
      const calls = h.stripe.requests.length;

      await expect(
        h.app.services.payments.createCheckoutSession({
          accountId: account.id,
          packageId: 'gold',
          idempotencyKey: 'k',
        }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      await expect(
        h.app.services.payments.createCheckoutSession({
          accountId: account.id,
          packageId: 'starter',
          idempotencyKey: 'a b',
        }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
      // Too long a package id is named for what it is (it once read "packageId: is required").
      await expect(
        h.app.services.payments.createCheckoutSession({
          accountId: account.id,
          packageId: 'p'.repeat(41),
          idempotencyKey: 'k2',
        }),
      ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: 'packageId: must be at most 40 characters' });
      expect(h.stripe.requests.length).toBe(calls);
    });

    it('refuses a frozen account', async () => {
      const account = await h.newAccount();
      await h.app.services.accounts.freeze({
        accountId: account.id,
        reason: 'test',
        actor: { type: 'support', id: 's' },
      });

      await expect(
        h.app.services.payments.createCheckoutSession({
          accountId: account.id,
          packageId: 'starter',
          idempotencyKey: 'k',
        }),
      ).rejects.toMatchObject({ code: 'ACCOUNT_FROZEN' });
    });
  });

  describe('listPurchases', () => {
    it("lists only the account's own purchases, newest first", async () => {
      const account = await h.newAccount();
      const other = await h.newAccount();
      const first = await h.buy(account.id);
      const second = await h.buy(account.id, { packageId: 'investor' });
      await h.buy(other.id);

      const page = await h.app.services.payments.listPurchases(account.id, { first: 10 });

      expect(page.items.map((p) => p.checkoutSessionId)).toEqual([second.session.id, first.session.id]);
    });
  });

  describe('without STRIPE_SECRET_KEY', () => {
    it('the server still starts and checkout answers a CONFIGURATION error', async () => {
      const config = loadConfig({
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        PROCESS_ROLES: 'api',
        LOG_LEVEL: 'silent',
      });
      const app = await startService({ config, store: new MemoryStore(), logger: createLogger('silent') });
      try {
        expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
        const account = await app.services.accounts.findOrCreateBySubject({ subject: 's', email: 'nokey@example.com' });
        await expect(
          app.services.payments.createCheckoutSession({
            accountId: account.id,
            packageId: 'starter',
            idempotencyKey: 'k',
          }),
        ).rejects.toMatchObject({ code: 'CONFIGURATION', message: expect.stringContaining('STRIPE_SECRET_KEY') });
        await expect(app.services.reconciliation.run({ since: new Date(0) })).rejects.toMatchObject({
          code: 'CONFIGURATION',
        });
        const webhook = await fetch(`${app.url}/webhooks/stripe`, { method: 'POST', body: '{}' });
        expect(webhook.status).toBe(503);
      } finally {
        await app.close();
      }
    });
  });
});

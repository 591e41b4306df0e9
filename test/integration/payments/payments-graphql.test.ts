import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type EnvOverrides, type TestServer } from '../../helpers/test-server.js';
import { StripeFake } from '../../fakes/stripe/stripe-fake.server.js';
import { deliver } from '../../fakes/stripe/stripe-webhook.sender.js';

const SECRET = 'whsec_graphql_test';
const CHECKOUT = `mutation($pkg: ID!, $key: String!) {
  createCheckoutSession(packageId: $pkg, idempotencyKey: $key) { id url expiresAt }
}`;
const MY_PURCHASES = `{ me { balance } purchases(first: 10) {
  nodes { id checkoutSessionId packageId credits status creditsGranted price { amount currency } }
} }`;

let stripe: StripeFake;
let srv: TestServer;
beforeAll(async () => {
  stripe = await StripeFake.start();
  srv = await startTestServer({ ...(stripe.env() as EnvOverrides), STRIPE_WEBHOOK_SECRET: SECRET });
});
afterAll(async () => {
  await srv.close();
  await stripe.close();
});

const send = (type: string, object: Record<string, unknown>) =>
  deliver(srv.url, stripe.event(type, object as never), { secret: SECRET });

describe('GraphQL payments', () => {
  describe('createCheckoutSession', () => {
    it('buys a package end to end: session, webhook, balance and purchase history', async () => {
      const user = await srv.signIn();

      const { createCheckoutSession: cs } = await srv.gqlData<{ createCheckoutSession: { id: string; url: string } }>(
        CHECKOUT,
        { pkg: 'investor', key: 'cart-1' },
        user.token,
      );
      expect(cs.url).toMatch(/^https:\/\/checkout\.stripe\.com\//);
      expect((await send('checkout.session.completed', stripe.completeSession(cs.id))).status).toBe(200);

      const data = await srv.gqlData<{ me: { balance: number }; purchases: { nodes: unknown[] } }>(
        MY_PURCHASES,
        {},
        user.token,
      );
      expect(data.me.balance).toBe(50);
      expect(data.purchases.nodes).toEqual([
        expect.objectContaining({
          checkoutSessionId: cs.id,
          packageId: 'investor',
          credits: 50,
          status: 'PAID',
          creditsGranted: 50,
          price: { amount: 7900, currency: 'USD' },
        }),
      ]);
    });

    it('returns the same session for a retried idempotency key', async () => {
      const user = await srv.signIn();
      const a = await srv.gqlData<{ createCheckoutSession: { id: string } }>(
        CHECKOUT,
        { pkg: 'starter', key: 'k' },
        user.token,
      );
      const b = await srv.gqlData<{ createCheckoutSession: { id: string } }>(
        CHECKOUT,
        { pkg: 'starter', key: 'k' },
        user.token,
      );
      const reuse = await srv.gql(CHECKOUT, { pkg: 'portfolio', key: 'k' }, user.token);

      expect(b.createCheckoutSession.id).toBe(a.createCheckoutSession.id);
      expect(reuse.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('answers BAD_USER_INPUT for an unknown package and UNAUTHENTICATED without a token', async () => {
      const user = await srv.signIn();

      const unknown = await srv.gql(CHECKOUT, { pkg: 'gold', key: 'k' }, user.token);
      const anonymous = await srv.gql(CHECKOUT, { pkg: 'starter', key: 'k' });

      expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('answers a clear configuration error when STRIPE_SECRET_KEY is not set', async () => {
      const bare = await startTestServer();
      try {
        const user = await bare.signIn();
        const r = await bare.gql(CHECKOUT, { pkg: 'starter', key: 'k' }, user.token);
        expect(r.errors?.[0]).toMatchObject({
          message: expect.stringContaining('STRIPE_SECRET_KEY'),
          extensions: { code: 'SERVICE_UNAVAILABLE' },
        });
      } finally {
        await bare.close();
      }
    });
  });

  describe('idempotency keys of callers', () => {
    it('cannot take the key a purchase grant will need: the real grant still lands once', async () => {
      const user = await srv.signIn();
      const support = await srv.signIn({ roles: ['support'] });
      const bought = await srv.gqlData<{ createCheckoutSession: { id: string } }>(
        CHECKOUT,
        { pkg: 'starter', key: 'squat' },
        user.token,
      );
      const stolenKey = `stripe-checkout:${bought.createCheckoutSession.id}`;
      await srv.gqlData(
        'mutation($id: ID!, $key: String!) { adjustCredits(accountId: $id, amount: 1, reason: "x", idempotencyKey: $key) { id } }',
        { id: user.accountId, key: stolenKey },
        support.token,
      );
      const service = await srv.token({ roles: ['service'] });
      await srv.gqlData(
        'mutation($id: ID!, $key: String!) { spendCredits(accountId: $id, amount: 1, reason: "x", idempotencyKey: $key) { id } }',
        { id: user.accountId, key: `${stolenKey}:x` },
        service,
      );

      const delivered = await send(
        'checkout.session.completed',
        stripe.completeSession(bought.createCheckoutSession.id),
      );

      expect(delivered).toMatchObject({ status: 200, body: { status: 'processed', outcome: 'granted' } });
      expect((await srv.services.accounts.getById(user.accountId)).balance).toBe(10);
      // the caller's own retry still replays its first result
      const again = await srv.gql(
        'mutation($id: ID!, $key: String!) { adjustCredits(accountId: $id, amount: 2, reason: "x", idempotencyKey: $key) { id } }',
        { id: user.accountId, key: stolenKey },
        support.token,
      );
      expect(again.errors?.[0]?.extensions).toMatchObject({
        code: 'IDEMPOTENCY_KEY_REUSED',
        idempotencyKey: stolenKey,
      });
    });
  });

  describe('support tools', () => {
    it('refuses users: accountPurchases, webhookFailures, replayStripeEvent, reconcileAccountPurchases', async () => {
      const user = await srv.signIn();
      const calls = [
        `{ accountPurchases(accountId: "${user.accountId}") { nodes { id } } }`,
        '{ webhookFailures { nodes { eventId } } }',
        'mutation { replayStripeEvent(eventId: "evt_test_x") { status } }',
        `mutation { reconcileAccountPurchases(accountId: "${user.accountId}") { scanned } }`,
      ];
      for (const q of calls) expect((await srv.gql(q, {}, user.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('lets support list an account purchases, see a failed event, replay it, and heal a missed one', async () => {
      const user = await srv.signIn();
      const support = await srv.signIn({ roles: ['support'] });
      const bought = await srv.gqlData<{ createCheckoutSession: { id: string } }>(
        CHECKOUT,
        { pkg: 'starter', key: 'a' },
        user.token,
      );
      const missed = await srv.gqlData<{ createCheckoutSession: { id: string } }>(
        CHECKOUT,
        { pkg: 'investor', key: 'b' },
        user.token,
      );
      const event = stripe.event('checkout.session.completed', stripe.completeSession(bought.createCheckoutSession.id));
      stripe.completeSession(missed.createCheckoutSession.id); // its webhook never arrives
      srv.store.faults.failWrite({ collection: 'processedEvents' });
      expect((await deliver(srv.url, event, { secret: SECRET })).status).toBe(500);

      const listed = await srv.gqlData<{ accountPurchases: { nodes: Array<{ status: string }> } }>(
        `query($id: ID!) { accountPurchases(accountId: $id) { nodes { status } } }`,
        { id: user.accountId },
        support.token,
      );
      expect(listed.accountPurchases.nodes.map((n) => n.status)).toEqual(['OPEN', 'OPEN']);
      const failures = await srv.gqlData<{
        webhookFailures: { nodes: Array<{ eventId: string; attempts: number }> };
      }>('{ webhookFailures { nodes { eventId attempts error checkoutSessionId accountId } } }', {}, support.token);
      expect(failures.webhookFailures.nodes).toContainEqual(
        expect.objectContaining({
          eventId: event.id,
          attempts: 1,
          checkoutSessionId: bought.createCheckoutSession.id,
          accountId: user.accountId,
        }),
      );

      const replay = await srv.gqlData<{
        replayStripeEvent: { status: string; outcome: string; ledgerEntryId: string };
      }>(
        'mutation($id: String!) { replayStripeEvent(eventId: $id) { status outcome ledgerEntryId } }',
        { id: event.id },
        support.token,
      );
      const healed = await srv.gqlData<{ reconcileAccountPurchases: { healed: Array<{ credits: number }> } }>(
        'mutation($id: ID!) { reconcileAccountPurchases(accountId: $id) { scanned healed { checkoutSessionId credits } } }',
        { id: user.accountId },
        support.token,
      );

      expect(replay.replayStripeEvent).toMatchObject({ status: 'PROCESSED', outcome: 'granted' });
      expect(healed.reconcileAccountPurchases.healed).toEqual([
        { checkoutSessionId: missed.createCheckoutSession.id, credits: 50 },
      ]);
      expect((await srv.services.accounts.getById(user.accountId)).balance).toBe(60);
      const open = await srv.gqlData<{ webhookFailures: { nodes: Array<{ eventId: string }> } }>(
        '{ webhookFailures { nodes { eventId } } }',
        {},
        support.token,
      );
      expect(open.webhookFailures.nodes.map((f) => f.eventId)).not.toContain(event.id);

      // Both grants are on the audit trail with the support caller as actor.
      const audit = await srv.store.collection('auditLog').find({});
      const caller = { type: 'support', id: support.subject, name: support.email };
      expect(audit).toContainEqual(
        expect.objectContaining({
          action: 'webhooks.replay',
          actor: caller,
          target: { type: 'stripe_event', id: event.id },
          ledgerEntryId: replay.replayStripeEvent.ledgerEntryId,
        }),
      );
      expect(audit).toContainEqual(
        expect.objectContaining({
          action: 'payments.reconcile_grant',
          actor: caller,
          target: { type: 'account', id: user.accountId },
          amount: 50,
          balanceBefore: 10,
          balanceAfter: 60,
        }),
      );
      expect(audit).toContainEqual(expect.objectContaining({ action: 'payments.reconcile_account', actor: caller }));
      const healedEntry = await srv.services.ledger.getEntry(
        (await srv.store.collection('ledgerEntries').findOne({ accountId: user.accountId, amount: 50 }))!._id,
      );
      expect(healedEntry.actor).toEqual(caller);
    });
  });
});

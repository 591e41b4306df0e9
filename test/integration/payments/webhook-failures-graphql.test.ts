import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type EnvOverrides, type TestServer } from '../../helpers/test-server.js';
import { StripeFake, type FakeEvent } from '../../fakes/stripe/stripe-fake.server.js';
import { deliver } from '../../fakes/stripe/stripe-webhook.sender.js';

const SECRET = 'whsec_failures_graphql_test';
const PAGE = `query($first: Int, $after: String, $includeResolved: Boolean) {
  webhookFailures(first: $first, after: $after, includeResolved: $includeResolved) {
    edges { cursor node { eventId type checkoutSessionId accountId attempts resolvedAt } }
    nodes { eventId }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
interface Node {
  eventId: string;
  type: string;
  checkoutSessionId: string | null;
  accountId: string | null;
  attempts: number;
  resolvedAt: string | null;
}
interface FailurePage {
  webhookFailures: {
    edges: Array<{ cursor: string; node: Node }>;
    nodes: Array<{ eventId: string }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

/** Its own server and store: the failures listed are exactly the ones made here. */
describe('GraphQL webhookFailures', () => {
  let stripe: StripeFake;
  let srv: TestServer;
  let token: string;
  const open: FakeEvent[] = [];
  let resolved: FakeEvent;
  beforeAll(async () => {
    stripe = await StripeFake.start();
    srv = await startTestServer({ ...(stripe.env() as EnvOverrides), STRIPE_WEBHOOK_SECRET: SECRET });
    token = (await srv.signIn({ roles: ['support'] })).token;
    // Seven events that keep failing: their sessions name accounts that do not exist.
    for (let i = 0; i < 7; i += 1) {
      const session = stripe.insertSession({
        amount_total: 1900,
        status: 'complete',
        payment_status: 'paid',
        client_reference_id: `gone-${i}`,
        metadata: { accountId: `gone-${i}`, packageId: 'starter', credits: '10' },
      });
      const event = stripe.event('checkout.session.completed', session);
      expect((await deliver(srv.url, event, { secret: SECRET })).status).toBe(500);
      open.push(event);
    }
    // One that failed once and then applied.
    const user = await srv.signIn();
    const cs = await srv.services.payments.createCheckoutSession({
      accountId: user.accountId,
      packageId: 'starter',
      idempotencyKey: 'paid',
    });
    resolved = stripe.event('checkout.session.completed', stripe.completeSession(cs.id));
    srv.store.faults.failWrite({ collection: 'processedEvents' });
    expect((await deliver(srv.url, resolved, { secret: SECRET })).status).toBe(500);
    expect((await deliver(srv.url, resolved, { secret: SECRET })).status).toBe(200);
  });
  afterAll(async () => {
    await srv.close();
    await stripe.close();
  });

  const all = async (first: number, includeResolved?: boolean): Promise<Node[]> => {
    const seen: Node[] = [];
    let after: string | null = null;
    for (;;) {
      const page: FailurePage = await srv.gqlData<FailurePage>(PAGE, { first, after, includeResolved }, token);
      const c = page.webhookFailures;
      expect(c.edges.length).toBeLessThanOrEqual(first);
      expect(c.nodes.map((n) => n.eventId)).toEqual(c.edges.map((e) => e.node.eventId));
      expect(c.pageInfo.hasPreviousPage).toBe(after !== null);
      if (c.edges.length > 0) expect(c.pageInfo.endCursor).toBe(c.edges.at(-1)!.cursor);
      seen.push(...c.edges.map((e) => e.node));
      if (!c.pageInfo.hasNextPage) return seen;
      after = c.pageInfo.endCursor;
    }
  };

  it('pages the open failures, most recently seen first, each exactly once', async () => {
    const seen = await all(3);
    expect(seen.map((n) => n.eventId)).toEqual(open.map((e) => e.id).reverse());
    expect(seen[0]).toEqual({
      eventId: open[6]!.id,
      type: 'checkout.session.completed',
      checkoutSessionId: (open[6]!.data.object as { id: string }).id,
      accountId: 'gone-6',
      attempts: 1,
      resolvedAt: null,
    });
  });

  it('adds the resolved ones with includeResolved', async () => {
    const seen = await all(5, true);
    expect(seen).toHaveLength(8);
    expect(seen.find((n) => n.eventId === resolved.id)).toMatchObject({ resolvedAt: expect.any(String) });
  });

  it('refuses a cursor it did not hand out and a page size below 1, changing nothing', async () => {
    const forged = await srv.gql(PAGE, { first: 2, after: 'bm90LWEtY3Vyc29y' }, token);
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(forged.errors?.[0]?.message).toContain('after: not a cursor returned by this API');
    const zero = await srv.gql(PAGE, { first: 0 }, token);
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await srv.store.collection('webhookFailures').count()).toBe(8);
  });

  it('refuses users', async () => {
    const user = await srv.signIn();
    expect((await srv.gql(PAGE, {}, user.token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

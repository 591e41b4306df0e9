import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const ACCOUNT = 'id email balance reserved available status createdAt';
const system = { type: 'system' as const, id: 'test' };

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.close();
});

async function grant(accountId: string, amount: number): Promise<void> {
  await srv.services.ledger.grant({
    accountId,
    amount,
    reason: 'test grant',
    idempotencyKey: `grant-${accountId}-${amount}-${Math.random()}`,
    actor: system,
    source: { type: 'system' },
  });
}

async function snapshot(accountId: string) {
  const account = await srv.services.accounts.getById(accountId);
  const entries = await srv.store.collection('ledgerEntries').count({ accountId });
  const audits = await srv.store.collection('auditLog').count({ 'target.id': accountId });
  return { balance: account.balance, entries, audits };
}

describe('GraphQL authorization', () => {
  describe('me', () => {
    it('creates the account on first sight and returns it with its balance', async () => {
      const token = await srv.token({ sub: 'auth0|first-sight', email: 'First.Sight@Example.com' });
      const first = await srv.gqlData<{ me: Record<string, unknown> }>(`{ me { ${ACCOUNT} } }`, {}, token);
      expect(first.me).toMatchObject({
        email: 'first.sight@example.com',
        balance: 0,
        reserved: 0,
        available: 0,
        status: 'ACTIVE',
      });
      await grant(String(first.me.id), 7);
      const again = await srv.gqlData<{ me: Record<string, unknown> }>(`{ me { ${ACCOUNT} } }`, {}, token);
      expect(again.me).toMatchObject({ id: first.me.id, balance: 7, available: 7 });
      expect(await srv.store.collection('accounts').count({ authSubject: 'auth0|first-sight' })).toBe(1);
    });

    it('creates exactly one account when a new user sends 20 requests at once', async () => {
      const token = await srv.token({ sub: 'auth0|racer', email: 'racer@example.com' });
      const results = await Promise.all(
        Array.from({ length: 20 }, () => srv.gqlData<{ me: { id: string } }>('{ me { id } }', {}, token)),
      );
      expect(new Set(results.map((r) => r.me.id)).size).toBe(1);
      expect(await srv.store.collection('accounts').count({ email: 'racer@example.com' })).toBe(1);
    });

    it('never lets an unverified email claim an account; the verified owner gets it', async () => {
      const email = `owner-${Date.now()}@example.com`;
      const credited = await srv.services.accounts.findOrCreateByEmail(email); // support credits it first
      await grant(credited.id, 20);
      const squatter = await srv.token({ sub: 'auth0|squatter', email, emailVerified: false });
      const refused = await srv.gql('{ me { id balance } }', {}, squatter);
      expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(refused.errors?.[0]?.message).toMatch(/not verified/);
      expect(await srv.store.collection('accounts').count({ authSubject: 'auth0|squatter' })).toBe(0);

      const owner = await srv.token({ sub: 'auth0|owner', email });
      const me = await srv.gqlData<{ me: { id: string; balance: number } }>('{ me { id balance } }', {}, owner);
      expect(me.me).toEqual({ id: credited.id, balance: 20 });
    });

    it('answers FORBIDDEN to `me` for a service token, which has no account of its own', async () => {
      const r = await srv.gql('{ me { id } }', {}, await srv.token({ roles: ['service'] }));
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    });
  });

  describe('creditPackages', () => {
    it('lists the configured packages without sign-in', async () => {
      const data = await srv.gqlData<{ creditPackages: unknown[] }>(
        '{ creditPackages { id name credits price { amount currency } } }',
      );
      expect(data.creditPackages).toEqual(
        srv.config.creditPackages.map((p) => ({
          id: p.id,
          name: p.name,
          credits: p.credits,
          price: { amount: p.amount, currency: p.currency.toUpperCase() },
        })),
      );
    });
  });

  describe('ledger', () => {
    it('shows a user only their own entries', async () => {
      const alice = await srv.signIn();
      const bob = await srv.signIn();
      await grant(alice.accountId, 5);
      await grant(bob.accountId, 9);
      const q = '{ ledger { edges { node { amount balanceAfter kind account { id } } } } }';
      const seen = await srv.gqlData<{
        ledger: { edges: Array<{ node: { amount: number; account: { id: string } } }> };
      }>(q, {}, alice.token);
      expect(seen.ledger.edges.map((e) => e.node)).toEqual([
        { amount: 5, balanceAfter: 5, kind: 'PURCHASE', account: { id: alice.accountId } },
      ]);
    });
  });

  describe('who changed a balance, and whose account an entry belongs to', () => {
    const LEDGER = '{ ledger { nodes { kind actor { type id name } } } }';

    it('shows a user the kind of actor only, never a staff identity', async () => {
      const customer = await srv.signIn();
      const support = await srv.signIn({ roles: ['support'] });
      await srv.gqlData(
        'mutation($id: ID!) { adjustCredits(accountId: $id, amount: 5, reason: "goodwill", idempotencyKey: "g-1") { id } }',
        { id: customer.accountId },
        support.token,
      );
      for (const actor of [
        { type: 'discord' as const, id: '123456789012345678', name: 'helper#0001' },
        { type: 'stripe' as const, id: 'evt_123', name: 'checkout.session.completed' },
      ])
        await srv.services.ledger.grant({
          accountId: customer.accountId,
          amount: 1,
          reason: 'r',
          idempotencyKey: `visible-${actor.type}`,
          actor,
          source: { type: 'system' },
        });

      const seen = await srv.gqlData<{ ledger: { nodes: Array<{ actor: unknown }> } }>(LEDGER, {}, customer.token);
      expect(seen.ledger.nodes.map((n) => n.actor)).toEqual([
        { type: 'STRIPE', id: null, name: null },
        { type: 'SUPPORT', id: null, name: null },
        { type: 'SUPPORT', id: null, name: null },
      ]);
      const text = JSON.stringify(seen);
      for (const secret of [support.subject, support.email, '123456789012345678', 'helper#0001'])
        expect(text).not.toContain(secret);

      const staff = await srv.gqlData<{ accountLedger: { nodes: Array<{ actor: unknown }> } }>(
        'query($id: ID!) { accountLedger(accountId: $id) { nodes { actor { type id name } } } }',
        { id: customer.accountId },
        support.token,
      );
      expect(staff.accountLedger.nodes.map((n) => n.actor)).toContainEqual({
        type: 'SUPPORT',
        id: support.subject,
        name: support.email,
      });
    });

    it("does not let a service read the customer's account through a spendCredits payload", async () => {
      const customer = await srv.signIn();
      await grant(customer.accountId, 3);
      const service = await srv.token({ sub: 'svc-nosy', roles: ['service'] });
      const r = await srv.gql<{ spendCredits: { balanceAfter: number; account: unknown } }>(
        'mutation($id: ID!) { spendCredits(accountId: $id, amount: 1, reason: "analysis", idempotencyKey: "nosy-1") { balanceAfter account { email ledger { nodes { reason } } } } }',
        { id: customer.accountId },
        service,
      );
      expect(r.data?.spendCredits).toEqual({ balanceAfter: 2, account: null });
      expect(r.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([
        ['FORBIDDEN', 'spendCredits.account'],
      ]);
      expect(JSON.stringify(r)).not.toContain(customer.email);
    });
  });

  describe('support-only and service-only operations', () => {
    const calls = (target: string) => [
      { name: 'account', query: 'query($id: ID) { account(id: $id) { id balance } }', variables: { id: target } },
      { name: 'accounts', query: '{ accounts { nodes { id } } }', variables: {} },
      {
        name: 'accountLedger',
        query: 'query($id: ID!) { accountLedger(accountId: $id) { nodes { id } } }',
        variables: { id: target },
      },
      {
        name: 'adjustCredits',
        query:
          'mutation($id: ID!) { adjustCredits(accountId: $id, amount: 100, reason: "free money", idempotencyKey: "steal-1") { id } }',
        variables: { id: target },
      },
      {
        name: 'spendCredits',
        query:
          'mutation($id: ID!) { spendCredits(accountId: $id, amount: 1, reason: "x", idempotencyKey: "spend-1") { id } }',
        variables: { id: target },
      },
    ];

    it('refuses a user with FORBIDDEN and changes nothing', async () => {
      const victim = await srv.signIn();
      await grant(victim.accountId, 10);
      const attacker = await srv.signIn();
      const before = await snapshot(victim.accountId);
      for (const call of calls(victim.accountId)) {
        const r = await srv.gql(call.query, call.variables, attacker.token);
        expect(
          r.errors?.map((e) => e.extensions?.code),
          call.name,
        ).toEqual(['FORBIDDEN']);
        expect(
          Object.values(r.data ?? {}).filter((v) => v !== null),
          call.name,
        ).toEqual([]);
      }
      expect(await snapshot(victim.accountId)).toEqual(before);
    });

    it('refuses an anonymous caller with UNAUTHENTICATED', async () => {
      const victim = await srv.signIn();
      for (const call of calls(victim.accountId)) {
        const r = await srv.gql(call.query, call.variables);
        expect(
          r.errors?.map((e) => e.extensions?.code),
          call.name,
        ).toEqual(['UNAUTHENTICATED']);
      }
      const me = await srv.gql('{ me { id } }');
      expect(me.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('lets support look accounts up, read their ledger and adjust, audited with support as the actor', async () => {
      const customer = await srv.signIn({ email: `cust-${Date.now()}@example.com` });
      const support = await srv.signIn({ roles: ['support'] });
      const byEmail = await srv.gqlData<{ account: { id: string } }>(
        'query($e: String) { account(email: $e) { id } }',
        { e: customer.email.toUpperCase() },
        support.token,
      );
      expect(byEmail.account.id).toBe(customer.accountId);
      const search = await srv.gqlData<{ accounts: { nodes: Array<{ id: string }> } }>(
        'query($s: String) { accounts(search: $s) { nodes { id } } }',
        { s: customer.email.slice(0, 10) },
        support.token,
      );
      expect(search.accounts.nodes.map((n) => n.id)).toEqual([customer.accountId]);

      const adjusted = await srv.gqlData<{ adjustCredits: Record<string, unknown> }>(
        `mutation($id: ID!) { adjustCredits(accountId: $id, amount: 25, reason: "goodwill", idempotencyKey: "gw-1") {
          amount balanceAfter kind reason source { type } actor { type id name } } }`,
        { id: customer.accountId },
        support.token,
      );
      expect(adjusted.adjustCredits).toEqual({
        amount: 25,
        balanceAfter: 25,
        kind: 'ADJUSTMENT',
        reason: 'goodwill',
        source: { type: 'SUPPORT' },
        actor: { type: 'SUPPORT', id: support.subject, name: support.email },
      });
      const audit = await srv.store.collection('auditLog').find({ 'target.id': customer.accountId });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: 'credits.adjust',
        actor: { type: 'support', id: support.subject },
        balanceBefore: 0,
        balanceAfter: 25,
        reason: 'goodwill',
      });
      const ledger = await srv.gqlData<{ accountLedger: { nodes: Array<{ amount: number }> } }>(
        'query($id: ID!) { accountLedger(accountId: $id) { nodes { amount } } }',
        { id: customer.accountId },
        support.token,
      );
      expect(ledger.accountLedger.nodes).toEqual([{ amount: 25 }]);
    });

    it('lets a service spend, but not adjust', async () => {
      const customer = await srv.signIn();
      await grant(customer.accountId, 3);
      const service = await srv.token({ sub: 'svc-analyzer', roles: ['service'] });
      const spent = await srv.gqlData<{ spendCredits: { amount: number; balanceAfter: number; actor: unknown } }>(
        'mutation($id: ID!) { spendCredits(accountId: $id, amount: 2, reason: "analysis", idempotencyKey: "a-1") { amount balanceAfter actor { type id } } }',
        { id: customer.accountId },
        service,
      );
      expect(spent.spendCredits).toEqual({
        amount: -2,
        balanceAfter: 1,
        actor: { type: 'SERVICE', id: 'svc-analyzer' },
      });
      const adjust = await srv.gql(
        'mutation($id: ID!) { adjustCredits(accountId: $id, amount: 5, reason: "x", idempotencyKey: "k") { id } }',
        { id: customer.accountId },
        service,
      );
      expect(adjust.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect((await srv.services.accounts.getById(customer.accountId)).balance).toBe(1);
    });

    it('refuses support spending and answers INSUFFICIENT_CREDITS for a spend above the balance', async () => {
      const customer = await srv.signIn();
      await grant(customer.accountId, 1);
      const service = await srv.token({ roles: ['service'] });
      const r = await srv.gql(
        'mutation($id: ID!) { spendCredits(accountId: $id, amount: 2, reason: "analysis", idempotencyKey: "big") { id } }',
        { id: customer.accountId },
        service,
      );
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'INSUFFICIENT_CREDITS', available: 1, needed: 2 });
      expect((await snapshot(customer.accountId)).balance).toBe(1);
    });
  });
});

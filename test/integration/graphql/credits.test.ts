import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const ADJUST = `mutation($id: ID!, $amount: Int!, $reason: String!, $key: String!) {
  adjustCredits(accountId: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { id amount balanceAfter createdAt }
}`;
const SPEND = `mutation($id: ID!, $key: String!) {
  spendCredits(accountId: $id, amount: 1, reason: "analysis", idempotencyKey: $key) { id balanceAfter }
}`;

let srv: TestServer;
beforeAll(async () => {
  // The support test sends a burst of adjustments; the per-account limit has its own test.
  srv = await startTestServer({ RATE_LIMIT_MUTATIONS: '1000' });
});
afterAll(async () => {
  await srv.close();
});

/** Credits bought as a pack, as a purchase would grant them. */
const fund = (accountId: string, amount: number, idempotencyKey: string) =>
  srv.services.ledger.grant({
    accountId,
    amount,
    reason: 'pack',
    idempotencyKey,
    actor: { type: 'system', id: 'test' },
    source: { type: 'system' },
  });

async function state(accountId: string) {
  const account = await srv.services.accounts.getById(accountId);
  return {
    balance: account.balance,
    entries: await srv.store.collection('ledgerEntries').count({ accountId }),
    audits: await srv.store.collection('auditLog').count({ 'target.id': accountId }),
  };
}

describe('GraphQL credit mutations', () => {
  describe('adjustCredits', () => {
    it('replays the same entry for the same idempotency key and changes nothing more', async () => {
      const customer = await srv.signIn();
      const support = await srv.signIn({ roles: ['support'] });
      const vars = { id: customer.accountId, amount: 40, reason: 'refund for outage', key: 'outage-42' };
      const first = await srv.gqlData<{ adjustCredits: Record<string, unknown> }>(ADJUST, vars, support.token);
      const replays = await Promise.all(
        Array.from({ length: 10 }, () =>
          srv.gqlData<{ adjustCredits: Record<string, unknown> }>(ADJUST, vars, support.token),
        ),
      );
      for (const r of replays) expect(r.adjustCredits).toEqual(first.adjustCredits);
      expect(await state(customer.accountId)).toEqual({ balance: 40, entries: 1, audits: 1 });
    });

    it('answers IDEMPOTENCY_KEY_REUSED when the key comes back with another amount, and changes nothing', async () => {
      const customer = await srv.signIn();
      const support = await srv.signIn({ roles: ['support'] });
      const vars = { id: customer.accountId, amount: 10, reason: 'goodwill', key: 'gw-7' };
      await srv.gqlData(ADJUST, vars, support.token);
      const reuse = await srv.gql(ADJUST, { ...vars, amount: 11 }, support.token);
      expect(reuse.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: 'gw-7' });
      expect(await state(customer.accountId)).toEqual({ balance: 10, entries: 1, audits: 1 });
    });

    it('never takes the balance below zero', async () => {
      const customer = await srv.signIn();
      const support = await srv.signIn({ roles: ['admin'] });
      await srv.gqlData(ADJUST, { id: customer.accountId, amount: 5, reason: 'start', key: 'a' }, support.token);
      const r = await srv.gql(
        ADJUST,
        { id: customer.accountId, amount: -6, reason: 'too much', key: 'b' },
        support.token,
      );
      expect(r.errors?.[0]?.extensions?.code).toBe('INSUFFICIENT_CREDITS');
      expect(await state(customer.accountId)).toEqual({ balance: 5, entries: 1, audits: 1 });
      const ok = await srv.gqlData<{ adjustCredits: { balanceAfter: number } }>(
        ADJUST,
        { id: customer.accountId, amount: -5, reason: 'chargeback', key: 'c' },
        support.token,
      );
      expect(ok.adjustCredits.balanceAfter).toBe(0);
      const audit = await srv.store
        .collection('auditLog')
        .find({ 'target.id': customer.accountId }, { sort: { createdAt: 1, _id: 1 } });
      expect(audit.map((a) => [a.actor.type, a.balanceBefore, a.balanceAfter])).toEqual([
        ['admin', 0, 5],
        ['admin', 5, 0],
      ]);
    });

    it('answers BAD_USER_INPUT for invalid arguments and NOT_FOUND for an unknown account, changing nothing', async () => {
      const customer = await srv.signIn();
      const support = await srv.signIn({ roles: ['support'] });
      const cases = [
        { id: customer.accountId, amount: 0, reason: 'x', key: 'z1' },
        { id: customer.accountId, amount: 1, reason: '   ', key: 'z2' },
        { id: customer.accountId, amount: 1, reason: 'x', key: 'bad key with spaces' },
        { id: customer.accountId, amount: 2_000_000, reason: 'x', key: 'z3' },
      ];
      for (const vars of cases) {
        const r = await srv.gql(ADJUST, vars, support.token);
        expect(r.errors?.[0]?.extensions?.code, JSON.stringify(vars)).toBe('BAD_USER_INPUT');
      }
      // Too long an account id is named for what it is (it once read "accountId: is required").
      const longId = await srv.gql(ADJUST, { id: 'a'.repeat(101), amount: 1, reason: 'x', key: 'z6' }, support.token);
      expect(longId.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(longId.errors?.[0]?.message).toBe('accountId: must be at most 100 characters');
      const missing = await srv.gql(
        ADJUST,
        { id: 'no-such-account', amount: 1, reason: 'x', key: 'z4' },
        support.token,
      );
      expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      const fractional = await srv.gql(
        ADJUST,
        { id: customer.accountId, amount: 1.5, reason: 'x', key: 'z5' },
        support.token,
      );
      expect(fractional.status).toBe(400);
      expect(fractional.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(await state(customer.accountId)).toEqual({ balance: 0, entries: 0, audits: 0 });
    });
  });

  describe('spendCredits', () => {
    it('lets exactly 100 of 200 concurrent spends of 1 succeed against 100 credits', async () => {
      const customer = await srv.signIn();
      await fund(customer.accountId, 100, 'pack-1');
      const service = await srv.token({ sub: 'svc-analyzer', roles: ['service'] });
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => srv.gql(SPEND, { id: customer.accountId, key: `spend-${i}` }, service)),
      );
      const ok = results.filter((r) => !r.errors);
      const codes = results.flatMap((r) => r.errors?.map((e) => e.extensions?.code) ?? []);
      expect(ok).toHaveLength(100);
      expect(codes).toEqual(Array.from({ length: 100 }, () => 'INSUFFICIENT_CREDITS'));
      expect(
        new Set(ok.map((r) => (r.data as { spendCredits: { balanceAfter: number } }).spendCredits.balanceAfter)),
      ).toEqual(new Set(Array.from({ length: 100 }, (_, i) => i)));
      expect(await state(customer.accountId)).toEqual({ balance: 0, entries: 101, audits: 0 });
      expect((await srv.services.ledger.verifyLedger()).ok).toBe(true);
    });

    it('accepts a key of the full 200 characters a caller may choose, and replays it', async () => {
      const customer = await srv.signIn();
      await fund(customer.accountId, 5, 'pack-long');
      const service = await srv.token({ roles: ['service'] });
      const key = 'k'.repeat(200);
      const first = await srv.gql(SPEND, { id: customer.accountId, key }, service);
      expect(first.errors).toBeUndefined();
      const again = await srv.gql(SPEND, { id: customer.accountId, key }, service);
      expect(again.data).toEqual(first.data);
      expect((await state(customer.accountId)).balance).toBe(4);
      const tooLong = await srv.gql(SPEND, { id: customer.accountId, key: 'k'.repeat(201) }, service);
      expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect((await state(customer.accountId)).balance).toBe(4);
    });

    it('answers ACCOUNT_FROZEN for a frozen account and spends nothing', async () => {
      const customer = await srv.signIn();
      await fund(customer.accountId, 3, 'pack-f');
      await srv.services.accounts.freeze({
        accountId: customer.accountId,
        reason: 'fraud check',
        actor: { type: 'support', id: 's' },
      });
      const r = await srv.gql(SPEND, { id: customer.accountId, key: 'f-1' }, await srv.token({ roles: ['service'] }));
      expect(r.errors?.[0]?.extensions?.code).toBe('ACCOUNT_FROZEN');
      expect((await state(customer.accountId)).balance).toBe(3);
    });
  });
});

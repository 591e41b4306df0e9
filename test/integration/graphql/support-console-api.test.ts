import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

let srv: TestServer;
let support: string;
beforeAll(async () => {
  srv = await startTestServer({ CONSOLE_LOGIN_URL: 'https://idp.example.com/authorize' });
  support = (await srv.signIn({ roles: ['support'] })).token;
});
afterAll(() => srv.close());

const system = { type: 'system' as const, id: 'test' };

const FREEZE = `mutation ($id: ID!, $reason: String!) { freezeAccount(accountId: $id, reason: $reason) { id status } }`;
const UNFREEZE = `mutation ($id: ID!, $reason: String!) { unfreezeAccount(accountId: $id, reason: $reason) { id status } }`;
const TRAIL = `query ($id: ID!, $after: String) {
  accountAuditTrail(accountId: $id, first: 2, after: $after) {
    nodes { action reason amount balanceBefore balanceAfter actor { type name } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('freezeAccount / unfreezeAccount', () => {
  it('freezes and unfreezes with a reason, each audited with the caller as actor', async () => {
    const customer = await srv.signIn();
    const frozen = await srv.gqlData<{ freezeAccount: { status: string } }>(
      FREEZE,
      { id: customer.accountId, reason: 'chargeback fraud' },
      support,
    );
    expect(frozen.freezeAccount.status).toBe('FROZEN');
    const spend = await srv.gql(
      `mutation ($id: ID!) { spendCredits(accountId: $id, amount: 1, reason: "x", idempotencyKey: "k1") { id } }`,
      { id: customer.accountId },
      await srv.token({ roles: ['service'] }),
    );
    expect(spend.errors?.[0]?.extensions?.code).toBe('ACCOUNT_FROZEN');
    const active = await srv.gqlData<{ unfreezeAccount: { status: string } }>(
      UNFREEZE,
      { id: customer.accountId, reason: 'cleared by bank' },
      support,
    );
    expect(active.unfreezeAccount.status).toBe('ACTIVE');
    const trail = await srv.gqlData<{ accountAuditTrail: { nodes: Array<{ action: string; reason: string }> } }>(
      TRAIL,
      { id: customer.accountId },
      support,
    );
    expect(trail.accountAuditTrail.nodes.map((n) => [n.action, n.reason])).toEqual([
      ['account.unfreeze', 'cleared by bank'],
      ['account.freeze', 'chargeback fraud'],
    ]);
  });

  it('refuses a user token and changes nothing', async () => {
    const customer = await srv.signIn();
    const r = await srv.gql(FREEZE, { id: customer.accountId, reason: 'x' }, customer.token);
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const account = await srv.services.accounts.getById(customer.accountId);
    expect(account.status).toBe('active');
  });

  it('refuses an empty reason and an unknown account with clear errors', async () => {
    const customer = await srv.signIn();
    const blank = await srv.gql(FREEZE, { id: customer.accountId, reason: '  ' }, support);
    expect(blank.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(blank.errors?.[0]?.message).toMatch(/reason/);
    const missing = await srv.gql(FREEZE, { id: 'nope', reason: 'x' }, support);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await srv.services.accounts.getById(customer.accountId)).status).toBe('active');
  });
});

describe('accountAuditTrail', () => {
  it('pages an account’s adjustments with amounts and balances, newest first, and only that account', async () => {
    const a = await srv.signIn();
    const other = await srv.signIn();
    for (const [i, amount] of [10, -4, 3].entries())
      await srv.gqlData(
        `mutation ($id: ID!, $n: Int!, $k: String!) { adjustCredits(accountId: $id, amount: $n, reason: "r", idempotencyKey: $k) { id } }`,
        { id: a.accountId, n: amount, k: `trail-${i}` },
        support,
      );
    await srv.gqlData(
      `mutation ($id: ID!) { adjustCredits(accountId: $id, amount: 1, reason: "r", idempotencyKey: "other") { id } }`,
      { id: other.accountId },
      support,
    );
    type Trail = {
      accountAuditTrail: {
        nodes: Array<{ amount: number; balanceBefore: number; balanceAfter: number; actor: { type: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const p1 = await srv.gqlData<Trail>(TRAIL, { id: a.accountId }, support);
    const p2 = await srv.gqlData<Trail>(
      TRAIL,
      { id: a.accountId, after: p1.accountAuditTrail.pageInfo.endCursor },
      support,
    );
    const rows = [...p1.accountAuditTrail.nodes, ...p2.accountAuditTrail.nodes];
    expect(rows.map((r) => [r.amount, r.balanceBefore, r.balanceAfter])).toEqual([
      [3, 6, 9],
      [-4, 10, 6],
      [10, 0, 10],
    ]);
    expect(p1.accountAuditTrail.pageInfo.hasNextPage).toBe(true);
    expect(p2.accountAuditTrail.pageInfo.hasNextPage).toBe(false);
    expect(rows.every((r) => r.actor.type === 'SUPPORT')).toBe(true);
  });
});

describe('accounts(orderBy)', () => {
  it('orders by balance (largest first) and pages without repeating or skipping ties', async () => {
    const prefix = `ord-${Date.now()}`;
    const balances = [5, 9, 5, 1, 5];
    for (const [i, b] of balances.entries()) {
      const acc = await srv.services.accounts.findOrCreateByEmail(`${prefix}-${i}@example.com`);
      await srv.services.ledger.grant({
        accountId: acc.id,
        amount: b,
        reason: 'seed',
        idempotencyKey: 'seed',
        actor: system,
        source: { type: 'system' },
      });
    }
    const Q = `query ($s: String, $after: String) { accounts(search: $s, orderBy: BALANCE_DESC, first: 2, after: $after) { nodes { email balance } pageInfo { hasNextPage endCursor } } }`;
    const seen: Array<{ email: string; balance: number }> = [];
    let after: string | null = null;
    do {
      const d: { accounts: { nodes: typeof seen; pageInfo: { hasNextPage: boolean; endCursor: string } } } =
        await srv.gqlData(Q, { s: prefix, after }, support);
      seen.push(...d.accounts.nodes);
      after = d.accounts.pageInfo.hasNextPage ? d.accounts.pageInfo.endCursor : null;
    } while (after);
    expect(seen.map((r) => r.balance)).toEqual([9, 5, 5, 5, 1]);
    expect(new Set(seen.map((r) => r.email)).size).toBe(5);
  });
});

describe('creditsOverview', () => {
  it('answers today’s credits sold and spent, to support only', async () => {
    const before = await srv.gqlData<{ creditsOverview: { totalSold: number; totalSpent: number } }>(
      '{ creditsOverview(days: 30) { totalSold totalSpent } }',
      {},
      support,
    );
    const c = await srv.signIn();
    await srv.services.ledger.grant({
      accountId: c.accountId,
      amount: 12,
      reason: 'pack',
      idempotencyKey: 'p',
      actor: system,
      source: { type: 'stripe' },
    });
    await srv.services.ledger.spend({
      accountId: c.accountId,
      amount: 4,
      reason: 'analysis',
      idempotencyKey: 's',
      actor: system,
    });
    const d = await srv.gqlData<{
      creditsOverview: {
        days: Array<{ day: string; sold: number; spent: number }>;
        totalSold: number;
        totalSpent: number;
      };
    }>('{ creditsOverview(days: 30) { days { day sold spent } totalSold totalSpent } }', {}, support);
    expect(d.creditsOverview.days).toHaveLength(30);
    expect(d.creditsOverview.days.at(-1)!.day).toBe(new Date().toISOString().slice(0, 10));
    expect(d.creditsOverview.totalSold - before.creditsOverview.totalSold).toBe(12);
    expect(d.creditsOverview.totalSpent - before.creditsOverview.totalSpent).toBe(4);
    const user = await srv.gql('{ creditsOverview { totalSold } }', {}, c.token);
    expect(user.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('consoleSettings', () => {
  it('tells anyone the sign-in URL and the confirmation threshold', async () => {
    const d = await srv.gqlData('{ consoleSettings { loginUrl supportConfirmAbove } }');
    expect(d).toEqual({ consoleSettings: { loginUrl: 'https://idp.example.com/authorize', supportConfirmAbove: 100 } });
  });
});

describe('diagnoseMissingCredits', () => {
  it('reports our records when Stripe is not configured, with nothing to grant', async () => {
    const c = await srv.signIn();
    const d = await srv.gqlData<{ diagnoseMissingCredits: { stripe: string; sessions: unknown[]; grantPrompt: null } }>(
      `mutation ($id: ID!) { diagnoseMissingCredits(accountId: $id, idempotencyKey: "diag-1") { stripe sessions { checkoutSessionId } grantPrompt { id } } }`,
      { id: c.accountId },
      support,
    );
    expect(d.diagnoseMissingCredits).toEqual({ stripe: 'NOT_CONFIGURED', sessions: [], grantPrompt: null });
  });
});

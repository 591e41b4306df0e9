import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

const ADJUST = (alias = 'adjustCredits', key = '$key') =>
  `${alias}: adjustCredits(accountId: $id, amount: 1, reason: "fix", idempotencyKey: ${key}) { balanceAfter }`;

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer({ RATE_LIMIT_MUTATIONS: '3', RATE_LIMIT_WINDOW_SECONDS: '60' });
});
afterAll(async () => {
  await srv.close();
});

describe('GraphQL mutation rate limit', () => {
  it('answers RATE_LIMITED (429, Retry-After) past the per-caller limit, and changes nothing', async () => {
    const customer = await srv.signIn();
    const support = await srv.signIn({ roles: ['support'] });
    const q = `mutation($id: ID!, $key: String!) { ${ADJUST()} }`;
    for (let i = 0; i < 3; i += 1) await srv.gqlData(q, { id: customer.accountId, key: `k${i}` }, support.token);
    const limited = await srv.gql(q, { id: customer.accountId, key: 'k3' }, support.token);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    expect((await srv.services.accounts.getById(customer.accountId)).balance).toBe(3);
    // Queries are not limited, and other callers have their own budget.
    await srv.gqlData('{ me { id } }', {}, support.token);
    const other = await srv.signIn({ roles: ['support'] });
    await srv.gqlData(q, { id: customer.accountId, key: 'other-1' }, other.token);
  });

  it('counts every aliased mutation of one request', async () => {
    const customer = await srv.signIn();
    const support = await srv.signIn({ roles: ['support'] });
    const four = [1, 2, 3, 4].map((i) => ADJUST(`a${i}`, `"four-${i}"`)).join(' ');
    const r = await srv.gql(`mutation($id: ID!) { ${four} }`, { id: customer.accountId }, support.token);
    expect(r.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(await srv.store.collection('ledgerEntries').count({ accountId: customer.accountId })).toBe(0);
  });

  it('counts refused mutations too, and leaves trusted services unlimited', async () => {
    const customer = await srv.signIn();
    await srv.services.ledger.grant({
      accountId: customer.accountId,
      amount: 10,
      reason: 'pack',
      idempotencyKey: 'p',
      actor: { type: 'system', id: 't' },
      source: { type: 'system' },
    });
    const q = `mutation($id: ID!, $key: String!) { spendCredits(accountId: $id, amount: 1, reason: "a", idempotencyKey: $key) { id } }`;
    const user = await srv.token();
    const codes: unknown[] = [];
    for (let i = 0; i < 4; i += 1)
      codes.push((await srv.gql(q, { id: customer.accountId, key: `u${i}` }, user)).errors?.[0]?.extensions?.code);
    expect(codes).toEqual(['FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'RATE_LIMITED']);
    const service = await srv.token({ roles: ['service'] });
    for (let i = 0; i < 6; i += 1) await srv.gqlData(q, { id: customer.accountId, key: `s${i}` }, service);
    expect((await srv.services.accounts.getById(customer.accountId)).balance).toBe(4);
  });
});

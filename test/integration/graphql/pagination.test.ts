import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

interface LedgerPage {
  ledger: {
    edges: Array<{ cursor: string; node: { id: string; amount: number } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  };
}
const PAGE = `query($first: Int, $after: String) {
  ledger(first: $first, after: $after) {
    edges { cursor node { id amount } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
  }
}`;

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.close();
});

async function grantMany(accountId: string, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const e = await srv.services.ledger.grant({
      accountId,
      amount: 1,
      reason: `${prefix} ${i}`,
      idempotencyKey: `${prefix}-${i}`,
      actor: { type: 'system', id: 'test' },
      source: { type: 'system' },
    });
    ids.push(e.id);
  }
  return ids;
}

async function walk(token: string, first: number, between?: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 1000; pages += 1) {
    const data: LedgerPage = await srv.gqlData<LedgerPage>(PAGE, { first, after }, token);
    seen.push(...data.ledger.edges.map((e) => e.node.id));
    expect(data.ledger.pageInfo.hasPreviousPage).toBe(after !== null);
    if (data.ledger.edges.length > 0) expect(data.ledger.pageInfo.endCursor).toBe(data.ledger.edges.at(-1)!.cursor);
    if (!data.ledger.pageInfo.hasNextPage) return seen;
    after = data.ledger.pageInfo.endCursor;
    await between?.();
  }
  throw new Error('pagination did not end');
}

describe('GraphQL ledger pagination', () => {
  it('returns every one of 250 entries exactly once, newest first', async () => {
    const user = await srv.signIn();
    const inserted = await grantMany(user.accountId, 250, 'p');
    const seen = await walk(user.token, 7);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(seen).toEqual([...inserted].reverse());
  });

  it('stays exact while new entries are inserted between and during page reads', async () => {
    const user = await srv.signIn();
    const inserted = await grantMany(user.accountId, 250, 'q');
    let n = 0;
    const insertOne = async (): Promise<void> => {
      n += 1;
      await grantMany(user.accountId, 1, `late-${n}`);
    };
    // Inserts race with the page reads (not awaited before the next page starts) and between them.
    const racing: Promise<void>[] = [];
    const seen = await walk(user.token, 9, async () => {
      racing.push(insertOne());
      await insertOne();
    });
    await Promise.all(racing);
    expect(seen).toEqual([...inserted].reverse());
    const all = await walk(user.token, 100);
    expect(all).toHaveLength(250 + n);
    expect(new Set(all).size).toBe(250 + n);
    expect(all.slice(n)).toEqual([...inserted].reverse());
  });

  it('caps first at 100 and refuses a page size below 1 or a forged cursor', async () => {
    const user = await srv.signIn();
    await grantMany(user.accountId, 120, 'c');
    const big = await srv.gqlData<LedgerPage>(PAGE, { first: 1000 }, user.token);
    expect(big.ledger.edges).toHaveLength(100);
    expect(big.ledger.pageInfo.hasNextPage).toBe(true);
    const dflt = await srv.gqlData<LedgerPage>(
      '{ ledger { edges { cursor node { id amount } } pageInfo { hasNextPage hasPreviousPage endCursor } } }',
      {},
      user.token,
    );
    expect(dflt.ledger.edges).toHaveLength(20);
    const zero = await srv.gql(PAGE, { first: 0 }, user.token);
    expect(zero.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forged = await srv.gql(PAGE, { first: 5, after: 'bm90LWEtY3Vyc29y' }, user.token);
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

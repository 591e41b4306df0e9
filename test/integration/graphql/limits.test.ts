import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv.close();
});

async function post(body: string, headers: Record<string, string> = {}) {
  const res = await fetch(srv.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: JSON.parse(text) as {
      data?: unknown;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    },
  };
}

/** After each abusive request: the server still answers health checks and ordinary queries. */
async function expectHealthy(): Promise<void> {
  const health = await fetch(`${srv.url}/healthz`);
  expect(health.status).toBe(200);
  const ok = await srv.gqlData<{ creditPackages: unknown[] }>('{ creditPackages { id } }');
  expect(ok.creditPackages.length).toBeGreaterThan(0);
}

function nest(levels: number): string {
  let q = 'id';
  for (let i = 0; i < levels; i += 1) q = `ledger { nodes { account { ${q} } } }`;
  return `{ me { ${q} } }`;
}

describe('GraphQL limits', () => {
  it('refuses a depth bomb before executing any of it', async () => {
    const sub = `depth-${Date.now()}`;
    const token = await srv.token({ sub });
    const r = await srv.gql(nest(4), {}, token);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_LIMIT' });
    expect(r.errors?.[0]?.message).toMatch(/depth 14 exceeds the limit of 8/);
    // `me` would have created the account: nothing ran.
    expect(await srv.store.collection('accounts').count({ authSubject: sub })).toBe(0);
    await expectHealthy();
  });

  /** Each level spreads the one below twice under two aliases: 2^levels copies once executed. */
  function fragmentBomb(levels: number): string {
    const defs = ['fragment F0 on Account { id balance }'];
    for (let i = 1; i <= levels; i += 1)
      defs.push(
        `fragment F${i} on Account { ledger { nodes { a: account { ...F${i - 1} } b: account { ...F${i - 1} } } } }`,
      );
    return `${defs.join(' ')} { me { ...F${levels} } }`;
  }

  /** GET /graphql with `padding` empty parameters before `query` (express's parser stops at 1,000). */
  function getUrl(query: string, padding: number): string {
    return `${srv.graphqlUrl}?${'&'.repeat(padding)}&query=${encodeURIComponent(query)}`;
  }

  it('refuses a fragment bomb sent over GET behind 1,000 empty query parameters', async () => {
    const sub = `bomb-get-${Date.now()}`;
    const res = await fetch(getUrl(fragmentBomb(12), 1000), {
      headers: { 'apollo-require-preflight': '1', authorization: `Bearer ${await srv.token({ sub })}` },
    });
    const body = (await res.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: object }> };
    expect(res.status).toBe(400);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_LIMIT' });
    expect(body.errors?.[0]?.message).toMatch(/depth 38 exceeds the limit of 8/);
    expect(await srv.store.collection('accounts').count({ authSubject: sub })).toBe(0);
    await expectHealthy();
  });

  it('refuses the same fragment bomb over POST, and a deeper one without expanding it', async () => {
    const sub = `bomb-post-${Date.now()}`;
    const token = await srv.token({ sub });
    for (const levels of [12, 60]) {
      const r = await srv.gql(fragmentBomb(levels), {}, token);
      expect(r.status).toBe(400);
      expect(r.errors?.map((e) => e.extensions?.reason)).toEqual(['QUERY_LIMIT', 'QUERY_LIMIT', 'QUERY_LIMIT']);
    }
    expect(await srv.store.collection('accounts').count({ authSubject: sub })).toBe(0);
    await expectHealthy();
  });

  it('answers a GET query within the limits behind 1,000 empty query parameters', async () => {
    const res = await fetch(getUrl('{ creditPackages { id } }', 1000), {
      headers: { 'apollo-require-preflight': '1' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { creditPackages: unknown[] } };
    expect(body.data.creditPackages.length).toBeGreaterThan(0);
  });

  it('allows a query at the depth limit', async () => {
    const r = await srv.gql(nest(2), {}, await srv.token()); // me → ledger → nodes → account ×2 → id: depth 8
    expect(r.errors).toBeUndefined();
  });

  it('refuses a 1,000-alias query before execution', async () => {
    const query = `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: creditPackages { id }`).join(' ')} }`;
    const r = await srv.gql(query);
    expect(r.status).toBe(400);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(r.data).toBeUndefined();
    const aliases = await srv.gql(`{ ${Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(' ')} }`);
    expect(aliases.status).toBe(400);
    expect(aliases.errors?.[0]?.message).toMatch(/1000 aliases exceed the limit of 30/);
    await expectHealthy();
  });

  it('refuses 1,000 aliased spends in one request without spending anything', async () => {
    const customer = await srv.signIn();
    await srv.services.ledger.grant({
      accountId: customer.accountId,
      amount: 5,
      reason: 'pack',
      idempotencyKey: 'p',
      actor: { type: 'system', id: 't' },
      source: { type: 'system' },
    });
    const spends = Array.from(
      { length: 1000 },
      (_, i) => `s${i}: spendCredits(accountId: $id, amount: 1, reason: "x", idempotencyKey: "k${i}") { id }`,
    );
    const r = await srv.gql(
      `mutation($id: ID!) { ${spends.join(' ')} }`,
      { id: customer.accountId },
      await srv.token({ roles: ['service'] }),
    );
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const few = Array.from({ length: 40 }, (_, i) => spends[i]).join(' ');
    const r40 = await srv.gql(
      `mutation($id: ID!) { ${few} }`,
      { id: customer.accountId },
      await srv.token({ roles: ['service'] }),
    );
    expect(r40.errors?.[0]?.message).toMatch(/40 aliases exceed the limit of 30/);
    expect((await srv.services.accounts.getById(customer.accountId)).balance).toBe(5);
  });

  it('refuses the same field repeated 990 times (quadratic to validate)', async () => {
    const r = await srv.gql(`{ ${Array.from({ length: 990 }, () => 'creditPackages { id }').join(' ')} }`);
    expect(r.status).toBe(400);
    expect(r.errors?.map((e) => e.message)).toEqual([
      'operation (anonymous): "creditPackages" is selected 990 times in one selection set (limit 20)',
    ]);
    await expectHealthy();
  });

  it('refuses a query whose cost (page sizes multiplied) is over the limit', async () => {
    const r = await srv.gql(
      '{ me { ledger(first: 100) { nodes { account { ledger(first: 100) { nodes { id amount } } } } } } }',
      {},
      await srv.token(),
    );
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.message).toMatch(/cost \d+ exceeds the limit of 5000/);
  });

  it('refuses a document of more than 4,000 tokens at the parser', async () => {
    const r = await srv.gql(`{ creditPackages { ${Array.from({ length: 4100 }, () => 'id').join(' ')} } }`);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' });
    expect(r.errors?.[0]?.message).toMatch(/4000 tokens/);
  });

  it('answers 413 to a body over HTTP_BODY_LIMIT', async () => {
    const r = await post(JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(150_000) } }));
    expect(r.status).toBe(413);
    expect(r.body.errors?.[0]).toMatchObject({
      message: 'request body larger than the limit of 100kb',
      extensions: { code: 'BAD_USER_INPUT', reason: 'PAYLOAD_TOO_LARGE' },
    });
    await expectHealthy();
  });

  it('answers 400 to malformed JSON, and to a batch (batching is off)', async () => {
    const r = await post('{"query": "{ __typename }"');
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]).toMatchObject({
      message: 'malformed JSON in the request body',
      extensions: { code: 'BAD_USER_INPUT', reason: 'MALFORMED_JSON' },
    });
    const batch = await post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(batch.status).toBe(400);
    expect(batch.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    await expectHealthy();
  });

  it('blocks requests a browser could send cross-site without a preflight (CSRF prevention)', async () => {
    const res = await fetch(srv.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Cross-Site Request Forgery/);
    const get = await fetch(`${srv.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`);
    expect(get.status).toBe(400);
    const preflighted = await fetch(`${srv.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(preflighted.status).toBe(200);
    expect(await preflighted.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses mutations over GET', async () => {
    const q = encodeURIComponent(
      'mutation { spendCredits(accountId: "a", amount: 1, reason: "x", idempotencyKey: "k") { id } }',
    );
    const res = await fetch(`${srv.graphqlUrl}?query=${q}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(405);
  });
});

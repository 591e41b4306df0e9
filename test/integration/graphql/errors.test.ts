import { afterEach, describe, expect, it } from 'vitest';
import { GRAPHQL_ERROR_CODES } from '../../../src/graphql/error-map.js';
import { InjectedFault } from '../../../src/store/faults.js';
import { startTestServer, type EnvOverrides, type TestServer } from '../../helpers/test-server.js';

const ADJUST = `mutation($id: ID!, $amount: Int!, $key: String!) {
  adjustCredits(accountId: $id, amount: $amount, reason: "fix", idempotencyKey: $key) { id balanceAfter }
}`;

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function server(env: EnvOverrides = {}): Promise<TestServer> {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}
const PRODUCTION: EnvOverrides = { NODE_ENV: 'production', MONGODB_URI: 'mongodb://127.0.0.1:1/unused' };

describe('GraphQL errors', () => {
  it('masks an unexpected failure, logs it with the request id, and changes nothing', async () => {
    const srv = await server();
    const customer = await srv.signIn();
    const support = await srv.signIn({ roles: ['support'] });
    srv.store.faults.failWrite({ collection: 'auditLog' });
    const r = await srv.gql(ADJUST, { id: customer.accountId, amount: 5, key: 'k1' }, support.token);
    expect(r.errors).toHaveLength(1);
    const error = r.errors![0]!;
    expect(error.message).toBe('Internal server error');
    expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) });
    expect(r.headers.get('x-request-id')).toBe(error.extensions?.requestId);
    const logged = srv.logs.find((l) => l.obj.reqId === error.extensions?.requestId);
    expect(logged?.level).toBe('error');
    expect(logged?.obj.err).toBeInstanceOf(InjectedFault);
    expect((await srv.services.accounts.getById(customer.accountId)).balance).toBe(0);
    expect(await srv.store.collection('ledgerEntries').count({ accountId: customer.accountId })).toBe(0);
    // The same request succeeds once the fault is gone: nothing was half-written.
    const retry = await srv.gqlData<{ adjustCredits: { balanceAfter: number } }>(
      ADJUST,
      { id: customer.accountId, amount: 5, key: 'k1' },
      support.token,
    );
    expect(retry.adjustCredits.balanceAfter).toBe(5);
  });

  it('answers only codes of the closed set', async () => {
    const srv = await server();
    const support = await srv.signIn({ roles: ['support'] });
    const responses = await Promise.all([
      srv.gql('{ me { id } }'),
      srv.gql('{ nope }'),
      srv.gql('{ me { id '),
      srv.gql('query($n: Int) { ledger(first: $n) { nodes { id } } }', { n: 'ten' }, support.token),
      srv.gql(ADJUST, { id: 'missing', amount: 1, key: 'k' }, support.token),
      srv.gql('{ account(id: "a", email: "b@example.com") { id } }', {}, support.token),
    ]);
    const codes = responses.flatMap((r) => r.errors?.map((e) => e.extensions?.code) ?? []);
    expect(codes).toEqual([
      'UNAUTHENTICATED',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'BAD_USER_INPUT',
      'NOT_FOUND',
      'BAD_USER_INPUT',
    ]);
    for (const code of codes) expect(GRAPHQL_ERROR_CODES).toContain(code);
  });

  it('includes stack traces only in development', async () => {
    for (const [env, expected] of [
      [{ NODE_ENV: 'development' }, true],
      [{ NODE_ENV: 'test' }, false],
      [PRODUCTION, false],
    ] as const) {
      const srv = await server(env);
      const support = await srv.signIn({ roles: ['support'] });
      srv.store.faults.failWrite({ collection: 'ledgerEntries' });
      const customer = await srv.signIn();
      const failures = [
        await srv.gql(ADJUST, { id: 'missing', amount: 1, key: 'k' }, support.token),
        await srv.gql(ADJUST, { id: customer.accountId, amount: 1, key: 'k' }, support.token),
      ];
      for (const f of failures) expect('stacktrace' in (f.errors?.[0]?.extensions ?? {}), env.NODE_ENV).toBe(expected);
    }
  });

  it('turns introspection and the landing page off in production, and on in development', async () => {
    const introspect = '{ __schema { queryType { name } } }';
    const prod = await server(PRODUCTION);
    const r = await prod.gql(introspect);
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/introspection/i);
    const prodPage = await fetch(prod.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(prodPage.headers.get('content-type') ?? '').not.toMatch(/html/);

    const dev = await server({ NODE_ENV: 'development' });
    expect((await dev.gqlData<{ __schema: unknown }>(introspect)).__schema).toEqual({ queryType: { name: 'Query' } });
    const devPage = await fetch(dev.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(devPage.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('does not suggest field names in production', async () => {
    const prod = await server(PRODUCTION);
    const r = await prod.gql('{ mee { id } }');
    expect(r.errors?.[0]?.message).not.toMatch(/Did you mean/);
    const test = await server();
    expect((await test.gql('{ mee { id } }')).errors?.[0]?.message).toMatch(/Did you mean "me"/);
  });
});

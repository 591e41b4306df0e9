import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/test-server.js';

/**
 * /graphql and the Stripe webhook are served in front of express (src/http/route.ts). What a
 * client meets there must be what express gave it: the same paths match, other methods and paths
 * still reach express, and body errors answer the same way.
 */
describe('the HTTP front of the hot routes', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ STRIPE_WEBHOOK_SECRET: 'whsec_front_test' });
  });
  afterAll(async () => {
    await srv.close();
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${srv.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('matches /graphql like express did: any case, one trailing slash, with a query string', async () => {
    for (const path of ['/graphql', '/GraphQL', '/graphql/', '/graphql?trace=1']) {
      const res = await post(path, JSON.stringify({ query: '{ __typename }' }));
      expect(res.status, path).toBe(200);
      expect(await res.json(), path).toEqual({ data: { __typename: 'Query' } });
    }
  });

  it('tells browsers and proxies never to keep a GraphQL answer, data and errors alike, POST and GET', async () => {
    const answers = [
      await post('/graphql', JSON.stringify({ query: '{ __typename }' })),
      await post('/graphql', JSON.stringify({ query: '{ me { id } }' })),
      await post('/graphql', JSON.stringify({ query: '{ nope }' })),
      await fetch(`${srv.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { 'apollo-require-preflight': '1' },
      }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 400, 200]);
    expect(((await answers[1]!.json()) as { errors?: unknown[] }).errors).toHaveLength(1);
    for (const res of answers) expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('serves an absolute-form request target (as sent to a proxy) like express did', async () => {
    const { request } = await import('node:http');
    const { hostname, port } = new URL(srv.url);
    const body = JSON.stringify({ query: '{ __typename }' });
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port,
          method: 'POST',
          path: `${srv.url}/graphql`,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers GET queries and keeps the caller request id, or gives a fresh one for an unusable id', async () => {
    const kept = await fetch(`${srv.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'x-request-id': 'client-req-42', 'apollo-require-preflight': 'true' },
    });
    expect(kept.status).toBe(200);
    expect(kept.headers.get('x-request-id')).toBe('client-req-42');
    const replaced = await post('/graphql', JSON.stringify({ query: '{ __typename }' }), {
      'x-request-id': 'has spaces and / slashes',
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leaves other methods and paths to express: 404 there, and Apollo’s 405 for HEAD', async () => {
    const put = await fetch(`${srv.url}/graphql`, { method: 'PUT', body: '{}' });
    expect(put.status).toBe(404);
    expect(await put.json()).toEqual({ error: 'not found', path: '/graphql' });
    const near = await post('/graphqlx', JSON.stringify({ query: '{ __typename }' }));
    expect(near.status).toBe(404);
    const head = await fetch(`${srv.url}/graphql`, { method: 'HEAD', headers: { 'apollo-require-preflight': 'true' } });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('GET, POST');
  });

  it('refuses a body in a charset it cannot read with 415, in GraphQL’s error shape', async () => {
    const res = await post('/graphql', JSON.stringify({ query: '{ __typename }' }), {
      'content-type': 'application/json; charset=latin1',
    });
    expect(res.status).toBe(415);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.message).toMatch(/charset/i);
    expect(body.errors[0]!.extensions).toMatchObject({
      reason: 'BAD_REQUEST',
      requestId: res.headers.get('x-request-id'),
    });
  });

  it('answers a webhook body over 1 MB with 413 and the request id, and records nothing', async () => {
    const before = await srv.store.collection('processedEvents').count({});
    const res = await post('/webhooks/stripe', JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }), {
      'stripe-signature': 't=1,v1=00',
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: expect.stringMatching(/too large/i),
      requestId: res.headers.get('x-request-id'),
    });
    expect(await srv.store.collection('processedEvents').count({})).toBe(before);
  });

  it('answers an unsigned webhook 400 whatever its path case', async () => {
    const res = await post('/Webhooks/Stripe/', '{"id":"evt_1"}', { 'stripe-signature': 't=1,v1=00' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: expect.any(String) });
  });
});

describe('stopping the HTTP front', () => {
  it('lets a request already in flight finish (with Connection: close) and refuses new connections', async () => {
    const srv = await startTestServer();
    const { request } = await import('node:http');
    const { hostname, port } = new URL(srv.url);
    const body = JSON.stringify({ query: '{ __typename }' });
    let answered!: (a: { status: number; connection: string | undefined; text: string }) => void;
    const answer = new Promise<{ status: number; connection: string | undefined; text: string }>(
      (resolve) => (answered = resolve),
    );
    // The request is in flight once its headers are in: half its body now, the rest after the stop began.
    const req = request(
      {
        host: hostname,
        port,
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => answered({ status: res.statusCode ?? 0, connection: res.headers.connection, text }));
      },
    );
    const failed = new Promise<Error>((resolve) => req.on('error', resolve));
    req.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 100));
    const stopped = srv.close();
    await new Promise((r) => setTimeout(r, 100));
    const refused = await fetch(`${srv.url}/healthz`).then(
      () => 'answered',
      () => 'refused',
    );
    req.end(body.slice(10));
    const outcome = await Promise.race([answer, failed]);
    await stopped;
    expect(outcome).toEqual({ status: 200, connection: 'close', text: '{"data":{"__typename":"Query"}}\n' });
    expect(refused).toBe('refused');
  });
});

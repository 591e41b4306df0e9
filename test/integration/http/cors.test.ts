import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type EnvOverrides, type TestServer } from '../../helpers/test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});
async function server(env: EnvOverrides): Promise<TestServer> {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}

const preflight = (srv: TestServer, origin: string): Promise<Response> =>
  fetch(srv.graphqlUrl, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  });

const FRONTEND = 'https://app.example.com';

describe('CORS', () => {
  it('answers an allowed origin preflight with 204 and the headers a frontend sends, then the request itself', async () => {
    const srv = await server({ CORS_ORIGINS: `${FRONTEND}, http://localhost:5173` });
    const pre = await preflight(srv, FRONTEND);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();
    const allowed = (pre.headers.get('access-control-allow-headers') ?? '').split(',');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight']));
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');

    const { token } = await srv.signIn();
    const res = await fetch(srv.graphqlUrl, {
      method: 'POST',
      headers: { origin: FRONTEND, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { balance } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(res.headers.get('vary')).toMatch(/origin/i);
    expect(await res.json()).toEqual({ data: { me: { balance: 0 } } });
  });

  it('gives a disallowed origin no Access-Control-Allow-Origin (exact match, no wildcard)', async () => {
    const srv = await server({ CORS_ORIGINS: FRONTEND });
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.net', 'http://app.example.com']) {
      const pre = await preflight(srv, origin);
      expect(pre.headers.get('access-control-allow-origin'), origin).toBeNull();
      const res = await fetch(`${srv.url}/healthz`, { headers: { origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('allows no cross origin by default in production, and the localhost dev servers in development', async () => {
    const prod = await server({
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://127.0.0.1:1/unused',
      CORS_ORIGINS: undefined,
    });
    expect(prod.config.CORS_ORIGINS).toEqual([]);
    const pre = await preflight(prod, 'http://localhost:3000');
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();

    const dev = await server({ NODE_ENV: 'development' });
    for (const origin of ['http://localhost:3000', 'http://localhost:5173'])
      expect((await preflight(dev, origin)).headers.get('access-control-allow-origin')).toBe(origin);
  });

  it('refuses a wildcard or an origin with a path at start-up, naming CORS_ORIGINS', async () => {
    for (const bad of ['*', 'https://app.example.com/', 'app.example.com'])
      await expect(startTestServer({ CORS_ORIGINS: bad })).rejects.toThrow(/CORS_ORIGINS/);
  });
});

describe('CORS without an Origin header', () => {
  it('answers a request without Origin (a backend, Stripe) with Vary: Origin and no CORS headers, on every route', async () => {
    const srv = await server({ CORS_ORIGINS: FRONTEND });
    const { token } = await srv.signIn();
    const answers = [
      await fetch(srv.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ me { balance } }' }),
      }),
      await fetch(`${srv.url}/healthz`),
      await fetch(`${srv.url}/no-such-path`),
    ];
    for (const res of answers) {
      expect(res.headers.get('vary'), res.url).toBe('Origin');
      const cors = [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));
      expect(cors, res.url).toEqual([]);
    }
    expect(await answers[0]!.json()).toEqual({ data: { me: { balance: 0 } } });
    expect(answers[2]!.status).toBe(404);
  });

  it('still answers a preflight without Origin through the CORS rules (no allow-origin)', async () => {
    const srv = await server({ CORS_ORIGINS: FRONTEND });
    const res = await fetch(srv.graphqlUrl, {
      method: 'OPTIONS',
      headers: { 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '../../../src/graphql/auth/jwt.signer.js';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../../helpers/test-server.js';

const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
const hour = (): number => Math.floor(Date.now() / 1000) + 3600;

async function rawRequest(srv: TestServer, authorization: string) {
  const res = await fetch(srv.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  };
}

describe('GraphQL authentication', () => {
  describe('HS256 with issuer and audience', () => {
    let srv: TestServer;
    beforeAll(async () => {
      srv = await startTestServer({ AUTH_JWT_ISSUER: 'https://id.noi.test/', AUTH_JWT_AUDIENCE: 'noi-api' });
    });
    afterAll(async () => {
      await srv.close();
    });

    const sign = (over: { secret?: string; issuer?: string; audience?: string; ttl?: string } = {}) =>
      signDevToken({
        secret: over.secret ?? TEST_JWT_SECRET,
        subject: 'auth0|someone',
        email: 'someone@example.com',
        roles: ['user'],
        ttl: over.ttl ?? '1h',
        issuer: over.issuer ?? 'https://id.noi.test/',
        audience: over.audience ?? 'noi-api',
      });

    it('accepts a valid token', async () => {
      const r = await rawRequest(srv, `Bearer ${await sign()}`);
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
    });

    const bad: Array<[string, RegExp, () => Promise<string>]> = [
      ['a malformed token', /malformed/, async () => 'Bearer not.a.jwt'],
      ['garbage', /malformed/, async () => 'Bearer %%%'],
      ['a non-Bearer scheme', /Bearer <token>/, async () => `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['an empty Bearer', /Bearer <token>/, async () => 'Bearer '],
      ['an expired token', /expired/, async () => `Bearer ${await sign({ ttl: '-5m' })}`],
      [
        'a token signed with another secret',
        /bad signature/,
        async () => `Bearer ${await sign({ secret: 'another-secret-of-enough-length-0123456789' })}`,
      ],
      ['a wrong audience', /claim aud/, async () => `Bearer ${await sign({ audience: 'someone-else' })}`],
      ['a wrong issuer', /claim iss/, async () => `Bearer ${await sign({ issuer: 'https://evil.test/' })}`],
      [
        'alg: none',
        /algorithm not allowed/,
        async () =>
          `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({
            sub: 'auth0|someone',
            email: 'someone@example.com',
            roles: ['admin'],
            iss: 'https://id.noi.test/',
            aud: 'noi-api',
            exp: hour(),
          })}.`,
      ],
      [
        'a token without exp',
        /claim exp missing/,
        async () =>
          `Bearer ${await new SignJWT({ email: 'someone@example.com' })
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('auth0|someone')
            .setIssuer('https://id.noi.test/')
            .setAudience('noi-api')
            .sign(new TextEncoder().encode(TEST_JWT_SECRET))}`,
      ],
      [
        'a user token without email',
        /email claim is required/,
        async () =>
          `Bearer ${await signDevToken({ secret: TEST_JWT_SECRET, subject: 's', roles: ['user'], issuer: 'https://id.noi.test/', audience: 'noi-api' })}`,
      ],
    ];

    for (const [name, reason, header] of bad) {
      it(`answers UNAUTHENTICATED (401) to ${name} and creates no account`, async () => {
        const before = await srv.store.collection('accounts').count();
        const r = await rawRequest(srv, await header());
        expect(r.status).toBe(401);
        expect(r.headers.get('www-authenticate')).toContain('Bearer');
        expect(r.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
        expect(r.body.errors?.[0]?.message).toMatch(reason);
        expect(r.body.errors?.[0]?.extensions?.requestId).toEqual(r.headers.get('x-request-id'));
        expect(await srv.store.collection('accounts').count()).toBe(before);
      });
    }

    it('answers UNAUTHENTICATED to a missing token on fields that need a caller', async () => {
      const r = await srv.gql('{ me { id } }');
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    });
  });

  describe('JWKS (RS256 / ES256)', () => {
    let jwksServer: Server;
    let srv: TestServer;
    let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
    let ec: Awaited<ReturnType<typeof generateKeyPair>>;
    let rsaJwk: JWK;

    beforeAll(async () => {
      rsa = await generateKeyPair('RS256');
      ec = await generateKeyPair('ES256');
      rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' };
      const ecJwk = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' };
      jwksServer = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [rsaJwk, ecJwk] }));
      });
      await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
      const { port } = jwksServer.address() as AddressInfo;
      srv = await startTestServer({
        AUTH_JWT_SECRET: '',
        AUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        AUTH_JWT_AUDIENCE: 'noi-api',
      });
    });
    afterAll(async () => {
      await srv.close();
      await new Promise((r) => jwksServer.close(r));
    });

    const token = (key: Parameters<SignJWT['sign']>[0], alg: string, kid: string) =>
      new SignJWT({ email: `${kid}@example.com`, email_verified: true, roles: ['user'] })
        .setProtectedHeader({ alg, kid })
        .setSubject(`idp|${kid}`)
        .setAudience('noi-api')
        .setExpirationTime('1h')
        .sign(key);

    it('accepts RS256 and ES256 tokens signed by the identity provider', async () => {
      for (const [key, alg, kid] of [
        [rsa.privateKey, 'RS256', 'rsa-1'],
        [ec.privateKey, 'ES256', 'ec-1'],
      ] as const) {
        const me = await srv.gqlData<{ me: { email: string } }>('{ me { email } }', {}, await token(key, alg, kid));
        expect(me.me.email).toBe(`${kid}@example.com`);
      }
    });

    it('refuses a token the identity provider signed for another application, or for a week', async () => {
      const otherApp = await new SignJWT({ email: 'x@example.com', roles: ['admin'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setSubject('idp|x')
        .setAudience('other-app')
        .setExpirationTime('1h')
        .sign(rsa.privateKey);
      expect((await rawRequest(srv, `Bearer ${otherApp}`)).status).toBe(401);
      const week = await new SignJWT({ email: 'w@example.com', roles: ['user'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setSubject('idp|w')
        .setAudience('noi-api')
        .setIssuedAt()
        .setExpirationTime('7d')
        .sign(rsa.privateKey);
      const refused = await rawRequest(srv, `Bearer ${week}`);
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.[0]?.message).toContain('AUTH_MAX_TOKEN_AGE');
    });

    it('refuses a token signed by another key, and an HS256 token (no secret configured)', async () => {
      const stranger = await generateKeyPair('RS256');
      const forged = await rawRequest(srv, `Bearer ${await token(stranger.privateKey, 'RS256', 'rsa-1')}`);
      expect(forged.status).toBe(401);
      const hs = await rawRequest(
        srv,
        `Bearer ${await signDevToken({ secret: TEST_JWT_SECRET, subject: 'x', email: 'x@example.com', roles: ['admin'], audience: 'noi-api' })}`,
      );
      expect(hs.status).toBe(401);
      expect(hs.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });
});

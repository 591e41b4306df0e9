import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signDevToken } from '../../../src/graphql/auth/jwt.signer.js';
import { JwtVerifier } from '../../../src/graphql/auth/jwt.verifier.js';

const SECRET = 'unit-test-secret-0123456789abcdefghijkl';
const NOW = new Date('2030-01-01T12:00:00Z');
const clock = { now: () => NOW };
const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

const sign = (over: Partial<Parameters<typeof signDevToken>[0]> = {}) =>
  signDevToken({ secret: SECRET, subject: 'auth0|u1', email: 'U1@Example.com', roles: ['user'], now: NOW, ...over });

describe(JwtVerifier.name, () => {
  describe('verify', () => {
    const verifier = new JwtVerifier({ secret: SECRET, clock });

    it('returns subject, lower-cased email and roles of a valid HS256 token', async () => {
      expect(await verifier.verify(await sign({ roles: ['support', 'admin'] }))).toEqual({
        subject: 'auth0|u1',
        email: 'u1@example.com',
        emailVerified: true,
        roles: ['support', 'admin'],
      });
    });

    it('trusts the email only when email_verified is true (a boolean, or the string some providers send)', async () => {
      expect((await verifier.verify(await sign({ emailVerified: false }))).emailVerified).toBe(false);
      const bare = (extra: object) =>
        new SignJWT({ email: 'a@example.com', ...extra })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('s')
          .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 60)
          .sign(new TextEncoder().encode(SECRET));
      expect((await verifier.verify(await bare({}))).emailVerified).toBe(false);
      expect((await verifier.verify(await bare({ email_verified: 'true' }))).emailVerified).toBe(true);
      expect((await verifier.verify(await bare({ email_verified: 1 }))).emailVerified).toBe(false);
    });

    it('treats a token without roles as a user, and ignores role names it does not know', async () => {
      const noRoles = await new SignJWT({ email: 'a@example.com' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('s')
        .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 60)
        .sign(new TextEncoder().encode(SECRET));
      expect((await verifier.verify(noRoles)).roles).toEqual(['user']);
      const odd = await sign({ roles: ['support', 'superuser' as never] });
      expect((await verifier.verify(odd)).roles).toEqual(['support']);
    });

    it('accepts a service token without email but requires email from people', async () => {
      expect(await verifier.verify(await sign({ email: undefined, roles: ['service'] }))).toEqual({
        subject: 'auth0|u1',
        email: undefined,
        emailVerified: false,
        roles: ['service'],
      });
      await expect(verifier.verify(await sign({ email: undefined, roles: ['user'] }))).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    });

    it('refuses an expired token, honouring 30 s of clock skew', async () => {
      const expiredLongAgo = await sign({ ttl: '-1m' });
      await expect(verifier.verify(expiredLongAgo)).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        details: { reason: 'expired' },
      });
      const justExpired = await sign({ ttl: '-10s' });
      await expect(verifier.verify(justExpired)).resolves.toMatchObject({ subject: 'auth0|u1' });
    });

    it('refuses alg none, another secret, a token without exp, and garbage', async () => {
      const none = `${b64({ alg: 'none' })}.${b64({ sub: 's', email: 'a@example.com', exp: 2e9 })}.`;
      const cases = [
        none,
        await sign({ secret: 'another-secret-0123456789abcdefghijklmn' }),
        await new SignJWT({ email: 'a@example.com' })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('s')
          .sign(new TextEncoder().encode(SECRET)),
        'a.b.c',
        '',
      ];
      for (const token of cases)
        await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('refuses an RS256 token when only a secret is configured (no algorithm confusion)', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const rs = await new SignJWT({ email: 'a@example.com' })
        .setProtectedHeader({ alg: 'RS256' })
        .setSubject('s')
        .setExpirationTime('1h')
        .sign(privateKey);
      await expect(verifier.verify(rs)).rejects.toMatchObject({ details: { reason: 'algorithm not allowed' } });
    });

    it('reads roles from the configured claim, by name or dotted path, and ignores the default one then', async () => {
      const namespaced = new JwtVerifier({ secret: SECRET, clock, rolesClaim: 'https://noi.example/roles' });
      const token = await sign({ rolesClaim: 'https://noi.example/roles', roles: ['support'] });
      expect((await namespaced.verify(token)).roles).toEqual(['support']);
      // another application's `roles` claim means nothing here
      expect((await namespaced.verify(await sign({ roles: ['admin'] }))).roles).toEqual(['user']);

      const keycloak = new JwtVerifier({ secret: SECRET, clock, rolesClaim: 'realm_access.roles' });
      const nested = await new SignJWT({ email: 'k@example.com', realm_access: { roles: ['admin', 'offline'] } })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('kc|1')
        .setIssuedAt(NOW)
        .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 3600)
        .sign(new TextEncoder().encode(SECRET));
      expect((await keycloak.verify(nested)).roles).toEqual(['admin']);
    });

    it('refuses a person token living longer than the maximum age, but not a service token', async () => {
      await expect(verifier.verify(await sign({ ttl: '24h' }))).resolves.toBeTruthy();
      await expect(verifier.verify(await sign({ ttl: '25h' }))).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        details: { reason: expect.stringContaining('AUTH_MAX_TOKEN_AGE') },
      });
      const short = new JwtVerifier({ secret: SECRET, clock, maxTokenAgeSeconds: 600 });
      await expect(short.verify(await sign({ ttl: '11m', roles: ['support'] }))).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      await expect(short.verify(await sign({ ttl: '7d', email: undefined, roles: ['service'] }))).resolves.toEqual(
        expect.objectContaining({ roles: ['service'] }),
      );
      // without iat, the time left counts
      const noIat = await new SignJWT({ email: 'a@example.com' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('s')
        .setExpirationTime(Math.floor(NOW.getTime() / 1000) + 30 * 86_400)
        .sign(new TextEncoder().encode(SECRET));
      await expect(verifier.verify(noIat)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('checks issuer and audience when configured', async () => {
      const strict = new JwtVerifier({ secret: SECRET, clock, issuer: 'https://id/', audience: 'noi' });
      await expect(strict.verify(await sign({ issuer: 'https://id/', audience: 'noi' }))).resolves.toBeTruthy();
      await expect(strict.verify(await sign({ issuer: 'https://id/', audience: 'other' }))).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      await expect(strict.verify(await sign({ issuer: 'https://evil/', audience: 'noi' }))).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      await expect(strict.verify(await sign())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });

  describe('verified-token cache', () => {
    it('answers a repeated token from the cache only until its exp', async () => {
      let now = NOW.getTime();
      const verifier = new JwtVerifier({ secret: SECRET, clock: { now: () => new Date(now) } });
      const token = await sign({ ttl: '1m' });
      const first = await verifier.verify(token);
      expect(await verifier.verify(token)).toBe(first); // the same object: served from the cache
      now += 60_000 + 31_000; // past exp and the 30 s tolerance
      await expect(verifier.verify(token)).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
        details: { reason: 'expired' },
      });
    });

    it('past exp but within the tolerance, verifies the token again instead of trusting the cache', async () => {
      let now = NOW.getTime();
      const verifier = new JwtVerifier({ secret: SECRET, clock: { now: () => new Date(now) } });
      const token = await sign({ ttl: '1m' });
      const first = await verifier.verify(token);
      now += 60_000 + 10_000;
      const again = await verifier.verify(token);
      expect(again).toEqual(first);
      expect(again).not.toBe(first);
    });

    it('never caches a refusal', async () => {
      const verifier = new JwtVerifier({ secret: SECRET, clock });
      const forged = `${(await sign()).slice(0, -4)}AAAA`;
      for (let i = 0; i < 2; i += 1)
        await expect(verifier.verify(forged)).rejects.toMatchObject({ details: { reason: 'bad signature' } });
    });
  });
});

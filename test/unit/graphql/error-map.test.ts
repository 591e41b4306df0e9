import { GraphQLError } from 'graphql';
import { AuthorizationError } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { DomainError, DuplicateKeyError, ERROR_CODES } from '../../../src/domain/errors.js';
import {
  classifyError,
  DOMAIN_ERROR_MAP,
  formatGraphqlError,
  GRAPHQL_ERROR_CODES,
  INTERNAL_MESSAGE,
} from '../../../src/graphql/error-map.js';

const inResolver = (original: Error): GraphQLError =>
  new GraphQLError(original.message, { originalError: original, path: ['field'] });

describe('error map', () => {
  describe('DOMAIN_ERROR_MAP', () => {
    it('maps every domain code into the closed GraphQL set', () => {
      expect(Object.keys(DOMAIN_ERROR_MAP).sort()).toEqual([...ERROR_CODES].sort());
      for (const m of Object.values(DOMAIN_ERROR_MAP)) expect(GRAPHQL_ERROR_CODES).toContain(m.code);
    });
  });

  describe('classifyError', () => {
    it('keeps the message and only the whitelisted details of a domain error', () => {
      const c = classifyError(
        inResolver(
          new DomainError('INSUFFICIENT_CREDITS', 'not enough credits', { available: 1, needed: 2, accountId: 'x' }),
        ),
      );
      expect(c).toMatchObject({
        code: 'INSUFFICIENT_CREDITS',
        message: 'not enough credits',
        extensions: { available: 1, needed: 2 },
      });
      expect(c.extensions).not.toHaveProperty('accountId');
    });

    it('masks INTERNAL and hides upstream details', () => {
      expect(classifyError(new DomainError('INTERNAL', 'db password wrong'))).toMatchObject({
        code: 'INTERNAL_SERVER_ERROR',
        message: INTERNAL_MESSAGE,
      });
      const upstream = classifyError(
        new DomainError('UPSTREAM_FAILED', 'Stripe is down', { cause: 'sk_live_… rejected' }),
      );
      expect(upstream).toMatchObject({ code: 'SERVICE_UNAVAILABLE', extensions: {} });
    });

    it('maps a duplicate key (a lost race) to CONFLICT', () => {
      expect(classifyError(inResolver(new DuplicateKeyError('accounts', 'email_unique'))).code).toBe('CONFLICT');
    });

    it('maps type-graphql authorization failures to FORBIDDEN', () => {
      expect(classifyError(inResolver(new AuthorizationError())).code).toBe('FORBIDDEN');
    });

    it("maps Apollo's request-level codes to BAD_USER_INPUT with the reason", () => {
      const c = classifyError(new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } }));
      expect(c).toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { reason: 'GRAPHQL_PARSE_FAILED' },
        unknown: false,
      });
    });

    it('masks anything else as an unknown INTERNAL_SERVER_ERROR', () => {
      for (const e of [
        new TypeError('x is undefined'),
        inResolver(new Error('boom')),
        new GraphQLError('odd', { extensions: { code: 'WHATEVER' } }),
      ])
        expect(classifyError(e)).toMatchObject({
          code: 'INTERNAL_SERVER_ERROR',
          message: INTERNAL_MESSAGE,
          unknown: true,
        });
    });
  });

  describe('formatGraphqlError', () => {
    const formatted = {
      message: 'boom at db.js:12',
      path: ['me'],
      extensions: { code: 'X', stacktrace: ['Error: boom', 'at db.js:12'] },
    };

    it('drops stack traces outside development', () => {
      const out = formatGraphqlError(formatted, inResolver(new Error('boom')), { development: false });
      expect(out).toEqual({ message: INTERNAL_MESSAGE, path: ['me'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    });

    it('keeps them in development', () => {
      const out = formatGraphqlError(formatted, inResolver(new Error('boom')), { development: true });
      expect(out.extensions?.stacktrace).toEqual(formatted.extensions.stacktrace);
    });
  });
});

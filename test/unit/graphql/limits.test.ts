import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDocument, createQueryGuard } from '../../../src/graphql/limits.js';
import { buildGraphqlSchema } from '../../../src/graphql/schema.js';

const LIMITS = { maxDepth: 8, maxAliases: 30, maxCost: 5000 };
let schema: Awaited<ReturnType<typeof buildGraphqlSchema>>;
beforeAll(async () => {
  schema = await buildGraphqlSchema();
});
const check = (q: string, limits = LIMITS) => checkDocument(schema, parse(q), limits);

describe('query limits', () => {
  describe('checkDocument', () => {
    it('accepts ordinary frontend queries', () => {
      expect(check('{ me { id balance available } creditPackages { id price { amount } } }')).toEqual([]);
      expect(
        check('query($a: String) { ledger(first: 50, after: $a) { edges { cursor node { id amount kind } } } }'),
      ).toEqual([]);
    });

    it('counts depth through fragments and inline fragments', () => {
      const q = `
        fragment E on LedgerEntry { account { ledger(first: 1) { nodes { account { ledger(first: 1) { nodes { id } } } } } } }
        { me { ... on Account { ledger(first: 1) { nodes { ...E } } } } }`;
      expect(check(q)).toEqual(['operation (anonymous): depth 10 exceeds the limit of 8']);
    });

    it('counts aliases, including those inside fragments', () => {
      const q = `fragment F on Account { a: id b: id } { ${Array.from({ length: 15 }, (_, i) => `m${i}: me { ...F }`).join(' ')} }`;
      expect(check(q)).toEqual(['operation (anonymous): 45 aliases exceed the limit of 30']);
    });

    it('multiplies cost by page sizes: literal first, default 20, or 100 for a variable', () => {
      expect(check('{ ledger(first: 10) { nodes { id } } }', { ...LIMITS, maxCost: 21 })).toEqual([]);
      expect(check('{ ledger { nodes { id } } }', { ...LIMITS, maxCost: 41 })).toEqual([]);
      expect(check('{ ledger { nodes { id } } }', { ...LIMITS, maxCost: 40 })).toEqual([
        'operation (anonymous): cost 41 exceeds the limit of 40',
      ]);
      expect(check('query($n: Int) { ledger(first: $n) { nodes { id } } }', { ...LIMITS, maxCost: 201 })).toEqual([]);
      expect(check('query($n: Int) { ledger(first: $n) { nodes { id } } }', { ...LIMITS, maxCost: 200 })).toHaveLength(
        1,
      );
    });

    it('refuses the same response name repeated more than 20 times, even spread over fragments', () => {
      const q = `{ ${Array.from({ length: 21 }, () => '... on Query { me { id } }').join(' ')} }`;
      expect(check(q)).toEqual(['operation (anonymous): "me" is selected 21 times in one selection set (limit 20)']);
    });

    it('survives a fragment cycle (validation reports it later)', () => {
      expect(check('fragment A on Account { ...B } fragment B on Account { ...A } { me { ...A } }')).toEqual([]);
    });
  });

  describe('createQueryGuard', () => {
    it('passes documents that do not parse on to Apollo, which reports the syntax error', () => {
      expect(createQueryGuard(schema, LIMITS)('{ me { ')).toEqual([]);
    });

    it('remembers accepted documents and still refuses bad ones', () => {
      const guard = createQueryGuard(schema, LIMITS);
      expect(guard('{ me { id } }')).toEqual([]);
      expect(guard('{ me { id } }')).toEqual([]);
      expect(guard(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`)).toHaveLength(1);
    });
  });
});

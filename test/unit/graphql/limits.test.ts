import { parse, specifiedRules, validate } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkDocument, queryLimitsRule } from '../../../src/graphql/limits.js';
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

  describe('queryLimitsRule', () => {
    // Apollo's order: graphql-js's own rules first, then ours, in one walk.
    const validateAsApollo = (q: string) => validate(schema, parse(q), [...specifiedRules, queryLimitsRule(LIMITS)]);

    it('lets documents within the limits through to the other rules', () => {
      expect(validateAsApollo('{ me { id } }')).toEqual([]);
      expect(validateAsApollo('{ me { nope } }').map((e) => e.message)).toEqual([
        'Cannot query field "nope" on type "Account".',
      ]);
    });

    it('reports every limit exceeded, each with the QUERY_LIMIT reason', () => {
      const q = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} ${Array.from({ length: 21 }, () => 'me { id }').join(' ')} }`;
      const errors = validateAsApollo(q);
      expect(errors.map((e) => e.message)).toEqual([
        'operation (anonymous): 31 aliases exceed the limit of 30',
        'operation (anonymous): "me" is selected 21 times in one selection set (limit 20)',
      ]);
      expect(errors.map((e) => e.extensions.reason)).toEqual(['QUERY_LIMIT', 'QUERY_LIMIT']);
    });

    it('stops the other rules from walking a refused document', () => {
      // 990 copies of one field: alone, graphql-js spends its whole overlap budget on them and
      // answers "Validation aborted."; refused here, no other rule reports anything.
      const q = `{ ${Array.from({ length: 990 }, () => 'creditPackages { id nope }').join(' ')} }`;
      expect(validateAsApollo(q).map((e) => e.message)).toEqual([
        'operation (anonymous): "creditPackages" is selected 990 times in one selection set (limit 20)',
      ]);
    });
  });

  describe('fragment bombs', () => {
    /** Each level spreads the one below twice under two aliases: 2^levels copies once executed. */
    const bomb = (levels: number) => {
      const defs = ['fragment F0 on Account { id balance }'];
      for (let i = 1; i <= levels; i += 1)
        defs.push(
          `fragment F${i} on Account { ledger(first: 1) { nodes { a: account { ...F${i - 1} } b: account { ...F${i - 1} } } } }`,
        );
      return `${defs.join('\n')}\n{ me { ...F${levels} } }`;
    };

    it('measures a bomb without expanding it, aliases and cost beyond exact integers included', () => {
      expect(check(bomb(60))).toEqual([
        'operation (anonymous): depth 182 exceeds the limit of 8',
        'operation (anonymous): more than 2^53 aliases exceed the limit of 30',
        'operation (anonymous): cost more than 2^53 exceeds the limit of 5000',
      ]);
    });

    it('counts a fragment spread twice in one selection set once, as it executes', () => {
      expect(check('fragment F on Account { a: id } { me { ...F ...F ...F } }', { ...LIMITS, maxAliases: 1 })).toEqual(
        [],
      );
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  actorSchema,
  alreadyValid,
  creditAmount,
  entityId,
  plainActor,
  reasonText,
  storedIdempotencyKey,
} from '../../../src/domain/validation.js';

/** Values around every rule of the schemas: lengths at and past their limits, whitespace, types. */
const texts = (limit: number): unknown[] => [
  '',
  ' ',
  'a',
  ' a',
  'a ',
  '\ta',
  'a\n',
  '\u00a0a',
  'a\u2028',
  '\ufeffa',
  'a b',
  'key:1_2.3-x',
  'key#1',
  'clé',
  'a/b',
  '"quoted"',
  'x'.repeat(limit - 1),
  'x'.repeat(limit),
  'x'.repeat(limit + 1),
  ` ${'x'.repeat(limit)} `,
  'x'.repeat(220),
  'x'.repeat(221),
  'x'.repeat(500),
  'x'.repeat(501),
  null,
  undefined,
  42,
  true,
  ['a'],
  { a: 1 },
  new String('a'),
];
const numbers: unknown[] = [
  1,
  2,
  999_999,
  1_000_000,
  1_000_001,
  0,
  -0,
  -1,
  0.5,
  1.5,
  1e-9,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.MAX_SAFE_INTEGER,
  '1',
  null,
  undefined,
  1n,
];

/** A check may only vouch for what its schema accepts and returns unchanged. */
function holdsTo(check: (v: unknown) => boolean, schema: z.ZodType, values: unknown[]): number {
  let vouched = 0;
  for (const v of values) {
    if (!check(v)) continue;
    vouched += 1;
    const parsed = schema.safeParse(v);
    expect(parsed.success, `schema refuses ${JSON.stringify(v)}`).toBe(true);
    expect(parsed.data, `schema changes ${JSON.stringify(v)}`).toBe(v);
  }
  return vouched;
}

describe('alreadyValid', () => {
  it('vouches only for amounts creditAmount accepts as they are', () => {
    expect(holdsTo(alreadyValid.creditAmount, creditAmount, numbers)).toBe(4);
  });

  it('vouches only for reasons reasonText accepts as they are (trimmed, 1 to 500 characters)', () => {
    expect(holdsTo(alreadyValid.reasonText, reasonText, texts(500))).toBeGreaterThan(5);
    expect(alreadyValid.reasonText(' padded ')).toBe(false);
  });

  it('vouches only for ids entityId accepts as they are', () => {
    expect(holdsTo(alreadyValid.entityId, entityId, texts(100))).toBeGreaterThan(5);
  });

  it('vouches only for keys storedIdempotencyKey accepts', () => {
    expect(holdsTo(alreadyValid.storedIdempotencyKey, storedIdempotencyKey, texts(220))).toBeGreaterThan(3);
    expect(alreadyValid.storedIdempotencyKey('caller:k-1')).toBe(true);
  });
});

describe(plainActor.name, () => {
  const actors: unknown[] = [
    { type: 'system', id: 'bench' },
    { id: 'u1', type: 'user' },
    { type: 'support', id: 's1', name: 'Sam' },
    { type: 'support', id: 's1', name: '' },
    { type: 'support', id: 's1', name: 'x'.repeat(200) },
    { type: 'support', id: 's1', name: 'x'.repeat(201) },
    { type: 'support', id: 's1', name: undefined },
    { type: 'support', id: 's1', name: null },
    { type: 'service', id: 'svc', extra: 'dropped' },
    { type: 'robot', id: 'r1' },
    { type: 'user', id: '' },
    { type: 'user', id: ' padded ' },
    { type: 'user', id: 'x'.repeat(200) },
    { type: 'user', id: 'x'.repeat(201) },
    { type: 'user' },
    Object.assign(Object.create(null) as object, { type: 'user', id: 'u' }),
    null,
    'user',
    [],
  ];

  it('returns what actorSchema returns (same fields, same order, a new object) or leaves it to the schema', () => {
    let built = 0;
    for (const v of actors) {
      const fast = plainActor(v);
      if (fast === null) continue;
      built += 1;
      const parsed = actorSchema.parse(v);
      expect(fast).not.toBe(v);
      expect(Object.entries(fast)).toEqual(Object.entries(parsed));
    }
    expect(built).toBe(8);
  });
});

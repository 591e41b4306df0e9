import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../src/domain/idempotency.js';
import { parseSpend, spendFingerprint, spendInput } from '../../../src/domain/ledger/ledger.input.js';
import { parseInput } from '../../../src/domain/validation.js';

const spend = {
  accountId: '6566a1b2c3d4e5f607182930',
  amount: 3,
  reason: 'NOI analysis of 12 Main St',
  idempotencyKey: 'caller:k-1',
  actor: { type: 'service' as const, id: 'api' },
};

/** What the schema answers: the parsed input, or the refusal's code, message and details. */
function viaSchema(input: unknown): unknown {
  try {
    return parseInput(spendInput, input);
  } catch (error) {
    return error;
  }
}
function viaParseSpend(input: unknown): unknown {
  try {
    return parseSpend(input as never);
  } catch (error) {
    return error;
  }
}

/** Same values, same fields in the same order at every depth (stored entries keep that order). */
const shape = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x === undefined ? '<undefined>' : x));

describe(parseSpend.name, () => {
  const cases: Array<[string, unknown]> = [
    ['a spend as callers send it', spend],
    ['the default source', { ...spend, source: undefined }],
    ['a source with a ref', { ...spend, source: { ref: 'analysis-7', type: 'analysis' } }],
    ['a source with an undefined ref', { ...spend, source: { type: 'system', ref: undefined } }],
    ['an actor with a name', { ...spend, actor: { name: 'API', id: 'api', type: 'service' } }],
    ['an actor with an undefined name', { ...spend, actor: { type: 'service', id: 'api', name: undefined } }],
    [
      'fields in another order, and one the schema drops',
      {
        extra: 1,
        actor: { id: 'api', type: 'service' },
        amount: 3,
        idempotencyKey: spend.idempotencyKey,
        reason: spend.reason,
        accountId: spend.accountId,
      },
    ],
    ['a padded reason (trimmed)', { ...spend, reason: '  padded  ' }],
    ['a padded account id (trimmed)', { ...spend, accountId: ` ${spend.accountId} ` }],
    ['an empty reason', { ...spend, reason: '   ' }],
    ['a fractional amount', { ...spend, amount: 1.5 }],
    ['too many credits', { ...spend, amount: 1_000_001 }],
    ['an amount as text', { ...spend, amount: '3' }],
    ['a key with a space', { ...spend, idempotencyKey: 'k 1' }],
    ['a derived key', { ...spend, idempotencyKey: 'k#capture' }],
    ['an unknown actor type', { ...spend, actor: { type: 'robot', id: 'r' } }],
    ['an unknown source type', { ...spend, source: { type: 'paypal' } }],
    ['a source ref too long', { ...spend, source: { type: 'system', ref: 'x'.repeat(201) } }],
    ['no actor', { ...spend, actor: undefined }],
    ['no input', undefined],
    ['an array', [spend]],
  ];

  it.each(cases)('answers exactly as the schema does: %s', (_name, input) => {
    expect(shape(viaParseSpend(input))).toBe(shape(viaSchema(input)));
    expect(viaParseSpend(input)).toEqual(viaSchema(input));
  });

  it('builds new actor and source objects, as the schema does', () => {
    const source = { type: 'analysis' as const, ref: 'a-1' };
    const parsed = parseSpend({ ...spend, source });
    expect(parsed.actor).not.toBe(spend.actor);
    expect(parsed.source).not.toBe(source);
    expect(parseSpend(spend).source).not.toBe(parseSpend(spend).source);
  });
});

describe(spendFingerprint.name, () => {
  const reasons = [
    'bench',
    'say "hi"',
    'back\\slash',
    'tab\tnew\nline',
    'ünïcødé ✓',
    '\u0001\u001f',
    'lone \ud800',
    '',
  ];
  const sources = [
    { type: 'system' as const },
    { type: 'analysis' as const, ref: 'a-"1"' },
    { type: 'stripe' as const, ref: undefined },
  ];

  it('is the spend fingerprint character for character', () => {
    for (const reason of reasons)
      for (const source of sources)
        for (const amount of [1, 42, 1_000_000])
          expect(spendFingerprint(amount, reason, source)).toBe(fingerprint('spend', amount, reason, source));
  });
});

import { describe, expect, it } from 'vitest';
import { grantInput, spendInput } from '../../../src/domain/ledger/ledger.input.js';
import {
  actorSchema,
  creditAmount,
  entityId,
  idempotencyKey,
  parseInput,
  reasonText,
  signedCreditAmount,
  storedIdempotencyKey,
} from '../../../src/domain/validation.js';

/** The refusal parseInput words for `value`, or null when it is accepted. */
const refusal = (schema: Parameters<typeof parseInput>[0], value: unknown): string | null => {
  try {
    parseInput(schema, value);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

const ok = { accountId: 'acc-1', amount: 1, reason: 'r', idempotencyKey: 'k', actor: { type: 'system', id: 's' } };

describe('input schemas: the wording of every refusal', () => {
  it.each<[unknown, string | null]>([
    [1, null],
    [1_000_000, null],
    ['5', 'input: must be a number'],
    [null, 'input: must be a number'],
    [undefined, 'input: must be a number'],
    [Number.NaN, 'input: must be a number'],
    [Number.POSITIVE_INFINITY, 'input: must be a number'],
    [Number.NEGATIVE_INFINITY, 'input: must be a number'],
    [1.5, 'input: must be a whole number of credits'],
    [0.5, 'input: must be a whole number of credits'],
    [1_000_000.5, 'input: must be a whole number of credits'],
    [0, 'input: must be at least 1'],
    [-0, 'input: must be at least 1'],
    [-5, 'input: must be at least 1'],
    [-1e20, 'input: must be at least 1'],
    [1_000_001, 'input: must be at most 1000000'],
    [1e20, 'input: must be at most 1000000'],
  ])('a credit amount of %s: %s', (value, expected) => {
    expect(refusal(creditAmount, value)).toBe(expected);
  });

  it.each<[unknown, string | null]>([
    [-1_000_000, null],
    [-1, null],
    [1_000_000, null],
    ['-5', 'input: must be a number'],
    [Number.NaN, 'input: must be a number'],
    [Number.NEGATIVE_INFINITY, 'input: must be a number'],
    [-0.5, 'input: must be a whole number of credits'],
    [0, 'input: must not be 0'],
    [-0, 'input: must not be 0'],
    [1_000_001, 'input: must be between -1000000 and 1000000'],
    [-1_000_001, 'input: must be between -1000000 and 1000000'],
    [-1e20, 'input: must be between -1000000 and 1000000'],
  ])('a signed credit amount of %s: %s', (value, expected) => {
    expect(refusal(signedCreditAmount, value)).toBe(expected);
  });

  it.each<[unknown, string | null]>([
    [' why ', null],
    ['y'.repeat(500), null],
    [` ${'y'.repeat(500)} `, null],
    ['', 'input: must not be empty'],
    ['   ', 'input: must not be empty'],
    ['y'.repeat(501), 'input: must be at most 500 characters'],
    [5, 'input: is required'],
    [undefined, 'input: is required'],
  ])('a reason of %j: %s', (value, expected) => {
    expect(refusal(reasonText, value)).toBe(expected);
  });

  it('trims a reason and an id', () => {
    expect(parseInput(reasonText, '  why  ')).toBe('why');
    expect(parseInput(entityId, ' acc-1 ')).toBe('acc-1');
  });

  it.each<[unknown, string | null]>([
    ['a-Z_0.9:x', null],
    ['k'.repeat(200), null],
    ['', 'input: must not be empty'],
    ['k'.repeat(201), 'input: must be at most 200 characters'],
    [`${'k'.repeat(201)} `, 'input: must be at most 200 characters'],
    [' ', 'input: may contain only letters, digits and _ . : -'],
    ['has space', 'input: may contain only letters, digits and _ . : -'],
    ['derived#capture', 'input: may contain only letters, digits and _ . : -'],
    [7, 'input: is required'],
  ])('a caller key of %j: %s', (value, expected) => {
    expect(refusal(idempotencyKey, value)).toBe(expected);
  });

  it('lets a stored key be 220 characters, not 221', () => {
    expect(refusal(storedIdempotencyKey, 'k'.repeat(220))).toBeNull();
    expect(refusal(storedIdempotencyKey, 'k'.repeat(221))).toBe('input: must be at most 220 characters');
  });

  it.each<[unknown, string | null]>([
    ['x'.repeat(100), null],
    [` ${'x'.repeat(100)} `, null],
    ['', 'input: must not be empty'],
    ['  ', 'input: must not be empty'],
    // Too long an id once read "is required" (the schema's error worded every issue without a message).
    ['x'.repeat(101), 'input: must be at most 100 characters'],
    [5, 'input: is required'],
  ])('an id of %j: %s', (value, expected) => {
    expect(refusal(entityId, value)).toBe(expected);
  });

  it.each<[unknown, string | null]>([
    [{ type: 'support', id: 'a', name: '' }, null],
    [{ type: 'support', id: 'a', name: 'n'.repeat(200) }, null],
    [{ type: 'system', id: '' }, 'id: Too small: expected string to have >=1 characters'],
    [{ type: 'system', id: 'i'.repeat(201) }, 'id: Too big: expected string to have <=200 characters'],
    [{ type: 'system', id: 'i', name: 'n'.repeat(201) }, 'name: Too big: expected string to have <=200 characters'],
    [{ type: 'system', id: 'i', name: 5 }, 'name: Invalid input: expected string, received number'],
    [{ type: 'system' }, 'id: Invalid input: expected string, received undefined'],
  ])('an actor %j: %s', (value, expected) => {
    expect(refusal(actorSchema, value)).toBe(expected);
  });

  it('names the first refused field of a ledger input, and its default source', () => {
    expect(refusal(spendInput, { ...ok, amount: 0, reason: '' })).toBe('reason: must not be empty');
    expect(refusal(spendInput, { ...ok, amount: 2.5 })).toBe('amount: must be a whole number of credits');
    expect(refusal(spendInput, { ...ok, source: { type: 'stripe', ref: 'r'.repeat(201) } })).toBe(
      'source.ref: Too big: expected string to have <=200 characters',
    );
    expect(refusal(grantInput, { ...ok, amount: 1_000_001, source: { type: 'stripe' } })).toBe(
      'amount: must be at most 1000000',
    );
    expect(parseInput(spendInput, ok)).toEqual({ ...ok, source: { type: 'system' } });
  });
});

import { describe, expect, it } from 'vitest';
import type { IndexSpec } from '../../../src/domain/ports/store.port.js';
import { Table, indexKey } from '../../../src/store/memory/table.js';

type Doc = Record<string, unknown> & { _id: string };

const PAIR: IndexSpec = { name: 'pair_unique', keys: { a: 1, b: 1 }, unique: true };
const SPARSE_PAIR: IndexSpec = { name: 'sparse_pair', keys: { a: 1, b: 1 }, unique: true, sparse: true };
const TRIPLE: IndexSpec = { name: 'triple', keys: { a: 1, b: 1, c: -1 } };
const SINGLE: IndexSpec = { name: 'single', keys: { a: 1 } };
const PARTIAL: IndexSpec = { name: 'partial', keys: { b: 1 }, partialFilterExpression: { c: { $exists: true } } };
const SPECS = [PAIR, SPARSE_PAIR, TRIPLE, SINGLE, PARTIAL];

/**
 * Values whose key parts differ only by type or by the characters the index keys use themselves:
 * a string and a number, null and a missing field, strings holding the mark or NUL.
 */
const VALUES: unknown[] = [
  undefined,
  null,
  '',
  'x',
  '1',
  1,
  true,
  'true',
  new Date(1),
  '\u0001',
  '\u0001n',
  '\u0001s:x',
  'n',
  's:x',
  'x\u0000s:y',
  'y',
];

/** Deterministic pseudo-random numbers, so a failure replays. */
function numbers(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function randomDoc(id: string, next: () => number): Doc {
  const doc: Doc = { _id: id };
  for (const f of ['a', 'b', 'c']) {
    const v = VALUES[Math.floor(next() * VALUES.length)];
    if (v !== undefined) doc[f] = v;
  }
  return doc;
}

/** The ids an index must hold under a key, found without the index: by each document's `indexKey`. */
const scanned = (table: Table, spec: IndexSpec, key: string): string[] =>
  [...table.docs.values()].filter((d) => indexKey(d, spec) === key).map((d) => d._id);

describe('memory engine compound indexes', () => {
  it('hold exactly the documents each key part names, by type, through puts, adds and removes', () => {
    const next = numbers(7);
    const table = new Table(SPECS);
    for (let step = 0; step < 3000; step += 1) {
      const id = `d${Math.floor(next() * 60)}`;
      const roll = next();
      if (roll < 0.2) table.remove(id);
      else if (roll < 0.4 && !table.docs.has(id)) table.add(randomDoc(id, next));
      else table.put(randomDoc(id, next));
      if (step % 100 !== 0) continue;
      for (const spec of SPECS) {
        // Every document's key, and one no document holds, looked up through the index.
        const probes = [...table.docs.values(), { _id: '', a: 'never', b: 'held' }];
        for (const probe of probes) {
          const key = indexKey(probe, spec);
          if (key === null) continue;
          expect([...table.idsHolding(spec.name, probe)].sort(), `${spec.name} ${JSON.stringify(key)}`).toEqual(
            scanned(table, spec, key).sort(),
          );
        }
      }
    }
  });

  it('finds a filter on every field of a compound index through it, values compared by type', () => {
    const table = new Table([PAIR, TRIPLE]);
    table.put({ _id: 'one', a: 'x', b: 1, c: 'z' });
    table.put({ _id: 'text', a: 'x', b: '1', c: 'z' });
    table.put({ _id: 'other', a: 'y', b: 1, c: 'z' });
    expect([...table.candidates({ a: 'x', b: 1 })]).toEqual(['one']);
    expect([...table.candidates({ a: 'x', b: '1' })]).toEqual(['text']);
    expect([...table.candidates({ a: 'x', b: 2 })]).toEqual([]);
    table.put({ _id: 'one', a: 'y', b: 1, c: 'z' }); // moves to the key of 'other'
    expect([...table.candidates({ a: 'x', b: 1 })]).toEqual([]);
    expect([...table.candidates({ a: 'y', b: 1 })].sort()).toEqual(['one', 'other']);
  });

  it('insertNew refuses a taken pair, takes either part alone, and leaves out sparse documents', () => {
    const table = new Table([PAIR, SPARSE_PAIR]);
    expect(table.insertNew({ _id: '1', a: 'acct1', b: 'k' })).toBeNull();
    expect(table.insertNew({ _id: '2', a: 'acct2', b: 'k' })).toBeNull();
    expect(table.insertNew({ _id: '3', a: 'acct1', b: 'k2' })).toBeNull();
    expect(table.insertNew({ _id: '4', a: 'acct1', b: 'k' })).toBe('pair_unique');
    // Types differ, so keys differ: a number and the string of its digits, null and a mark.
    expect(table.insertNew({ _id: '5', a: 1, b: 'k' })).toBeNull();
    expect(table.insertNew({ _id: '6', a: '1', b: 'k' })).toBeNull();
    expect(table.insertNew({ _id: '7', a: null, b: 'k' })).toBeNull();
    expect(table.insertNew({ _id: '8', a: '\u0001n', b: 'k' })).toBeNull();
    // Without a or b, missing and null are the same key (as on MongoDB)…
    expect(table.insertNew({ _id: '9', b: 'k' })).toBe('pair_unique');
    // …which a sparse index does not hold when both fields are missing.
    const sparseOnly = new Table([SPARSE_PAIR]);
    expect(sparseOnly.insertNew({ _id: 'a' })).toBeNull();
    expect(sparseOnly.insertNew({ _id: 'b' })).toBeNull();
    expect(sparseOnly.insertNew({ _id: 'c', a: null })).toBeNull();
    expect(sparseOnly.insertNew({ _id: 'd', a: null })).toBe('sparse_pair');
    expect([...sparseOnly.docs.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('compares a committed pair field by field, even when a string holds NUL (a joined key would not)', () => {
    const table = new Table([PAIR]);
    // Joined with NUL, both pairs would read "s:a\0s:b\0s:c"; as MongoDB compares them, they differ.
    expect(table.insertNew({ _id: '1', a: 'a\u0000s:b', b: 'c' })).toBeNull();
    expect(table.insertNew({ _id: '2', a: 'a', b: 'b\u0000s:c' })).toBeNull();
    expect([...table.idsHolding(PAIR.name, { _id: '', a: 'a', b: 'b\u0000s:c' })]).toEqual(['2']);
    expect(table.insertNew({ _id: '3', a: 'a', b: 'b\u0000s:c' })).toBe('pair_unique');
  });
});

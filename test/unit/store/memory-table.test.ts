import { describe, expect, it } from 'vitest';
import { DuplicateKeyError } from '../../../src/domain/errors.js';
import type { IndexSpec } from '../../../src/domain/ports/store.port.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { Table } from '../../../src/store/memory/table.js';

type Doc = Record<string, unknown> & { _id: string };

const BY_KIND: IndexSpec = { name: 'kind', keys: { kind: 1 } };
const EMAIL: IndexSpec = { name: 'email_unique', keys: { email: 1 }, unique: true };
const HANDLE: IndexSpec = { name: 'handle_unique', keys: { handle: 1 }, unique: true, sparse: true };

const ids = (table: Table, spec: IndexSpec, doc: Record<string, unknown>): string[] =>
  [...table.idsHolding(spec.name, { _id: '', ...doc })].sort();

/** The memory engine's indexes, which keep one id per key until a second document shares it. */
describe('memory engine table indexes', () => {
  it('finds every document holding a key as documents come, change key and go', () => {
    const table = new Table([BY_KIND, EMAIL]);
    const doc = (id: string, kind: string): Doc => ({ _id: id, kind, email: `${id}@example.com` });
    table.put(doc('a', 'x'));
    expect(ids(table, BY_KIND, { kind: 'x' })).toEqual(['a']);
    table.put(doc('b', 'x'));
    table.put(doc('c', 'x'));
    expect(ids(table, BY_KIND, { kind: 'x' })).toEqual(['a', 'b', 'c']);
    table.put(doc('b', 'y')); // moves to another key
    expect(ids(table, BY_KIND, { kind: 'x' })).toEqual(['a', 'c']);
    expect(ids(table, BY_KIND, { kind: 'y' })).toEqual(['b']);
    table.put(doc('b', 'y')); // a write that keeps the key changes nothing
    expect(ids(table, BY_KIND, { kind: 'y' })).toEqual(['b']);
    table.remove('a');
    table.remove('c');
    expect(ids(table, BY_KIND, { kind: 'x' })).toEqual([]);
    table.put(doc('a', 'x'));
    expect(ids(table, BY_KIND, { kind: 'x' })).toEqual(['a']);
    table.remove('b');
    expect(ids(table, BY_KIND, { kind: 'y' })).toEqual([]);
    expect([...table.candidates({ kind: 'x' })]).toEqual(['a']);
    expect([...table.candidates({ kind: 'y' })]).toEqual([]);
    expect(ids(table, EMAIL, { email: 'a@example.com' })).toEqual(['a']);
    expect(ids(table, EMAIL, { email: 'b@example.com' })).toEqual([]);
  });

  it('insertNew refuses a taken id or unique key and then changes nothing', () => {
    const table = new Table([BY_KIND, EMAIL, HANDLE]);
    expect(table.insertNew({ _id: 'a', kind: 'x', email: 'a@example.com' })).toBeNull();
    expect(table.insertNew({ _id: 'b', kind: 'x', email: 'b@example.com', handle: 'h' })).toBeNull();
    // Sparse: documents without the field are not held to uniqueness.
    expect(table.insertNew({ _id: 'c', kind: 'x', email: 'c@example.com' })).toBeNull();
    expect(table.insertNew({ _id: 'a', kind: 'z', email: 'new@example.com' })).toBe('_id_');
    expect(table.insertNew({ _id: 'd', kind: 'z', email: 'a@example.com' })).toBe('email_unique');
    expect(table.insertNew({ _id: 'e', kind: 'z', email: 'e@example.com', handle: 'h' })).toBe('handle_unique');
    expect([...table.docs.keys()]).toEqual(['a', 'b', 'c']);
    expect(ids(table, BY_KIND, { kind: 'z' })).toEqual([]);
    expect(ids(table, BY_KIND, { kind: 'x' })).toEqual(['a', 'b', 'c']);
    expect(ids(table, EMAIL, { email: 'e@example.com' })).toEqual([]);
  });

  it('a restore refusing a duplicate names the index and the key that clashed', async () => {
    const store = new MemoryStore();
    const staging = await store.beginRestore();
    await staging.prepare('accounts', [EMAIL]);
    const refused = staging.insert('accounts', [
      { _id: 'one', email: 'same@example.com' },
      { _id: 'two', email: 'same@example.com' },
    ]);
    await expect(refused).rejects.toBeInstanceOf(DuplicateKeyError);
    await expect(refused).rejects.toMatchObject({
      index: 'email_unique',
      details: { key: { email: 'same@example.com' } },
    });
    await expect(staging.insert('accounts', [{ _id: 'one', email: 'other@example.com' }])).rejects.toMatchObject({
      index: '_id_',
      details: { key: { _id: 'one' } },
    });
  });

  it('a commit leaves every live index holding exactly the keys of the committed documents', async () => {
    const store = new MemoryStore();
    const accounts = store.collection('accounts');
    const account = (id: string, email: string) =>
      ({
        _id: id,
        email,
        balance: 0,
        reserved: 0,
        status: 'active',
        createdAt: new Date(0),
        updatedAt: new Date(0),
      }) as const;
    await accounts.insertOne(account('a', 'first@example.com'));
    await store.transaction(async (tx) => {
      const inTx = tx.collection('accounts');
      await inTx.deleteOne({ _id: 'a' });
      await inTx.insertOne(account('a', 'second@example.com')); // the same id again: not a new document
      await inTx.insertOne(account('b', 'b-before@example.com'));
      await inTx.updateOne({ _id: 'b' }, { $set: { email: 'b-after@example.com' } });
      await inTx.insertOne(account('c', 'c@example.com'));
      await inTx.deleteOne({ _id: 'c' });
      await inTx.insertOne(account('d', 'd@example.com'));
    });
    const table = store.table('accounts');
    for (const { spec, map, live } of table.indexes.values()) {
      if (!live) continue;
      const rebuilt = new Table([spec]);
      for (const doc of table.docs.values()) rebuilt.put(doc);
      const entries = (m: Map<string, unknown>) =>
        [...m].map(([k, v]) => [k, typeof v === 'string' ? [v] : [...(v as Set<string>)].sort()]).sort();
      expect(entries(map), spec.name).toEqual(entries(rebuilt.indexes.get(spec.name)!.map));
    }
    expect([...table.docs.keys()]).toEqual(['a', 'b', 'd']);
  });

  it('holds a document to a partial unique index as a change of another field moves it in and out', async () => {
    const store = new MemoryStore();
    const staging = await store.beginRestore();
    const FROZEN_EMAIL: IndexSpec = {
      name: 'frozen_email_unique',
      keys: { email: 1 },
      unique: true,
      partialFilterExpression: { status: { $eq: 'frozen' } },
    };
    await staging.prepare('accounts', [FROZEN_EMAIL]);
    await staging.seal();
    await staging.swap('accounts');
    const accounts = store.collection('accounts');
    const account = (id: string, status: 'active' | 'frozen') =>
      ({
        _id: id,
        email: 'same@example.com',
        balance: 0,
        reserved: 0,
        status,
        createdAt: new Date(0),
        updatedAt: new Date(0),
      }) as const;
    await accounts.insertOne(account('a', 'frozen'));
    await accounts.insertOne(account('b', 'active')); // outside the index: no clash
    // Its key field unchanged, `b` enters the index through its status, and clashes with `a`.
    await expect(accounts.updateOne({ _id: 'b' }, { $set: { status: 'frozen' } })).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
    // `a` leaves the index the same way, in a transaction that then moves `b` in: no clash.
    await store.transaction(async (tx) => {
      await tx.collection('accounts').updateOne({ _id: 'a' }, { $set: { status: 'active' } });
      await tx.collection('accounts').updateOne({ _id: 'b' }, { $set: { status: 'frozen' } });
    });
    expect([
      ...store
        .table('accounts')
        .idsHolding(FROZEN_EMAIL.name, { _id: '', email: 'same@example.com', status: 'frozen' }),
    ]).toEqual(['b']);
    await expect(accounts.updateOne({ _id: 'a' }, { $set: { status: 'frozen' } })).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
  });
});

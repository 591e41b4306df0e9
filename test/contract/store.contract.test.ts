import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateKeyError } from '../../src/domain/errors.js';
import type { LedgerEntryDoc } from '../../src/domain/ports/documents.js';
import { ascendingPage, newestFirstPage } from '../../src/domain/page.repository.js';
import type { Page } from '../../src/domain/pagination.js';
import { InjectedFault } from '../../src/store/faults.js';
import { storeAdapters, type TestStore } from './adapters.js';
import { T0, account, entry } from './documents.js';

const at = (ms: number) => new Date(T0.getTime() + ms);

for (const adapter of storeAdapters('store contract suite')) {
  describe.skipIf(adapter.skip)(`Store contract (${adapter.name})`, () => {
    let store: TestStore;
    beforeEach(async () => {
      store = await adapter.create();
    });
    afterAll(() => adapter.shutdown());

    describe('documents', () => {
      it('returns an inserted document with its types intact', async () => {
        const doc = account(store, { email: 'types@example.com', balance: 7 });
        await store.collection('accounts').insertOne(doc);
        const back = await store.collection('accounts').findOne({ _id: doc._id });
        expect(back).toEqual(doc);
        expect(back?.createdAt).toBeInstanceOf(Date);
      });

      it('does not let a caller mutate stored data through a returned object', async () => {
        const doc = account(store);
        await store.collection('accounts').insertOne(doc);
        const a = await store.collection('accounts').findOne({ _id: doc._id });
        a!.balance = 999;
        doc.balance = 555;
        expect((await store.collection('accounts').findOne({ _id: doc._id }))?.balance).toBe(0);
      });

      it('stores nested objects, arrays and dates as copies and drops undefined fields at any depth', async () => {
        const doc = entry(store, {
          reservationId: undefined,
          source: { type: 'stripe', ref: undefined },
          actor: { type: 'support', id: 'agent', name: 'Agent' },
        });
        const tags = { list: ['a', { deep: 1 }], at: new Date(T0.getTime() + 1) };
        await store.collection('ledgerEntries').insertOne({ ...doc, reason: 'copies', tags } as LedgerEntryDoc);
        const back = (await store.collection('ledgerEntries').findOne({ _id: doc._id })) as unknown as Record<
          string,
          unknown
        >;
        expect(back).not.toHaveProperty('reservationId');
        expect(back.source).toEqual({ type: 'stripe' });
        expect(back.tags).toEqual({ list: ['a', { deep: 1 }], at: new Date(T0.getTime() + 1) });
        // Neither the inserted objects nor a returned one reach the stored document.
        doc.actor.id = 'changed';
        (tags.list[1] as { deep: number }).deep = 2;
        tags.at.setTime(0);
        ((back.tags as typeof tags).list[1] as { deep: number }).deep = 3;
        expect(await store.collection('ledgerEntries').findOne({ _id: doc._id })).toMatchObject({
          actor: { id: 'agent' },
          tags: { list: ['a', { deep: 1 }], at: new Date(T0.getTime() + 1) },
        });
      });

      it('filters on nested fields and with $gt/$lt/$in/$ne/$exists/$regex/$or', async () => {
        const c = store.collection('ledgerEntries');
        await c.insertMany([
          entry(store, { amount: 5, source: { type: 'stripe', ref: 'cs_1' } }),
          entry(store, { amount: -2, source: { type: 'support' }, reason: 'Refund ABC' }),
          entry(store, { amount: 10, source: { type: 'stripe', ref: 'cs_2' }, reservationId: 'r1' }),
        ]);
        expect(await c.count({ 'source.type': 'stripe' })).toBe(2);
        expect(await c.count({ amount: { $gt: 0, $lt: 10 } })).toBe(1);
        expect(await c.count({ amount: { $in: [-2, 10] } })).toBe(2);
        expect(await c.count({ amount: { $ne: 5 } })).toBe(2);
        expect(await c.count({ reservationId: { $exists: true } })).toBe(1);
        expect(await c.count({ reason: { $regex: '^Refund' } })).toBe(1);
        expect(await c.count({ $or: [{ amount: 5 }, { 'source.ref': 'cs_2' }] })).toBe(2);
      });

      it('sorts on several keys, skips and limits', async () => {
        const c = store.collection('ledgerEntries');
        await c.insertMany([
          entry(store, { _id: 'a', amount: 1, createdAt: at(2) }),
          entry(store, { _id: 'b', amount: 2, createdAt: at(1) }),
          entry(store, { _id: 'c', amount: 3, createdAt: at(2) }),
          entry(store, { _id: 'd', amount: 4, createdAt: at(3) }),
        ]);
        const ids = (await c.find({}, { sort: { createdAt: -1, _id: 1 } })).map((d) => d._id);
        expect(ids).toEqual(['d', 'a', 'c', 'b']);
        const page = (await c.find({}, { sort: { amount: 1, _id: 1 }, skip: 1, limit: 2 })).map((d) => d._id);
        expect(page).toEqual(['b', 'c']);
      });

      it('deletes one or many and reports how many', async () => {
        const c = store.collection('ledgerEntries');
        await c.insertMany([entry(store, { amount: 1 }), entry(store, { amount: 1 }), entry(store, { amount: 2 })]);
        expect(await c.deleteOne({ amount: 2 })).toBe(true);
        expect(await c.deleteOne({ amount: 2 })).toBe(false);
        expect(await c.deleteMany({ amount: 1 })).toBe(2);
        expect(await c.count()).toBe(0);
      });

      it('sums a field grouped by another', async () => {
        const c = store.collection('ledgerEntries');
        await c.insertMany([
          entry(store, { accountId: 'x', amount: 5 }),
          entry(store, { accountId: 'x', amount: -2 }),
          entry(store, { accountId: 'y', amount: 7 }),
        ]);
        const sums = await c.sumBy('accountId', 'amount');
        expect(Object.fromEntries(sums)).toEqual({ x: 3, y: 7 });
        expect(Object.fromEntries(await c.sumBy('accountId', 'amount', { amount: { $gt: 0 } }))).toEqual({
          x: 5,
          y: 7,
        });
      });
    });

    describe('unique indexes', () => {
      it('refuses a second document with the same _id', async () => {
        const doc = account(store);
        await store.collection('accounts').insertOne(doc);
        await expect(
          store.collection('accounts').insertOne({ ...doc, email: 'other@example.com' }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
      });

      it('refuses a duplicate email and names the index', async () => {
        await store.collection('accounts').insertOne(account(store, { email: 'dup@example.com' }));
        const error = await store
          .collection('accounts')
          .insertOne(account(store, { email: 'dup@example.com' }))
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).index).toBe('email_unique');
        expect((error as DuplicateKeyError).code).toBe('CONFLICT');
      });

      it('lets many documents lack a sparse unique field but not share a value', async () => {
        const c = store.collection('accounts');
        await c.insertMany([account(store), account(store), account(store, { authSubject: 'sub-1' })]);
        await expect(c.insertOne(account(store, { authSubject: 'sub-1' }))).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await c.count()).toBe(3);
      });

      it('makes idempotency keys unique per account, not globally', async () => {
        const c = store.collection('ledgerEntries');
        await c.insertOne(entry(store, { accountId: 'a1', idempotencyKey: 'k' }));
        await c.insertOne(entry(store, { accountId: 'a2', idempotencyKey: 'k' }));
        await expect(c.insertOne(entry(store, { accountId: 'a1', idempotencyKey: 'k' }))).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
      });

      it('refuses an update that would make a unique value clash', async () => {
        const c = store.collection('accounts');
        const a = account(store, { email: 'one@example.com' });
        await c.insertMany([a, account(store, { email: 'two@example.com' })]);
        await expect(c.updateOne({ _id: a._id }, { $set: { email: 'two@example.com' } })).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        expect((await c.findOne({ _id: a._id }))?.email).toBe('one@example.com');
      });

      it('frees a unique value a document moves off and finds it by the new one', async () => {
        const c = store.collection('accounts');
        const a = account(store, { email: 'before@example.com', balance: 1 });
        await c.insertOne(a);
        await c.updateOne({ _id: a._id }, { $inc: { balance: 1 } });
        expect((await c.findOne({ email: 'before@example.com' }))?._id).toBe(a._id);
        await c.updateOne({ _id: a._id }, { $set: { email: 'after@example.com' } });
        expect((await c.findOne({ email: 'after@example.com' }))?._id).toBe(a._id);
        expect(await c.findOne({ email: 'before@example.com' })).toBeNull();
        const b = account(store, { email: 'before@example.com' });
        await c.insertOne(b);
        expect((await c.findOne({ email: 'before@example.com' }))?._id).toBe(b._id);
        await c.deleteOne({ _id: b._id });
        expect(await c.findOne({ email: 'before@example.com' })).toBeNull();
      });

      it('lets exactly one of many concurrent inserts of one idempotency key win', async () => {
        const c = store.collection('ledgerEntries');
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () => c.insertOne(entry(store, { accountId: 'race', idempotencyKey: 'same' }))),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof DuplicateKeyError)).toHaveLength(
          19,
        );
        expect(await c.count({ accountId: 'race' })).toBe(1);
      });
    });

    describe('updates', () => {
      it('returns the document after the update, or null when nothing matched', async () => {
        const c = store.collection('accounts');
        const a = account(store, { balance: 3 });
        await c.insertOne(a);
        const after = await c.updateOne({ _id: a._id }, { $inc: { balance: 2 }, $set: { status: 'frozen' } });
        expect(after).toMatchObject({ _id: a._id, balance: 5, status: 'frozen' });
        expect(await c.updateOne({ _id: 'missing' }, { $inc: { balance: 1 } })).toBeNull();
      });

      it('applies a conditional update only when the condition holds', async () => {
        const c = store.collection('accounts');
        const a = account(store, { balance: 1 });
        await c.insertOne(a);
        expect(await c.updateOne({ _id: a._id, balance: { $gte: 2 } }, { $inc: { balance: -2 } })).toBeNull();
        expect((await c.updateOne({ _id: a._id, balance: { $gte: 1 } }, { $inc: { balance: -1 } }))?.balance).toBe(0);
      });

      it('sets and increments dotted paths inside a nested object, its other fields kept', async () => {
        const c = store.collection('ledgerEntries');
        const e = entry(store, { source: { type: 'stripe', ref: 'cs_1' } });
        await c.insertOne(e);
        const after = await c.updateOne(
          { _id: e._id },
          { $set: { 'source.ref': 'cs_2', 'actor.name': 'Ada' }, $inc: { amount: 2 } },
        );
        expect(after).toMatchObject({
          amount: 3,
          source: { type: 'stripe', ref: 'cs_2' },
          actor: { type: 'system', id: 'test', name: 'Ada' },
        });
        expect(await c.findOne({ _id: e._id })).toEqual(after);
      });

      it('removes fields with $unset', async () => {
        const c = store.collection('accounts');
        const a = account(store, { discordUserId: '42' });
        await c.insertOne(a);
        const after = await c.updateOne({ _id: a._id }, { $unset: { discordUserId: true } });
        expect(after && 'discordUserId' in after).toBe(false);
        expect(await c.count({ discordUserId: { $exists: true } })).toBe(0);
      });

      it('upserts with the filter fields and $setOnInsert, and only sets on insert once', async () => {
        const c = store.collection('jobLocks');
        const first = await c.updateOne(
          { _id: 'backup' },
          { $set: { holder: 'a', expiresAt: at(10) }, $setOnInsert: { acquiredAt: at(0) } },
          { upsert: true },
        );
        expect(first).toEqual({ _id: 'backup', holder: 'a', expiresAt: at(10), acquiredAt: at(0) });
        const second = await c.updateOne(
          { _id: 'backup' },
          { $set: { holder: 'b' }, $setOnInsert: { acquiredAt: at(5) } },
          { upsert: true },
        );
        expect(second).toMatchObject({ holder: 'b', acquiredAt: at(0) });
        expect(await c.count()).toBe(1);
      });

      it('gives an upserted document without _id in the filter a string id', async () => {
        const c = store.collection('webhookFailures');
        const doc = await c.updateOne(
          { eventId: 'evt_1' },
          {
            $inc: { attempts: 1 },
            $set: { error: 'boom', lastSeenAt: at(1) },
            $setOnInsert: { type: 't', firstSeenAt: at(1) },
          },
          { upsert: true },
        );
        expect(typeof doc?._id).toBe('string');
        expect(doc).toMatchObject({ eventId: 'evt_1', attempts: 1, type: 't' });
      });

      it('lets exactly N of many concurrent conditional decrements succeed', async () => {
        const c = store.collection('accounts');
        const a = account(store, { balance: 20 });
        await c.insertOne(a);
        const results = await Promise.all(
          Array.from({ length: 50 }, () =>
            c.updateOne({ _id: a._id, balance: { $gte: 1 } }, { $inc: { balance: -1 } }),
          ),
        );
        expect(results.filter((r) => r !== null)).toHaveLength(20);
        expect((await c.findOne({ _id: a._id }))?.balance).toBe(0);
      });
    });

    describe('transactions', () => {
      it('commits every write together and returns the callback result', async () => {
        const a = account(store);
        const result = await store.transaction(async (tx) => {
          await tx.collection('accounts').insertOne(a);
          await tx.collection('ledgerEntries').insertOne(entry(store, { accountId: a._id }));
          return 'done';
        });
        expect(result).toBe('done');
        expect(await store.collection('accounts').count({ _id: a._id })).toBe(1);
        expect(await store.collection('ledgerEntries').count({ accountId: a._id })).toBe(1);
      });

      it('rolls every write back when the callback throws', async () => {
        const a = account(store, { balance: 5 });
        await store.collection('accounts').insertOne(a);
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('accounts').updateOne({ _id: a._id }, { $inc: { balance: 10 } });
            await tx.collection('ledgerEntries').insertOne(entry(store, { accountId: a._id }));
            throw new Error('changed my mind');
          }),
        ).rejects.toThrow('changed my mind');
        expect((await store.collection('accounts').findOne({ _id: a._id }))?.balance).toBe(5);
        expect(await store.collection('ledgerEntries').count({ accountId: a._id })).toBe(0);
      });

      it('keeps its writes invisible to others until it commits', async () => {
        const a = account(store);
        let seenOutside: unknown = 'not read';
        await store.transaction(async (tx) => {
          await tx.collection('accounts').insertOne(a);
          seenOutside = await store.collection('accounts').findOne({ _id: a._id });
          expect(await tx.collection('accounts').findOne({ _id: a._id })).toMatchObject({ _id: a._id });
        });
        expect(seenOutside).toBeNull();
        expect(await store.collection('accounts').findOne({ _id: a._id })).toMatchObject({ _id: a._id });
      });

      it('sees its own updates in later reads', async () => {
        const a = account(store, { balance: 1 });
        await store.collection('accounts').insertOne(a);
        await store.transaction(async (tx) => {
          await tx.collection('accounts').updateOne({ _id: a._id }, { $inc: { balance: 4 } });
          expect((await tx.collection('accounts').findOne({ _id: a._id }))?.balance).toBe(5);
          expect(await tx.collection('accounts').count({ balance: 5 })).toBe(1);
        });
      });

      it('finds a document it changed to match an indexed equality, and not by the value it left', async () => {
        const a = account(store, { email: 'before@example.com' });
        await store.collection('accounts').insertOne(a);
        await store.transaction(async (tx) => {
          const accounts = tx.collection('accounts');
          await accounts.updateOne({ _id: a._id }, { $set: { email: 'after@example.com', discordUserId: 'd-1' } });
          expect(await accounts.findOne({ email: 'after@example.com' })).toMatchObject({ _id: a._id });
          expect(await accounts.findOne({ discordUserId: 'd-1' })).toMatchObject({ _id: a._id });
          expect(await accounts.findOne({ email: 'before@example.com' })).toBeNull();
        });
      });

      it('aborts the whole transaction on a duplicate key', async () => {
        const a = account(store, { email: 'taken@example.com' });
        await store.collection('accounts').insertOne(a);
        const other = account(store);
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('accounts').insertOne(other);
            await tx.collection('accounts').insertOne(account(store, { email: 'taken@example.com' }));
          }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await store.collection('accounts').count({ _id: other._id })).toBe(0);
      });

      it('holds a unique value to a document it updated in the same transaction', async () => {
        const a = account(store, { email: 'kept@example.com', balance: 1 });
        await store.collection('accounts').insertOne(a);
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('accounts').updateOne({ _id: a._id }, { $inc: { balance: 1 } });
            await tx.collection('accounts').insertOne(account(store, { email: 'kept@example.com' }));
          }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        expect((await store.collection('accounts').findOne({ _id: a._id }))?.balance).toBe(1);
        await store.transaction(async (tx) => {
          await tx.collection('accounts').updateOne({ _id: a._id }, { $set: { email: 'moved@example.com' } });
          await tx.collection('accounts').insertOne(account(store, { email: 'kept@example.com' }));
        });
        expect(await store.collection('accounts').count({ email: 'kept@example.com' })).toBe(1);
      });

      it('commits a document it deleted and inserted again, or inserted and then changed, with exact unique keys', async () => {
        const a = account(store, { email: 'first@example.com' });
        await store.collection('accounts').insertOne(a);
        const b = account(store, { email: 'b-before@example.com' });
        const c = account(store, { email: 'c@example.com' });
        await store.transaction(async (tx) => {
          const accounts = tx.collection('accounts');
          await accounts.deleteOne({ _id: a._id });
          await accounts.insertOne({ ...a, email: 'second@example.com', balance: 3 });
          await accounts.insertOne(b);
          await accounts.updateOne({ _id: b._id }, { $set: { email: 'b-after@example.com' } });
          await accounts.insertOne(c);
          await accounts.deleteOne({ _id: c._id });
        });
        const accounts = store.collection('accounts');
        expect(await accounts.findOne({ _id: a._id })).toMatchObject({ email: 'second@example.com', balance: 3 });
        expect(await accounts.findOne({ email: 'second@example.com' })).toMatchObject({ _id: a._id });
        expect(await accounts.findOne({ email: 'b-after@example.com' })).toMatchObject({ _id: b._id });
        expect(await accounts.count({ _id: c._id })).toBe(0);
        // The keys the documents left are free again; the ones they hold are not.
        for (const email of ['first@example.com', 'b-before@example.com', 'c@example.com'])
          await accounts.insertOne(account(store, { email }));
        await expect(accounts.insertOne(account(store, { email: 'second@example.com' }))).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
        await expect(accounts.insertOne(account(store, { email: 'b-after@example.com' }))).rejects.toBeInstanceOf(
          DuplicateKeyError,
        );
      });

      it('holds a key its first write of a collection took against its later writes there', async () => {
        const x = entry(store, { accountId: 'a1', idempotencyKey: 'k' });
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('ledgerEntries').insertOne(x);
            await tx.collection('ledgerEntries').insertOne(entry(store, { accountId: 'a1', idempotencyKey: 'k' }));
          }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await store.collection('ledgerEntries').count({ _id: x._id })).toBe(0);
        const a = account(store, { email: 'held@example.com' });
        await store.collection('accounts').insertOne(a);
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('accounts').updateOne({ _id: a._id }, { $set: { email: 'taken@example.com' } });
            await tx.collection('accounts').insertOne(account(store, { email: 'taken@example.com' }));
          }),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        expect((await store.collection('accounts').findOne({ _id: a._id }))?.email).toBe('held@example.com');
      });

      it('frees a key its first write of a collection took and then left, for its later writes there', async () => {
        const x = entry(store, { accountId: 'a1', idempotencyKey: 'first' });
        const y = entry(store, { accountId: 'a1', idempotencyKey: 'first' });
        await store.transaction(async (tx) => {
          const entries = tx.collection('ledgerEntries');
          await entries.insertOne(x);
          await entries.updateOne({ _id: x._id }, { $set: { idempotencyKey: 'moved' } });
          await entries.insertOne(y);
        });
        const entries = store.collection('ledgerEntries');
        expect(await entries.findOne({ accountId: 'a1', idempotencyKey: 'first' })).toMatchObject({ _id: y._id });
        expect(await entries.findOne({ accountId: 'a1', idempotencyKey: 'moved' })).toMatchObject({ _id: x._id });
        await expect(
          entries.insertOne(entry(store, { accountId: 'a1', idempotencyKey: 'moved' })),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
      });

      it('rolls back when an injected fault fails the Nth write', async () => {
        const a = account(store, { balance: 5 });
        await store.collection('accounts').insertOne(a);
        store.faults.failWrite({ nth: 2 });
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('accounts').updateOne({ _id: a._id }, { $inc: { balance: -5 } });
            await tx.collection('ledgerEntries').insertOne(entry(store, { accountId: a._id }));
          }),
        ).rejects.toBeInstanceOf(InjectedFault);
        expect((await store.collection('accounts').findOne({ _id: a._id }))?.balance).toBe(5);
        expect(await store.collection('ledgerEntries').count({ accountId: a._id })).toBe(0);
        expect(store.faults.pending).toBe(0);
      });

      it('serialises concurrent read-check-write transactions (no lost update, no overdraft)', async () => {
        const a = account(store, { balance: 15 });
        await store.collection('accounts').insertOne(a);
        const spendOne = () =>
          store.transaction(async (tx) => {
            const cur = await tx.collection('accounts').findOne({ _id: a._id });
            if (!cur || cur.balance < 1) return false;
            const next = await tx
              .collection('accounts')
              .updateOne({ _id: a._id, balance: cur.balance }, { $set: { balance: cur.balance - 1 } });
            if (!next) throw new Error('lost race');
            await tx.collection('ledgerEntries').insertOne(entry(store, { accountId: a._id, amount: -1 }));
            return true;
          });
        const results = await Promise.allSettled(Array.from({ length: 30 }, spendOne));
        const won = results.filter((r) => r.status === 'fulfilled' && r.value === true).length;
        const final = await store.collection('accounts').findOne({ _id: a._id });
        expect(won).toBe(15);
        expect(final?.balance).toBe(0);
        expect(await store.collection('ledgerEntries').count({ accountId: a._id })).toBe(15);
      });

      it('keeps working after an aborted transaction', async () => {
        await expect(store.transaction(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
        const a = account(store);
        await store.transaction((tx) => tx.collection('accounts').insertOne(a));
        expect(await store.collection('accounts').count({ _id: a._id })).toBe(1);
      });
    });

    describe('pagination', () => {
      it('pages newest first, every document exactly once, ties broken by id', async () => {
        const c = store.collection('ledgerEntries');
        const docs = Array.from({ length: 57 }, (_, i) =>
          entry(store, { accountId: 'p', createdAt: at(Math.floor(i / 3)) }),
        );
        await c.insertMany(docs);
        const seen: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page: Page<LedgerEntryDoc> = await newestFirstPage(c, { accountId: 'p' }, { first: 10, after });
          seen.push(...page.items.map((d) => d._id));
          if (!page.hasNextPage) break;
          after = page.endCursor;
        }
        const expected = [...docs]
          .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (x._id < y._id ? 1 : -1))
          .map((d) => d._id);
        expect(seen).toEqual(expected);
      });

      it('stays exact when newer documents arrive between pages', async () => {
        const c = store.collection('ledgerEntries');
        const old = Array.from({ length: 30 }, (_, i) => entry(store, { accountId: 'q', createdAt: at(i) }));
        await c.insertMany(old);
        const first = await newestFirstPage(c, { accountId: 'q' }, { first: 10 });
        await c.insertMany(
          Array.from({ length: 5 }, (_, i) => entry(store, { accountId: 'q', createdAt: at(100 + i) })),
        );
        const second = await newestFirstPage(c, { accountId: 'q' }, { first: 10, after: first.endCursor });
        const third = await newestFirstPage(c, { accountId: 'q' }, { first: 10, after: second.endCursor });
        const ids = [...first.items, ...second.items, ...third.items].map((d) => d._id);
        expect(ids).toEqual([...old].reverse().map((d) => d._id));
        expect(third.hasNextPage).toBe(false);
      });

      it('pages ascending on a unique field with a prefix filter', async () => {
        const c = store.collection('accounts');
        const emails = ['ann@x.io', 'anna@x.io', 'anne@x.io', 'bob@x.io', 'an.dy@x.io'];
        await c.insertMany(emails.map((email) => account(store, { email })));
        const p1 = await ascendingPage(c, { email: { $regex: '^an' } }, 'email', { first: 2 });
        const p2 = await ascendingPage(c, { email: { $regex: '^an' } }, 'email', { first: 2, after: p1.endCursor });
        expect([...p1.items, ...p2.items].map((a) => a.email)).toEqual([
          'an.dy@x.io',
          'ann@x.io',
          'anna@x.io',
          'anne@x.io',
        ]);
        expect(p2.hasNextPage).toBe(false);
      });
    });
  });
}

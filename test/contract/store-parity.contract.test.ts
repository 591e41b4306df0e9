/**
 * Behaviours where the reference engine used to be more forgiving than MongoDB (or MongoDB quietly
 * did something else): each one is pinned here so both adapters agree.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateKeyError, TransactionOutcomeUnknownError } from '../../src/domain/errors.js';
import type { Filter } from '../../src/domain/ports/store.port.js';
import { StoreUsageError, TransactionAbortedError } from '../../src/store/port-rules.js';
import { storeAdapters, type TestStore } from './adapters.js';
import { T0, account, entry } from './documents.js';

for (const adapter of storeAdapters('store parity contract suite')) {
  describe.skipIf(adapter.skip)(`Store parity (${adapter.name})`, () => {
    let store: TestStore;
    beforeEach(async () => {
      store = await adapter.create();
    });
    afterAll(() => adapter.shutdown());

    describe('a failed operation ends the transaction', () => {
      it('refuses every later operation even when the callback caught the error', async () => {
        const taken = account(store, { email: 'taken@example.com' });
        await store.collection('accounts').insertOne(taken);
        const first = account(store);
        let later: unknown;
        const outcome = store.transaction(async (tx) => {
          await tx.collection('accounts').insertOne(first);
          await tx
            .collection('accounts')
            .insertOne(account(store, { email: 'taken@example.com' }))
            .catch(() => undefined);
          later = await tx
            .collection('accounts')
            .findOne({ _id: first._id })
            .catch((e: unknown) => e);
          throw later;
        });
        await expect(outcome).rejects.toBeInstanceOf(TransactionAbortedError);
        expect(later).toBeInstanceOf(TransactionAbortedError);
        expect(((later as Error).cause as Error) ?? null).toBeInstanceOf(DuplicateKeyError);
        expect(await store.collection('accounts').count({ _id: first._id })).toBe(0);
      });

      it('does not commit a callback that swallowed a failed operation', async () => {
        const a = account(store, { balance: 5 });
        await store.collection('accounts').insertOne(a);
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('accounts').updateOne({ _id: a._id }, { $inc: { balance: 1 } });
            await tx
              .collection('accounts')
              .insertOne(a)
              .catch(() => undefined);
            return 'looks fine';
          }),
        ).rejects.toBeInstanceOf(TransactionAbortedError);
        expect((await store.collection('accounts').findOne({ _id: a._id }))?.balance).toBe(5);
      });

      it('ends it on a refused call too (a filter the port does not accept)', async () => {
        const a = account(store);
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('accounts').insertOne(a);
            await tx
              .collection('accounts')
              .find({ email: undefined })
              .catch(() => undefined);
            await tx.collection('accounts').count();
          }),
        ).rejects.toBeInstanceOf(TransactionAbortedError);
        expect(await store.collection('accounts').count({ _id: a._id })).toBe(0);
      });
    });

    describe('one transaction at a time per call chain', () => {
      it('refuses a write through store.collection() inside a transaction and keeps nothing of either', async () => {
        const inside = account(store);
        const outside = account(store);
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('accounts').insertOne(inside);
            await store.collection('accounts').insertOne(outside);
          }),
        ).rejects.toThrow(/use tx.collection/);
        expect(await store.collection('accounts').count({ _id: { $in: [inside._id, outside._id] } })).toBe(0);
      });

      it('refuses a nested store.transaction()', async () => {
        const a = account(store);
        await expect(
          store.transaction(async (tx) => {
            await tx.collection('accounts').insertOne(a);
            await store.transaction(async (inner) => inner.collection('accounts').count());
          }),
        ).rejects.toThrow(/nested transaction/);
        expect(await store.collection('accounts').count({ _id: a._id })).toBe(0);
      });
    });

    describe('a commit whose acknowledgement is lost', () => {
      it('fails with TransactionOutcomeUnknownError whether or not the commit was applied', async () => {
        const applied = account(store);
        store.faults.failCommit({ applied: true });
        const e1 = await store
          .transaction((tx) => tx.collection('accounts').insertOne(applied))
          .catch((e: unknown) => e);
        expect(e1).toBeInstanceOf(TransactionOutcomeUnknownError);
        expect((e1 as Error).message).toMatch(/outcome unknown, safe to retry/);
        expect(await store.collection('accounts').count({ _id: applied._id })).toBe(1);

        const lost = account(store);
        store.faults.failCommit({ applied: false });
        const e2 = await store.transaction((tx) => tx.collection('accounts').insertOne(lost)).catch((e: unknown) => e);
        expect(e2).toBeInstanceOf(TransactionOutcomeUnknownError);
        expect(await store.collection('accounts').count({ _id: lost._id })).toBe(0);
      });
    });

    describe('undefined never reaches MongoDB', () => {
      const undefinedFilters: Filter[] = [
        { email: undefined },
        { email: { $eq: undefined } },
        { email: { $in: ['a@example.com', undefined] } },
        { $or: [{ email: 'a@example.com' }, { authSubject: undefined }] },
        { $and: [{ status: 'active' }, { email: undefined }] },
      ];

      it('refuses undefined anywhere in a filter, on every operation, and changes nothing', async () => {
        const c = store.collection('accounts');
        await c.insertMany([account(store), account(store)]);
        for (const filter of undefinedFilters) {
          await expect(c.find(filter)).rejects.toBeInstanceOf(StoreUsageError);
          await expect(c.findOne(filter)).rejects.toBeInstanceOf(StoreUsageError);
          await expect(c.count(filter)).rejects.toBeInstanceOf(StoreUsageError);
          await expect(c.updateOne(filter, { $set: { status: 'frozen' } })).rejects.toBeInstanceOf(StoreUsageError);
          await expect(c.deleteOne(filter)).rejects.toBeInstanceOf(StoreUsageError);
          await expect(c.deleteMany(filter)).rejects.toBeInstanceOf(StoreUsageError);
          await expect(c.sumBy('status', 'balance', filter)).rejects.toBeInstanceOf(StoreUsageError);
        }
        expect(await c.count({ status: 'active' })).toBe(2);
      });

      it('refuses undefined as an update value (MongoDB would skip the field silently)', async () => {
        const c = store.collection('accounts');
        const a = account(store, { discordUserId: '42' });
        await c.insertOne(a);
        await expect(c.updateOne({ _id: a._id }, { $set: { discordUserId: undefined } })).rejects.toBeInstanceOf(
          StoreUsageError,
        );
        expect((await c.findOne({ _id: a._id }))?.discordUserId).toBe('42');
      });

      it('refuses an empty $or or $and, as MongoDB does', async () => {
        await expect(store.collection('accounts').find({ $or: [] })).rejects.toBeInstanceOf(StoreUsageError);
        await expect(store.collection('accounts').count({ $and: [] })).rejects.toBeInstanceOf(StoreUsageError);
      });

      it('refuses operators the port does not promise', async () => {
        await expect(store.collection('accounts').find({ balance: { $where: 'x' } })).rejects.toBeInstanceOf(
          StoreUsageError,
        );
        await expect(store.collection('accounts').updateOne({}, { $push: { a: 1 } } as never)).rejects.toBeInstanceOf(
          StoreUsageError,
        );
      });
    });

    describe('upserts', () => {
      it("keeps the caller's $setOnInsert._id", async () => {
        const doc = await store
          .collection('webhookFailures')
          .updateOne(
            { eventId: 'evt_id' },
            { $set: { error: 'x', lastSeenAt: T0 }, $setOnInsert: { _id: 'chosen-id', firstSeenAt: T0 } },
            { upsert: true },
          );
        expect(doc?._id).toBe('chosen-id');
        expect(await store.collection('webhookFailures').count({ _id: 'chosen-id', eventId: 'evt_id' })).toBe(1);
      });

      it('seeds the inserted document from $eq and $and equality clauses, dotted paths nested', async () => {
        const doc = await store.collection('purchases').updateOne(
          {
            checkoutSessionId: { $eq: 'cs_seed' },
            $and: [{ accountId: 'acc_seed' }, { 'source.kind': 'seeded' }, { credits: { $gte: 0 } }],
          },
          { $set: { status: 'open' } },
          { upsert: true },
        );
        expect(typeof doc?._id).toBe('string');
        expect(doc).toMatchObject({ checkoutSessionId: 'cs_seed', accountId: 'acc_seed', source: { kind: 'seeded' } });
        expect(doc && 'credits' in doc).toBe(false);
        expect(await store.collection('purchases').count({ 'source.kind': 'seeded' })).toBe(1);
      });

      it('takes the _id of an $eq clause on _id', async () => {
        const doc = await store
          .collection('jobLocks')
          .updateOne({ _id: { $eq: 'lease-eq' } }, { $set: { holder: 'h', expiresAt: T0 } }, { upsert: true });
        expect(doc?._id).toBe('lease-eq');
      });
    });

    describe('conflicting update operators', () => {
      it('refuses two operators on one path, or on a path and its prefix, whether or not it inserts', async () => {
        const c = store.collection('accounts');
        const a = account(store, { balance: 3 });
        await c.insertOne(a);
        await expect(c.updateOne({ _id: a._id }, { $set: { balance: 1 }, $inc: { balance: 1 } })).rejects.toThrow(
          /would create a conflict/,
        );
        await expect(
          c.updateOne({ _id: a._id }, { $set: { balance: 1 }, $setOnInsert: { balance: 0 } }, { upsert: true }),
        ).rejects.toThrow(/would create a conflict/);
        await expect(
          store
            .collection('ledgerEntries')
            .updateOne({ _id: 'x' }, { $set: { source: { type: 'system' } }, $unset: { 'source.ref': true } }),
        ).rejects.toThrow(/would create a conflict/);
        expect((await c.findOne({ _id: a._id }))?.balance).toBe(3);
      });

      it('refuses a path inside one another operator sets, either way round, but not a mere common prefix', async () => {
        const entries = store.collection('ledgerEntries');
        const e = entry(store, { source: { type: 'system', ref: 'r' } });
        await entries.insertOne(e);
        await expect(
          entries.updateOne({ _id: e._id }, { $set: { 'source.ref': 'x' }, $unset: { source: true } }),
        ).rejects.toThrow("Updating the path 'source' would create a conflict at 'source.ref'");
        const accounts = store.collection('accounts');
        const a = account(store, { balance: 3, reserved: 1 });
        await accounts.insertOne(a);
        // `balance` is no prefix path of `balanceX`: both apply.
        const after = await accounts.updateOne({ _id: a._id }, {
          $set: { balanceX: 7 },
          $inc: { balance: 1 },
        } as never);
        expect(after).toMatchObject({ balance: 4, balanceX: 7, reserved: 1 });
      });
    });

    describe('sumBy', () => {
      it('sums documents that lack the group field under the key "null"', async () => {
        const c = store.collection('ledgerEntries');
        await c.insertMany([
          entry(store, { accountId: 'g', amount: 2, reservationId: 'r1' }),
          entry(store, { accountId: 'g', amount: 3 }),
          entry(store, { accountId: 'g', amount: 4 }),
        ]);
        const sums = await c.sumBy('reservationId', 'amount', { accountId: 'g' });
        expect(Object.fromEntries(sums)).toEqual({ r1: 2, null: 7 });
      });
    });

    describe('insertMany', () => {
      it('outside a transaction keeps the documents before a duplicate and names its key', async () => {
        const c = store.collection('accounts');
        await c.insertOne(account(store, { email: 'dup@example.com' }));
        const before = account(store);
        const dup = account(store, { email: 'dup@example.com' });
        const after = account(store);
        const error = await c.insertMany([before, dup, after]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).index).toBe('email_unique');
        expect((error as DuplicateKeyError).details.key).toEqual({ email: 'dup@example.com' });
        expect(await c.count({ _id: before._id })).toBe(1);
        expect(await c.count({ _id: { $in: [dup._id, after._id] } })).toBe(0);
      });

      it('inside a transaction inserts none of them', async () => {
        const c = store.collection('accounts');
        await c.insertOne(account(store, { email: 'dup2@example.com' }));
        const before = account(store);
        await expect(
          store.transaction((tx) =>
            tx.collection('accounts').insertMany([before, account(store, { email: 'dup2@example.com' })]),
          ),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        expect(await c.count({ _id: before._id })).toBe(0);
      });
    });

    describe('sorts', () => {
      it('refuses a sort that can tie unless it ends with _id or a unique field', async () => {
        const c = store.collection('ledgerEntries');
        await expect(c.find({}, { sort: { createdAt: -1 } })).rejects.toThrow(/can tie: end it with _id/);
        await expect(c.findOne({}, { sort: { amount: 1 } })).rejects.toBeInstanceOf(StoreUsageError);
        await expect(c.find({}, { sort: { createdAt: -1, _id: -1 } })).resolves.toEqual([]);
        await expect(store.collection('accounts').find({}, { sort: { email: 1 } })).resolves.toEqual([]);
        await expect(store.collection('accounts').find({}, { sort: { authSubject: 1 } })).rejects.toBeInstanceOf(
          StoreUsageError,
        );
      });
    });
  });
}

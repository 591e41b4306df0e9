import type { ClientSession, Collection, Document } from 'mongodb';
import type { CollectionName } from '../../domain/ports/documents.js';
import { INDEXES } from '../../domain/ports/indexes.js';
import type {
  BaseDoc,
  CollectionPort,
  DailySum,
  Filter,
  FindOptions,
  Sort,
  Update,
} from '../../domain/ports/store.port.js';
import type { WriteOp } from '../faults.js';
import {
  StoreUsageError,
  WRITE_OUTSIDE_TX,
  upsertSeed,
  validateFilter,
  validateSort,
  validateUpdate,
} from '../port-rules.js';
import { mapError } from './mongo-errors.js';
import type { MongoStore } from './mongo.store.js';
import type { TxAttempt } from './transaction.js';

export interface TxBinding {
  session: ClientSession;
  attempt: TxAttempt;
}

/**
 * One collection through the native driver, bound to a transaction (`tx`) or auto-committing.
 * Every call is checked against the port's rules first, so both adapters refuse the same calls.
 */
export class MongoCollection<T extends BaseDoc> implements CollectionPort<T> {
  constructor(
    private readonly store: MongoStore,
    private readonly name: string,
    private readonly tx: TxBinding | undefined,
  ) {}

  private get col(): Collection<Document> {
    return this.store.native(this.name);
  }

  private get session(): ClientSession | undefined {
    return this.tx?.session;
  }

  /** Inside a transaction, the first failed operation ends it (MongoDB has aborted it already). */
  private async op<R>(fn: () => Promise<R>): Promise<R> {
    this.tx?.attempt.assertUsable();
    try {
      return await fn();
    } catch (error) {
      const mapped = mapError(this.name, error);
      this.tx?.attempt.fail(mapped);
      throw mapped;
    }
  }

  /** `check` runs the port's rules first: a refused call is not a write (no injected fault fires). */
  private write<R>(op: WriteOp, check: () => void, fn: () => Promise<R>): Promise<R> {
    // Outside the open transaction such a write would commit on its own and survive a rollback.
    if (!this.tx && this.store.activeTransaction()) return Promise.reject(new StoreUsageError(WRITE_OUTSIDE_TX));
    return this.op(async () => {
      check();
      this.store.faults.beforeWrite(this.name, op);
      return fn();
    });
  }

  private static readonly nothing = (): void => undefined;

  async insertOne(doc: T): Promise<void> {
    await this.write('insert', MongoCollection.nothing, () =>
      this.col.insertOne({ ...doc } as Document, { session: this.session }),
    );
  }

  /** Ordered: outside a transaction the documents before a duplicate stay (MongoDB's ordered insert). */
  async insertMany(docs: readonly T[]): Promise<void> {
    if (docs.length === 0) return;
    await this.write('insert', MongoCollection.nothing, () =>
      this.col.insertMany(
        docs.map((d) => ({ ...d }) as Document),
        { session: this.session, ordered: true },
      ),
    );
  }

  async findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<T | null> {
    return this.op(async () => {
      this.checkRead(filter, options.sort);
      return (await this.col.findOne(filter, { session: this.session, sort: options.sort })) as T | null;
    });
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return this.op(async () => {
      this.checkRead(filter, options.sort);
      let cursor = this.col.find(filter, { session: this.session });
      if (options.sort) cursor = cursor.sort(options.sort);
      if (options.skip) cursor = cursor.skip(options.skip);
      if (options.limit) cursor = cursor.limit(options.limit);
      return (await cursor.toArray()) as unknown as T[];
    });
  }

  private checkRead(filter: Filter, sort?: Sort): void {
    validateFilter(filter);
    validateSort(sort, INDEXES[this.name as CollectionName] ?? []);
  }

  async count(filter: Filter = {}): Promise<number> {
    return this.op(async () => {
      validateFilter(filter);
      return this.col.countDocuments(filter, { session: this.session });
    });
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<T | null> {
    const check = (): void => {
      validateFilter(filter);
      validateUpdate(update);
    };
    return this.write(options.upsert ? 'insert' : 'update', check, async () => {
      const doc = await this.col.findOneAndUpdate(filter, this.withUpsertId(filter, update, options) as Document, {
        session: this.session,
        upsert: options.upsert ?? false,
        returnDocument: 'after',
      });
      return doc as T | null;
    });
  }

  /**
   * Ids are strings here, so an upsert that would insert must not let MongoDB mint an ObjectId: it
   * gets a fresh string id unless the filter's equality clauses or the caller's $setOnInsert give one.
   */
  private withUpsertId(filter: Filter, update: Update, options: { upsert?: boolean }): Update {
    if (!options.upsert || upsertSeed(filter)._id !== undefined || update.$setOnInsert?._id !== undefined)
      return update;
    return { ...update, $setOnInsert: { ...update.$setOnInsert, _id: this.store.newId() } };
  }

  async deleteOne(filter: Filter): Promise<boolean> {
    const r = await this.write(
      'delete',
      () => validateFilter(filter),
      () => this.col.deleteOne(filter, { session: this.session }),
    );
    return r.deletedCount === 1;
  }

  async deleteMany(filter: Filter): Promise<number> {
    const r = await this.write(
      'delete',
      () => validateFilter(filter),
      () => this.col.deleteMany(filter, { session: this.session }),
    );
    return r.deletedCount;
  }

  async sumBy(groupField: string, valueField: string, filter: Filter = {}): Promise<Map<string, number>> {
    return this.op(async () => {
      validateFilter(filter);
      const rows = await this.col
        .aggregate<{ _id: unknown; total: number }>(
          [{ $match: filter }, { $group: { _id: `$${groupField}`, total: { $sum: `$${valueField}` } } }],
          { session: this.session },
        )
        .toArray();
      // A missing group field groups under null, on both adapters.
      return new Map(rows.map((r) => [String(r._id ?? null), r.total]));
    });
  }

  async sumByDay(dateField: string, groupField: string, valueField: string, filter: Filter = {}): Promise<DailySum[]> {
    return this.op(async () => {
      validateFilter(filter);
      const day = { $dateToString: { format: '%Y-%m-%d', date: `$${dateField}`, timezone: 'UTC' } };
      const rows = await this.col
        .aggregate<{ _id: { day: string | null; group: unknown }; total: number }>(
          [
            { $match: { $and: [filter, { [dateField]: { $type: 'date' } }] } },
            { $group: { _id: { day, group: `$${groupField}` }, total: { $sum: `$${valueField}` } } },
          ],
          { session: this.session },
        )
        .toArray();
      return rows
        .map((r) => ({ day: String(r._id.day), group: String(r._id.group ?? null), total: r.total }))
        .sort((a, b) => a.day.localeCompare(b.day) || a.group.localeCompare(b.group));
    });
  }
}

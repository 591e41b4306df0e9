import { ObjectId } from 'bson';
import mongoose, { type Connection } from 'mongoose';
import type { ClientSession, Collection, Document } from 'mongodb';
import { DuplicateKeyError } from '../../domain/errors.js';
import type {
  BackupSource,
  DrainReport,
  RawDocument,
  RestoreStaging,
  SnapshotReader,
} from '../../domain/ports/backup-source.port.js';
import type { CollectionName, Collections } from '../../domain/ports/documents.js';
import type {
  BaseDoc,
  CollectionPort,
  DailySum,
  Filter,
  FindOptions,
  Sort,
  Store,
  StoreTx,
  Update,
} from '../../domain/ports/store.port.js';
import { FaultInjector, type WriteOp } from '../faults.js';
import { drainMongoTransactions, readMongoSnapshot } from './mongo-backup.js';
import { MongoRestore, mergeMongoDocuments } from './mongo-restore.js';
import { ensureCollectionsAndIndexes, registerModels } from './mongo.models.js';
import { runTransaction } from './transaction.js';

export interface MongoStoreOptions {
  uri: string;
  dbName?: string;
  serverSelectionTimeoutMS?: number;
  transactionTimeoutMs?: number;
}

export class TransactionsUnsupportedError extends Error {
  constructor(where: string) {
    super(
      `MongoDB at ${where} is a standalone server: multi-document transactions need a replica set ` +
        `or a sharded cluster. Start mongod with --replSet (then rs.initiate()) or use Atlas.`,
    );
    this.name = 'TransactionsUnsupportedError';
  }
}

/** Transactions need a replica set member (`setName`) or a mongos (`msg: 'isdbgrid'`). */
export function assertTransactionsSupported(hello: { setName?: unknown; msg?: unknown }, where: string): void {
  if (!hello.setName && hello.msg !== 'isdbgrid') throw new TransactionsUnsupportedError(where);
}

/** Hides user:password in a connection string for logs. */
/** For logs: no credentials, and no query string (it can carry TLS key passwords or session tokens). */
export const redactUri = (uri: string): string => uri.replace(/\/\/[^@/]*@/, '//***@').replace(/\?.*$/, '');

/**
 * The production adapter: mongoose for the connection, models and indexes; the native driver for
 * the operations themselves, every transactional one bound to the session.
 */
export class MongoStore implements Store, BackupSource {
  readonly kind = 'mongo' as const;
  readonly faults = new FaultInjector();

  private constructor(
    readonly conn: Connection,
    readonly description: string,
    private readonly transactionTimeoutMs: number,
  ) {}

  static async connect(options: MongoStoreOptions): Promise<MongoStore> {
    const conn = mongoose.createConnection(options.uri, {
      dbName: options.dbName,
      ignoreUndefined: true,
      // A timeout in the URI wins; otherwise fail start-up after 10 s rather than the driver's 30 s.
      ...(/serverSelectionTimeoutMS=/i.test(options.uri)
        ? {}
        : { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 10_000 }),
      writeConcern: { w: 'majority' },
    });
    try {
      await conn.asPromise();
      assertTransactionsSupported(await conn.db!.admin().command({ hello: 1 }), redactUri(options.uri));
      await ensureCollectionsAndIndexes(registerModels(conn));
    } catch (error) {
      await conn.close().catch(() => undefined);
      throw error;
    }
    const where = `${redactUri(options.uri)} (database ${conn.db!.databaseName})`;
    return new MongoStore(conn, `MongoDB ${where}`, options.transactionTimeoutMs ?? 60_000);
  }

  native(name: string): Collection<Document> {
    return this.conn.db!.collection(name);
  }

  collection<N extends CollectionName>(name: N): CollectionPort<Collections[N]> {
    return new MongoCollection<Collections[N]>(this, name, undefined);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const session = this.conn.getClient().startSession();
    try {
      const tx: StoreTx = {
        collection: <N extends CollectionName>(name: N) => new MongoCollection<Collections[N]>(this, name, session),
      };
      return await runTransaction(session, () => fn(tx), { timeoutMs: this.transactionTimeoutMs });
    } finally {
      await session.endSession();
    }
  }

  newId(): string {
    return new ObjectId().toHexString();
  }

  readSnapshot<T>(fn: (reader: SnapshotReader) => Promise<T>): Promise<T> {
    return readMongoSnapshot(this.conn.getClient(), this.conn.db!, fn);
  }

  async beginRestore(): Promise<RestoreStaging> {
    return MongoRestore.begin(this.conn.db!);
  }

  async resumeRestore(token: string): Promise<RestoreStaging> {
    return MongoRestore.resume(this.conn.db!, token);
  }

  mergeDocuments(collection: string, docs: readonly RawDocument[]): Promise<number> {
    return mergeMongoDocuments(this.conn.db!, collection, docs);
  }

  drainTransactions(since: Date, signal?: AbortSignal): Promise<DrainReport> {
    return drainMongoTransactions(this.conn.getClient(), this.conn.db!, since, signal);
  }

  async ping(): Promise<void> {
    await this.conn.db!.admin().command({ ping: 1 });
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}

/** Maps MongoDB's duplicate-key error (11000) to the one domain error both adapters raise. */
function mapError(collection: string, error: unknown): unknown {
  const e = error as { code?: number; errmsg?: string; message?: string; keyValue?: Record<string, unknown> };
  if (e?.code !== 11000) return error;
  const index = /index: (\S+) dup key/.exec(e.errmsg ?? e.message ?? '')?.[1] ?? 'unknown';
  return new DuplicateKeyError(collection, index, e.keyValue ?? {});
}

class MongoCollection<T extends BaseDoc> implements CollectionPort<T> {
  constructor(
    private readonly store: MongoStore,
    private readonly name: string,
    private readonly session: ClientSession | undefined,
  ) {}

  private get col(): Collection<Document> {
    return this.store.native(this.name);
  }

  private async write<R>(op: WriteOp, fn: () => Promise<R>): Promise<R> {
    this.store.faults.beforeWrite(this.name, op);
    try {
      return await fn();
    } catch (error) {
      throw mapError(this.name, error);
    }
  }

  async insertOne(doc: T): Promise<void> {
    await this.write('insert', () => this.col.insertOne(doc as Document, { session: this.session }));
  }

  async insertMany(docs: readonly T[]): Promise<void> {
    if (docs.length === 0) return;
    await this.write('insert', () =>
      this.col.insertMany(
        docs.map((d) => ({ ...d }) as Document),
        { session: this.session, ordered: true },
      ),
    );
  }

  async findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<T | null> {
    return (await this.col.findOne(filter, { session: this.session, sort: options.sort })) as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    let cursor = this.col.find(filter, { session: this.session });
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return (await cursor.toArray()) as unknown as T[];
  }

  async count(filter: Filter = {}): Promise<number> {
    return this.col.countDocuments(filter, { session: this.session });
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<T | null> {
    const withId: Update =
      options.upsert && typeof filter._id !== 'string'
        ? { ...update, $setOnInsert: { ...update.$setOnInsert, _id: this.store.newId() } }
        : update;
    return this.write(options.upsert ? 'insert' : 'update', async () => {
      const doc = await this.col.findOneAndUpdate(filter, withId as Document, {
        session: this.session,
        upsert: options.upsert ?? false,
        returnDocument: 'after',
      });
      return doc as T | null;
    });
  }

  async deleteOne(filter: Filter): Promise<boolean> {
    const r = await this.write('delete', () => this.col.deleteOne(filter, { session: this.session }));
    return r.deletedCount === 1;
  }

  async deleteMany(filter: Filter): Promise<number> {
    const r = await this.write('delete', () => this.col.deleteMany(filter, { session: this.session }));
    return r.deletedCount;
  }

  async sumBy(groupField: string, valueField: string, filter: Filter = {}): Promise<Map<string, number>> {
    const rows = await this.col
      .aggregate<{ _id: unknown; total: number }>(
        [{ $match: filter }, { $group: { _id: `$${groupField}`, total: { $sum: `$${valueField}` } } }],
        { session: this.session },
      )
      .toArray();
    return new Map(rows.map((r) => [String(r._id), r.total]));
  }

  async sumByDay(dateField: string, groupField: string, valueField: string, filter: Filter = {}): Promise<DailySum[]> {
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
      .map((r) => ({ day: String(r._id.day), group: String(r._id.group), total: r.total }))
      .sort((a, b) => a.day.localeCompare(b.day) || a.group.localeCompare(b.group));
  }
}

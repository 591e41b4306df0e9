import mongoose, { type ConnectOptions, type Connection } from 'mongoose';
import type { Collection, Document } from 'mongodb';
import type {
  BackupSource,
  DrainReport,
  RawDocument,
  RestoreStaging,
  SnapshotReader,
} from '../../domain/ports/backup-source.port.js';
import type { CollectionName, Collections } from '../../domain/ports/documents.js';
import type { CollectionPort, Store, StoreTx } from '../../domain/ports/store.port.js';
import { FaultInjector } from '../faults.js';
import { newObjectIdHex } from '../object-id.js';
import { NESTED_TRANSACTION, StoreUsageError } from '../port-rules.js';
import { TxContext } from '../tx-context.js';
import { drainMongoTransactions, readMongoSnapshot } from './mongo-backup.js';
import { MongoRestore, mergeMongoDocuments } from './mongo-restore.js';
import { MongoCollection } from './mongo.collection.js';
import { ensureCollectionsAndIndexes, registerModels } from './mongo.models.js';
import { TRANSACTION_RETRY_DEADLINE_MS, runTransaction, transactionOptions, type TxAttempt } from './transaction.js';

export interface MongoStoreOptions {
  uri: string;
  dbName?: string;
  /** Identifies this service in the server's logs, currentOp and Atlas metrics. */
  appName?: string;
  /** Bound of each stage: server selection, connecting, waiting for a pooled connection (10 s). */
  timeoutMs?: number;
  /** How long a majority write waits for its acknowledgement (`wtimeoutMS`, 10 s). */
  writeTimeoutMs?: number;
  /** Retry deadline of a transaction (120 s, as the drivers' `withTransaction`). */
  transactionTimeoutMs?: number;
}

const inUri = (uri: string, option: string): boolean => new RegExp(`[?&]${option}=`, 'i').test(uri);

/**
 * The client options. The driver (7.8) made `timeoutMS` a no-op — before that it could
 * desynchronise the pool after a timeout and hand one caller another's reply — so a URI carrying
 * it is refused and each stage gets its own bound instead; an option in the URI otherwise wins.
 */
export function mongoConnectOptions(options: MongoStoreOptions): ConnectOptions {
  if (inUri(options.uri, 'timeoutMS'))
    throw new Error(
      'MONGODB_URI sets timeoutMS, which the MongoDB driver ignores since 7.8 (and which was unsafe before): ' +
        'remove it; MONGODB_TIMEOUT_MS bounds server selection, connecting and pool waits instead',
    );
  const stage = options.timeoutMs ?? 10_000;
  const unlessInUri = (option: string, value: number | string): Record<string, number | string> =>
    inUri(options.uri, option) ? {} : { [option]: value };
  return {
    dbName: options.dbName,
    // Documents never carry undefined (the port refuses it in filters and updates).
    ignoreUndefined: true,
    ...unlessInUri('appName', options.appName ?? 'noi-credits'),
    ...unlessInUri('serverSelectionTimeoutMS', stage),
    ...unlessInUri('connectTimeoutMS', stage),
    ...unlessInUri('waitQueueTimeoutMS', stage),
    writeConcern: { w: 'majority', wtimeoutMS: options.writeTimeoutMs ?? 10_000 },
  };
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
  private readonly active = new TxContext<TxAttempt>();

  private constructor(
    readonly conn: Connection,
    readonly description: string,
    private readonly options: MongoStoreOptions,
  ) {}

  static async connect(options: MongoStoreOptions): Promise<MongoStore> {
    const conn = mongoose.createConnection(options.uri, mongoConnectOptions(options));
    try {
      await conn.asPromise();
      assertTransactionsSupported(await conn.db!.admin().command({ hello: 1 }), redactUri(options.uri));
      await ensureCollectionsAndIndexes(registerModels(conn));
    } catch (error) {
      await conn.close().catch(() => undefined);
      throw error;
    }
    const where = `${redactUri(options.uri)} (database ${conn.db!.databaseName})`;
    return new MongoStore(conn, `MongoDB ${where}`, options);
  }

  native(name: string): Collection<Document> {
    return this.conn.db!.collection(name);
  }

  collection<N extends CollectionName>(name: N): CollectionPort<Collections[N]> {
    return new MongoCollection<Collections[N]>(this, name, undefined);
  }

  /** The transaction the calling code runs in, if any (writes outside it are refused). */
  activeTransaction(): TxAttempt | undefined {
    return this.active.current();
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.active.current()) throw new StoreUsageError(NESTED_TRANSACTION);
    return this.active.scope(() => this.inSession(fn));
  }

  private async inSession<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const lostAck = this.faults.takeCommitFault();
    const session = this.conn.getClient().startSession();
    try {
      const result = await runTransaction(
        session,
        (attempt) => {
          const tx: StoreTx = {
            collection: <N extends CollectionName>(name: N) =>
              new MongoCollection<Collections[N]>(this, name, { session, attempt }),
          };
          return this.active.run(attempt, async () => {
            const r = await fn(tx);
            if (lostAck && !lostAck.applied) throw lostAck.error(); // aborts: nothing applied
            return r;
          });
        },
        {
          timeoutMs: this.options.transactionTimeoutMs ?? TRANSACTION_RETRY_DEADLINE_MS,
          options: transactionOptions(this.options.writeTimeoutMs ?? 10_000),
        },
      );
      if (lostAck) throw lostAck.error();
      return result;
    } finally {
      await session.endSession();
    }
  }

  newId(): string {
    return newObjectIdHex();
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

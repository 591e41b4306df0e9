import { randomBytes } from 'node:crypto';
import type { ClientSession, Db, Document, MongoClient } from 'mongodb';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { RawDocument, RestoreStaging, SnapshotReader } from '../../domain/ports/backup-source.port.js';
import type { IndexSpec } from '../../domain/ports/store.port.js';

/** Staging collections of a restore in progress; never listed, backed up or read by the service. */
export const STAGING_PREFIX = '__restore_';

/** Longs stay Longs (promoteLongs would turn them into numbers and lose their type in the backup). */
const RAW_READ = { promoteLongs: false } as const;

/** Duplicate keys in staging are a bad backup, reported as the same domain error as any write. */
function mapDuplicate(collection: string, error: unknown): unknown {
  const e = error as { code?: number; errmsg?: string; message?: string; keyValue?: Record<string, unknown> };
  if (e?.code !== 11000) return error;
  const index = /index: (\S+) dup key/.exec(e.errmsg ?? e.message ?? '')?.[1] ?? 'unknown';
  return new DuplicateKeyError(collection, index, e.keyValue ?? {});
}

const toIndexSpec = (ix: Document): IndexSpec => ({
  name: String(ix.name),
  keys: ix.key as IndexSpec['keys'],
  ...(ix.unique ? { unique: true } : {}),
  ...(ix.sparse ? { sparse: true } : {}),
});

export async function listIndexes(db: Db, collection: string): Promise<IndexSpec[]> {
  const all = await db
    .collection(collection)
    .listIndexes()
    .toArray()
    .catch((e: { codeName?: string }) => {
      if (e.codeName === 'NamespaceNotFound') return [] as Document[];
      throw e;
    });
  return all.filter((ix) => ix.name !== '_id_').map(toIndexSpec);
}

/**
 * Runs `fn` on a snapshot session: every read in it sees the data as of the session's first read
 * (MongoDB ≥ 5.0 keeps that history for `minSnapshotHistoryWindowInSeconds`, 300 s by default, which
 * bounds how long a backup may take).
 */
export async function readMongoSnapshot<T>(
  client: MongoClient,
  db: Db,
  fn: (reader: SnapshotReader) => Promise<T>,
): Promise<T> {
  const session = client.startSession({ snapshot: true });
  try {
    const reader: SnapshotReader = {
      engine: 'mongo',
      database: db.databaseName,
      collections: async () => {
        const all = await db.listCollections({ type: 'collection' }, { nameOnly: true }).toArray();
        return all.map((c) => c.name).filter((n) => !n.startsWith('system.') && !n.startsWith(STAGING_PREFIX));
      },
      indexes: (name) => listIndexes(db, name),
      count: (name) => db.collection(name).countDocuments({}, { session }),
      documents: (name, batchSize) => mongoBatches(db, name, batchSize, session),
    };
    return await fn(reader);
  } finally {
    await session.endSession();
  }
}

async function* mongoBatches(
  db: Db,
  name: string,
  batchSize: number,
  session: ClientSession,
): AsyncGenerator<RawDocument[]> {
  const cursor = db.collection(name).find({}, { session, batchSize, ...RAW_READ });
  let batch: RawDocument[] = [];
  try {
    for await (const doc of cursor) {
      batch.push(doc);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await cursor.close();
  }
}

/**
 * Restore through staging collections: documents are loaded into `__restore_<token>_<name>`, indexes
 * are built there (a duplicate fails here, before anything live changes), and only then is each
 * staging collection renamed over its live one with `dropTarget`. Renames are metadata operations,
 * so the window in which some collections are new and others old is milliseconds long.
 */
export class MongoRestore implements RestoreStaging {
  private readonly token = randomBytes(4).toString('hex');
  private readonly staged = new Map<string, { staging: string; indexes: readonly IndexSpec[] }>();

  constructor(private readonly db: Db) {}

  /** Leftovers of a restore that crashed; a restore running elsewhere at the same time would lose them. */
  static async dropStale(db: Db): Promise<void> {
    const all = await db.listCollections({}, { nameOnly: true }).toArray();
    for (const c of all) if (c.name.startsWith(STAGING_PREFIX)) await db.dropCollection(c.name).catch(() => undefined);
  }

  async prepare(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    const staging = `${STAGING_PREFIX}${this.token}_${collection}`;
    await this.db.dropCollection(staging).catch(() => undefined);
    await this.db.createCollection(staging);
    this.staged.set(collection, { staging, indexes });
  }

  async insert(collection: string, docs: readonly RawDocument[]): Promise<void> {
    const target = this.staged.get(collection);
    if (!target) throw new Error(`restore: prepare(${collection}) was not called`);
    if (docs.length === 0) return;
    await this.db
      .collection(target.staging)
      .insertMany(docs as Document[], { ordered: true })
      .catch((e: unknown) => {
        throw mapDuplicate(collection, e);
      });
  }

  async commit(): Promise<void> {
    for (const [collection, { staging, indexes }] of this.staged) {
      if (indexes.length === 0) continue;
      const specs = indexes.map((ix) => ({
        key: ix.keys,
        name: ix.name,
        unique: ix.unique ?? false,
        sparse: ix.sparse ?? false,
      }));
      await this.db
        .collection(staging)
        .createIndexes(specs)
        .catch((e: unknown) => {
          throw mapDuplicate(collection, e);
        });
    }
    for (const [collection, { staging }] of this.staged)
      await this.db.renameCollection(staging, collection, { dropTarget: true });
    this.staged.clear();
  }

  async abort(): Promise<void> {
    for (const { staging } of this.staged.values()) await this.db.dropCollection(staging).catch(() => undefined);
    this.staged.clear();
  }
}

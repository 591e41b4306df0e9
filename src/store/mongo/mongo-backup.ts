import type { ClientSession, Db, Document, MongoClient } from 'mongodb';
import { DomainError } from '../../domain/errors.js';
import type { DrainReport, RawDocument, SnapshotReader } from '../../domain/ports/backup-source.port.js';
import type { IndexSpec } from '../../domain/ports/store.port.js';
import { toIndexSpec } from './index-options.js';
import { STAGING_PREFIX } from './mongo-restore.js';

/** Longs stay Longs (promoteLongs would turn them into numbers and lose their type in the backup). */
const RAW_READ = { promoteLongs: false } as const;

/** MongoDB's defaults, used when the server will not tell (getParameter needs a privilege Atlas may deny). */
export const DEFAULT_SNAPSHOT_WINDOW_SECONDS = 300;
export const DEFAULT_TRANSACTION_LIFETIME_SECONDS = 60;

/** A server parameter, or `fallback` when this user may not read it. */
export async function serverParameter(db: Db, name: string, fallback: number): Promise<number> {
  try {
    const r = await db.admin().command({ getParameter: 1, [name]: 1 });
    return typeof r[name] === 'number' ? r[name] : fallback;
  } catch {
    return fallback;
  }
}

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

/** SnapshotTooOld (239): the read outlived the history the server keeps. Said in an operator's words. */
function snapshotError(error: unknown, windowSeconds: number): unknown {
  const e = error as { code?: number; codeName?: string };
  if (e?.code !== 239 && e?.codeName !== 'SnapshotTooOld') return error;
  return new DomainError(
    'CONFIGURATION',
    `the backup outlasted MongoDB's snapshot history (minSnapshotHistoryWindowInSeconds = ${windowSeconds} s): ` +
      'raise that server parameter, or back up this database with mongodump --oplog from a secondary',
    { windowSeconds },
  );
}

/**
 * Runs `fn` on a snapshot session: every read in it sees the data as of the session's first read.
 * MongoDB keeps that history only `minSnapshotHistoryWindowInSeconds` (300 s by default), read here
 * so the backup can stop with a clear message before it would outlast it.
 */
export async function readMongoSnapshot<T>(
  client: MongoClient,
  db: Db,
  fn: (reader: SnapshotReader) => Promise<T>,
): Promise<T> {
  const windowSeconds = await serverParameter(db, 'minSnapshotHistoryWindowInSeconds', DEFAULT_SNAPSHOT_WINDOW_SECONDS);
  const session = client.startSession({ snapshot: true });
  try {
    const reader: SnapshotReader = {
      engine: 'mongo',
      database: db.databaseName,
      windowSeconds,
      collections: async () => {
        const all = await db.listCollections({ type: 'collection' }, { nameOnly: true }).toArray();
        return all.map((c) => c.name).filter((n) => !n.startsWith('system.') && !n.startsWith(STAGING_PREFIX));
      },
      indexes: (name) => listIndexes(db, name),
      count: (name) =>
        db
          .collection(name)
          .countDocuments({}, { session })
          .catch((e: unknown) => {
            throw snapshotError(e, windowSeconds);
          }),
      documents: (name, batchSize) => mongoBatches(db, name, batchSize, session, windowSeconds),
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
  windowSeconds: number,
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
  } catch (error) {
    throw snapshotError(error, windowSeconds);
  } finally {
    await cursor.close();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Server and application clocks may differ a little: treat transactions begun this soon after `since` as older. */
const CLOCK_SKEW_MS = 2_000;

/**
 * Waits until no transaction that began before `since` is open on the server. `$currentOp` with
 * `idleSessions` lists every open transaction with its `startWallClockTime`; a transaction begun
 * before maintenance may have read the switch as off, and may still commit, so the restore must not
 * swap collections under it. When this user may not run `$currentOp` (the `inprog` privilege), waits
 * the server's `transactionLifetimeLimitSeconds` instead: the server aborts any older transaction by then.
 */
export async function drainMongoTransactions(
  client: MongoClient,
  db: Db,
  since: Date,
  signal?: AbortSignal,
  pollMs = 200,
): Promise<DrainReport> {
  const started = Date.now();
  const lifetime = await serverParameter(db, 'transactionLifetimeLimitSeconds', DEFAULT_TRANSACTION_LIFETIME_SECONDS);
  // The server's reaper runs periodically, so give it a few seconds beyond the limit itself.
  const deadline = since.getTime() + (lifetime + 10) * 1000;
  const cutoff = since.getTime() + CLOCK_SKEW_MS;
  for (;;) {
    signal?.throwIfAborted();
    let older: number;
    try {
      older = await countOlderTransactions(client.db('admin'), cutoff);
    } catch {
      while (Date.now() < deadline) {
        signal?.throwIfAborted();
        await sleep(Math.min(1_000, deadline - Date.now()));
      }
      return { waitedMs: Date.now() - started, method: 'lifetime-limit' };
    }
    if (older === 0) return { waitedMs: Date.now() - started, method: 'observed' };
    if (Date.now() >= deadline) return { waitedMs: Date.now() - started, method: 'lifetime-limit' };
    await sleep(pollMs);
  }
}

async function countOlderTransactions(admin: Db, cutoff: number): Promise<number> {
  const ops = await admin
    .aggregate<{ transaction?: { startWallClockTime?: unknown; parameters?: { startWallClockTime?: unknown } } }>([
      { $currentOp: { allUsers: true, idleSessions: true } },
      { $match: { transaction: { $exists: true } } },
      { $project: { transaction: 1 } },
    ])
    .toArray();
  return ops.filter((op) => {
    const raw = op.transaction?.startWallClockTime ?? op.transaction?.parameters?.startWallClockTime;
    const at = raw instanceof Date ? raw.getTime() : typeof raw === 'string' ? Date.parse(raw) : NaN;
    // An open transaction whose start the server does not report is treated as older (waiting is safe).
    return Number.isNaN(at) || at < cutoff;
  }).length;
}

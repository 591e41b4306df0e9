import { randomBytes } from 'node:crypto';
import { MongoBulkWriteError, type Db, type Document } from 'mongodb';
import { DuplicateKeyError } from '../../domain/errors.js';
import type { RawDocument, RestoreStaging } from '../../domain/ports/backup-source.port.js';
import type { IndexSpec } from '../../domain/ports/store.port.js';
import { toIndexDescription } from './index-options.js';

/** Staging collections of a restore in progress; never listed, backed up or read by the service. */
export const STAGING_PREFIX = '__restore_';

/** Duplicate keys in staging are a bad backup, reported as the same domain error as any write. */
function mapDuplicate(collection: string, error: unknown): unknown {
  const e = error as { code?: number; errmsg?: string; message?: string; keyValue?: Record<string, unknown> };
  if (e?.code !== 11000) return error;
  const index = /index: (\S+) dup key/.exec(e.errmsg ?? e.message ?? '')?.[1] ?? 'unknown';
  return new DuplicateKeyError(collection, index, e.keyValue ?? {});
}

const isNamespaceMissing = (e: unknown): boolean =>
  (e as { codeName?: string })?.codeName === 'NamespaceNotFound' || (e as { code?: number })?.code === 26;

/**
 * Restore through staging collections `__restore_<token>_<name>`: documents are loaded there,
 * indexes built there (a duplicate fails before anything live changes), and each staging
 * collection is renamed over its live one with `dropTarget` — atomic per collection (an exclusive
 * lock on source and target for the rename, within one database). The service makes the set of
 * renames safe: it refuses writes (maintenance mode) and drains older transactions first, and
 * journals each rename so a crash between two renames is rolled forward at the next start.
 */
export class MongoRestore implements RestoreStaging {
  private readonly staged = new Map<string, readonly IndexSpec[]>();

  private constructor(
    private readonly db: Db,
    readonly token: string,
  ) {}

  static begin(db: Db): MongoRestore {
    return new MongoRestore(db, randomBytes(6).toString('hex'));
  }

  /** An interrupted restore: only `swap` and `abort` make sense (its journal says which). */
  static resume(db: Db, token: string): MongoRestore {
    if (!/^[0-9a-f]{12}$/.test(token)) throw new Error(`not a restore token: ${token}`);
    return new MongoRestore(db, token);
  }

  private stagingName(collection: string): string {
    return `${STAGING_PREFIX}${this.token}_${collection}`;
  }

  async prepare(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    const staging = this.stagingName(collection);
    await this.db.dropCollection(staging).catch(() => undefined);
    await this.db.createCollection(staging);
    this.staged.set(collection, indexes);
  }

  async insert(collection: string, docs: readonly RawDocument[]): Promise<void> {
    if (!this.staged.has(collection)) throw new Error(`restore: prepare(${collection}) was not called`);
    if (docs.length === 0) return;
    await this.db
      .collection(this.stagingName(collection))
      .insertMany(docs as Document[], { ordered: true })
      .catch((e: unknown) => {
        throw mapDuplicate(collection, e);
      });
  }

  async seal(): Promise<void> {
    for (const [collection, indexes] of this.staged) {
      if (indexes.length === 0) continue;
      await this.db
        .collection(this.stagingName(collection))
        .createIndexes(indexes.map(toIndexDescription))
        .catch((e: unknown) => {
          throw mapDuplicate(collection, e);
        });
    }
  }

  async swap(collection: string): Promise<'swapped' | 'already-swapped'> {
    try {
      await this.db.renameCollection(this.stagingName(collection), collection, { dropTarget: true });
      return 'swapped';
    } catch (error) {
      // The source is gone: an earlier attempt renamed it (its reply was lost, or we crashed after it).
      if (isNamespaceMissing(error)) return 'already-swapped';
      throw error;
    }
  }

  async abort(): Promise<void> {
    const prefix = `${STAGING_PREFIX}${this.token}_`;
    const all = await this.db.listCollections({}, { nameOnly: true }).toArray();
    for (const c of all) if (c.name.startsWith(prefix)) await this.db.dropCollection(c.name).catch(() => undefined);
    this.staged.clear();
  }
}

/**
 * Inserts the documents whose `_id` is not there yet; unordered, so every other document still goes
 * in when some are already present (those come back as duplicate-key write errors and are ignored).
 */
export async function mergeMongoDocuments(db: Db, collection: string, docs: readonly RawDocument[]): Promise<number> {
  if (docs.length === 0) return 0;
  try {
    const r = await db.collection(collection).insertMany(docs as Document[], { ordered: false });
    return r.insertedCount;
  } catch (error) {
    if (!(error instanceof MongoBulkWriteError)) throw error;
    const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    if (errors.some((e) => e.code !== 11000)) throw error;
    return error.insertedCount;
  }
}

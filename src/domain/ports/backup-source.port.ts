import { DomainError } from '../errors.js';
import type { IndexSpec, Store } from './store.port.js';

/**
 * A document as the database holds it, with its BSON types intact (ObjectId, Date, Decimal128,
 * Long…): backups must not flatten types, so this port never goes through the typed collections.
 */
export type RawDocument = Record<string, unknown>;

/** A document lent for reading only: the engine's own object, which nobody may change. */
export type ReadonlyDocument = Readonly<RawDocument>;

/** Whether a snapshot's documents are copies for the caller (the default) or only lent to read. */
export type ReadAccess = 'copy' | 'read-only';

/** Every collection of the database as of one point in time. */
export interface SnapshotReader {
  readonly engine: 'memory' | 'mongo';
  /** Database name as the engine reports it. */
  readonly database: string;
  /**
   * How long after its start this snapshot stays readable (MongoDB serves snapshot reads only
   * within `minSnapshotHistoryWindowInSeconds`); null when the engine keeps it as long as needed.
   */
  readonly windowSeconds: number | null;
  /** Collections that hold or may hold documents (never the adapter's own staging collections). */
  collections(): Promise<string[]>;
  /** Secondary indexes (not `_id_`), with every option that changes what they accept or delete. */
  indexes(collection: string): Promise<IndexSpec[]>;
  count(collection: string): Promise<number>;
  /**
   * Every document of the snapshot, in batches of at most `batchSize`; memory use is one batch. The
   * documents are the caller's, unless it asks for `'read-only'`: it only reads them (a backup
   * encodes them) and keeps none past its batch, and an engine that keeps documents as objects may
   * then lend its own instead of copying each one.
   */
  documents(collection: string, batchSize: number): AsyncIterable<RawDocument[]>;
  documents(collection: string, batchSize: number, access: ReadAccess): AsyncIterable<readonly ReadonlyDocument[]>;
}

/** Whether documents passed to a store are copied (the default) or handed over to it. */
export type Ownership = 'copy' | 'hand-over';

/**
 * A restore in progress: documents go into staging copies that nobody reads; `swap` puts one in
 * place of its live collection. Until the first swap (and after `abort`) live data is untouched.
 * Staging copies carry `token`, so an interrupted restore can be found again after a crash and two
 * restores never touch each other's copies.
 */
export interface RestoreStaging {
  readonly token: string;
  /** Starts an empty staging copy of `collection` that will carry `indexes`. */
  prepare(collection: string, indexes: readonly IndexSpec[]): Promise<void>;
  /**
   * Fails (DuplicateKeyError) when a unique index of the staging copy refuses a document. The staging
   * copy never shares an object with the caller, unless the caller passes `'hand-over'`: it gives the
   * documents up (decoded for this call, referenced nowhere else, never touched again), and an
   * engine that keeps documents as objects may then keep these instead of copying each one.
   */
  insert(collection: string, docs: readonly RawDocument[], ownership?: Ownership): Promise<void>;
  /** Builds the indexes of every staging copy: a duplicate fails here, before anything live changes. */
  seal(): Promise<void>;
  /**
   * Replaces the live `collection` by its staging copy, atomically for that collection. Idempotent:
   * when the copy is gone it was swapped already (a copy only disappears by swap or abort).
   */
  swap(collection: string): Promise<'swapped' | 'already-swapped'>;
  /** Drops every staging copy of this restore (never those of another restore). */
  abort(): Promise<void>;
}

/** What a Store adapter offers to backups: consistent reads and an all-or-nothing restore. */
export interface BackupSource {
  /** Runs `fn` with a reader that sees every collection at one point in time. */
  readSnapshot<T>(fn: (reader: SnapshotReader) => Promise<T>): Promise<T>;
  beginRestore(): Promise<RestoreStaging>;
  /** The staging of an interrupted restore, by its token (after a crash, to finish or drop it). */
  resumeRestore(token: string): Promise<RestoreStaging>;
  /**
   * Adds the documents whose `_id` the live collection lacks and leaves the others as they are:
   * how append-only collections (the audit log) come back from a backup without losing newer rows.
   * Returns how many were added. `ownership` as for `RestoreStaging.insert`.
   */
  mergeDocuments(collection: string, docs: readonly RawDocument[], ownership?: Ownership): Promise<number>;
  /**
   * Resolves once no transaction that began before `since` can still commit (they have committed,
   * aborted or been aborted by the server). Says how it knew, for the restore's log.
   */
  drainTransactions(since: Date, signal?: AbortSignal): Promise<DrainReport>;
}

export interface DrainReport {
  waitedMs: number;
  /** `observed`: no older transaction left on the server; `lifetime-limit`: waited the server's limit. */
  method: 'serialized' | 'observed' | 'lifetime-limit';
}

export const hasBackupSource = (store: Store): store is Store & BackupSource =>
  typeof (store as Partial<BackupSource>).readSnapshot === 'function' &&
  typeof (store as Partial<BackupSource>).beginRestore === 'function';

export function backupSourceOf(store: Store): BackupSource {
  if (!hasBackupSource(store))
    throw new DomainError('CONFIGURATION', `the ${store.kind} store adapter cannot take or restore backups`);
  return store;
}

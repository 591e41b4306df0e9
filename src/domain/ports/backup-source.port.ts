import { DomainError } from '../errors.js';
import type { IndexSpec, Store } from './store.port.js';

/**
 * A document as the database holds it, with its BSON types intact (ObjectId, Date, Decimal128,
 * Long…): backups must not flatten types, so this port never goes through the typed collections.
 */
export type RawDocument = Record<string, unknown>;

/** Every collection of the database as of one point in time. */
export interface SnapshotReader {
  readonly engine: 'memory' | 'mongo';
  /** Database name as the engine reports it. */
  readonly database: string;
  /** Collections that hold or may hold documents (never the adapter's own staging collections). */
  collections(): Promise<string[]>;
  /** Secondary indexes (not `_id_`). */
  indexes(collection: string): Promise<IndexSpec[]>;
  count(collection: string): Promise<number>;
  /** Every document of the snapshot, in batches of at most `batchSize`; memory use is one batch. */
  documents(collection: string, batchSize: number): AsyncIterable<RawDocument[]>;
}

/**
 * A restore in progress: documents go into staging copies that nobody reads, and only `commit`
 * puts them in place of the live collections. Until then (and after `abort`) live data is untouched.
 */
export interface RestoreStaging {
  /** Starts an empty staging copy of `collection` that will carry `indexes`. */
  prepare(collection: string, indexes: readonly IndexSpec[]): Promise<void>;
  /** Fails (DuplicateKeyError) when a unique index of the staging copy refuses a document. */
  insert(collection: string, docs: readonly RawDocument[]): Promise<void>;
  /** Builds the indexes, then swaps every staged collection in for the live one. */
  commit(): Promise<void>;
  /** Drops every staging copy. */
  abort(): Promise<void>;
}

/** What a Store adapter offers to backups: consistent reads and an all-or-nothing restore. */
export interface BackupSource {
  /** Runs `fn` with a reader that sees every collection at one point in time. */
  readSnapshot<T>(fn: (reader: SnapshotReader) => Promise<T>): Promise<T>;
  beginRestore(): Promise<RestoreStaging>;
}

export const hasBackupSource = (store: Store): store is Store & BackupSource =>
  typeof (store as Partial<BackupSource>).readSnapshot === 'function' &&
  typeof (store as Partial<BackupSource>).beginRestore === 'function';

export function backupSourceOf(store: Store): BackupSource {
  if (!hasBackupSource(store))
    throw new DomainError('CONFIGURATION', `the ${store.kind} store adapter cannot take or restore backups`);
  return store;
}

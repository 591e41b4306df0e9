import type { CollectionName, Collections } from './documents.js';

/**
 * The Store port: a small, MongoDB-shaped document API that both adapters implement with the same
 * semantics (checked by test/contract). Services never see mongoose; adapters never see rules.
 *
 * Filters support field equality (dotted paths), `$eq $ne $gt $gte $lt $lte $in $nin $exists $regex`
 * and top-level `$or` / `$and`. Updates support `$set $inc $unset $setOnInsert`.
 */
export type Filter = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;
export interface Update {
  $set?: Record<string, unknown>;
  $inc?: Record<string, number>;
  $unset?: Record<string, true>;
  $setOnInsert?: Record<string, unknown>;
}
export interface FindOptions {
  sort?: Sort;
  limit?: number;
  skip?: number;
}
export interface BaseDoc {
  _id: string;
}

export interface CollectionPort<T extends BaseDoc> {
  insertOne(doc: T): Promise<void>;
  insertMany(docs: readonly T[]): Promise<void>;
  findOne(filter: Filter, options?: { sort?: Sort }): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter?: Filter): Promise<number>;
  /**
   * Atomic conditional update of the first matching document. Returns the document as it is after
   * the update, or null when nothing matched (and `upsert` was not asked for).
   */
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<T | null>;
  deleteOne(filter: Filter): Promise<boolean>;
  deleteMany(filter: Filter): Promise<number>;
  /** Sum of `valueField` grouped by `groupField` (like `$group` + `$sum`). */
  sumBy(groupField: string, valueField: string, filter?: Filter): Promise<Map<string, number>>;
  /**
   * Sum of `valueField` per UTC calendar day of the Date field `dateField` and per value of
   * `groupField` (`$group` on `$dateToString` + the field), computed by the engine: the documents
   * themselves are never returned. Rows come ordered by day, then group.
   */
  sumByDay(dateField: string, groupField: string, valueField: string, filter?: Filter): Promise<DailySum[]>;
}

/** One row of `sumByDay`: `day` is `YYYY-MM-DD` (UTC). */
export interface DailySum {
  day: string;
  group: string;
  total: number;
}

/** What a transaction callback receives: the same collections, bound to the transaction. */
export interface StoreTx {
  collection<N extends CollectionName>(name: N): CollectionPort<Collections[N]>;
}

/** Where a repository reads and writes: the store itself, or a transaction of it. */
export type Db = StoreTx;

export interface Store {
  readonly kind: 'memory' | 'mongo';
  /** Human description for logs and /readyz (never contains credentials). */
  readonly description: string;
  /** Outside a transaction: every call is atomic on its own. */
  collection<N extends CollectionName>(name: N): CollectionPort<Collections[N]>;
  /**
   * Runs `fn` as one all-or-nothing transaction: nothing it writes is visible to anyone else before
   * it returns, and nothing of it remains if it throws. `fn` may run more than once (transient
   * conflicts are retried), so it must not have side effects outside the store.
   *
   * Isolation is MongoDB's snapshot isolation, not serializability: two transactions that read the
   * same documents and then write different ones both commit (write skew). The memory engine runs
   * transactions one at a time and would hide such a bug, so every service keeps this rule: **each
   * invariant is guarded by a write to the document that holds it** (a conditional update, or any
   * write to that same document: MongoDB aborts one of two transactions writing one document) **or
   * by a unique index**. A check that only reads — a document the transaction does not write, a
   * count, a sum — guards nothing. docs/ARCHITECTURE.md lists each invariant and its guard.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  newId(): string;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface IndexSpec {
  name: string;
  keys: Record<string, 1 | -1>;
  unique?: boolean;
  /** Documents lacking every indexed field are left out of the index (MongoDB `sparse`). */
  sparse?: boolean;
  /** Only documents matching this filter are indexed (and held to `unique`). */
  partialFilterExpression?: Record<string, unknown>;
  /** TTL: MongoDB deletes a document this many seconds after the date in the (single) indexed field. */
  expireAfterSeconds?: number;
  /** String comparison rules (MongoDB collation document); kept in backups, enforced by MongoDB only. */
  collation?: Record<string, unknown>;
}

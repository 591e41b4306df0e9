import { randomBytes } from 'node:crypto';
import { DuplicateKeyError } from '../../domain/errors.js';
import type {
  BackupSource,
  DrainReport,
  Ownership,
  RawDocument,
  RestoreStaging,
  SnapshotReader,
} from '../../domain/ports/backup-source.port.js';
import type { CollectionName, Collections } from '../../domain/ports/documents.js';
import { COLLECTION_NAMES, INDEXES } from '../../domain/ports/indexes.js';
import type { CollectionPort, Filter, IndexSpec, Store, StoreTx } from '../../domain/ports/store.port.js';
import { FaultInjector, type WriteOp } from '../faults.js';
import { NESTED_TRANSACTION, StoreUsageError, TransactionAbortedError, WRITE_OUTSIDE_TX } from '../port-rules.js';
import { getPath, matches } from '../query.js';
import { MemoryCollection } from './memory.collection.js';
import { MemoryRestore, asDoc, memorySnapshotReader, type FrozenTable } from './memory-backup.js';
import { newObjectIdHex } from '../object-id.js';
import { TxContext } from '../tx-context.js';
import { Mutex } from './mutex.js';
import { Table, indexKey, sameIndexFields, type TableIndex } from './table.js';

type Doc = Record<string, unknown> & { _id: string };

export interface MemoryStoreOptions {
  /** The TTL monitor's clock (default: the system's). */
  now?: () => Date;
  /** How often, at most, the TTL monitor deletes expired documents (MongoDB's runs every 60 s). */
  ttlEveryMs?: number;
}

/**
 * The reference engine. Transactions are serialisable because they run one at a time (a FIFO
 * mutex); each buffers its writes in an overlay that only `commit` applies, synchronously, so
 * nobody ever sees half of one. Unique indexes are checked at write time against committed data
 * plus the overlay, and a duplicate-key error aborts the transaction as it does on MongoDB.
 */
export class MemoryStore implements Store, BackupSource {
  readonly kind = 'memory' as const;
  readonly description = 'in-memory reference engine (data is not persisted)';
  readonly faults = new FaultInjector();
  private readonly tables = new Map<string, Table>();
  private readonly mutex = new Mutex();
  private readonly active = new TxContext<MemoryTx>();
  private readonly restores = new Map<string, MemoryRestore>();
  private closed = false;
  /** Like MongoDB's monitor, the first pass comes one interval after start. */
  private lastTtlPass: number;

  constructor(private readonly options: MemoryStoreOptions = {}) {
    this.lastTtlPass = (options.now?.() ?? new Date()).getTime();
  }

  table(name: string): Table {
    let t = this.tables.get(name);
    if (!t) {
      t = new Table(INDEXES[name as CollectionName] ?? []);
      this.tables.set(name, t);
    }
    return t;
  }

  /** Names of every collection that holds or has held documents. */
  collectionNames(): string[] {
    return [...this.tables.keys()];
  }

  indexSpecs(name: string): IndexSpec[] {
    return [...this.table(name).indexes.values()].map((i) => i.spec);
  }

  collection<N extends CollectionName>(name: N): CollectionPort<Collections[N]> {
    return new MemoryCollection<Collections[N]>(this, name, null);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.assertOpen();
    if (this.active.current()) throw new StoreUsageError(NESTED_TRANSACTION);
    return this.active.scope(() => this.mutex.run(() => this.runTransaction(fn)));
  }

  private async runTransaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.expireDocuments();
    const tx = new MemoryTx(this);
    try {
      const result = await this.active.run(tx, () => fn(tx));
      const lostAck = this.faults.takeCommitFault();
      if (lostAck && !lostAck.applied) throw lostAck.error();
      tx.commit();
      if (lostAck) throw lostAck.error();
      return result;
    } finally {
      tx.finish();
    }
  }

  /** Used by single writes outside a transaction: they take the same lock. */
  async autoCommit<T>(fn: (tx: MemoryTx) => Promise<T>): Promise<T> {
    if (this.active.current()) throw new StoreUsageError(WRITE_OUTSIDE_TX);
    return this.transaction((tx) => fn(tx as MemoryTx));
  }

  newId(): string {
    return newObjectIdHex();
  }

  /** Commits are synchronous, so one synchronous pass over the tables sees no half transaction. */
  async readSnapshot<T>(fn: (reader: SnapshotReader) => Promise<T>): Promise<T> {
    this.assertOpen();
    for (const name of COLLECTION_NAMES) this.table(name);
    const frozen = new Map<string, FrozenTable>();
    for (const [name, table] of this.tables)
      frozen.set(name, { docs: [...table.docs.values()], indexes: this.indexSpecs(name) });
    return fn(memorySnapshotReader(frozen));
  }

  async beginRestore(): Promise<RestoreStaging> {
    this.assertOpen();
    const restore = new MemoryRestore(randomBytes(6).toString('hex'), (name, table) =>
      this.mutex.run(async () => {
        this.tables.set(name, table);
      }),
    );
    this.restores.set(restore.token, restore);
    return restore;
  }

  /** Staging lives in this process: a restore interrupted by a crash left nothing to resume. */
  async resumeRestore(token: string): Promise<RestoreStaging> {
    const restore = this.restores.get(token);
    if (!restore) throw new Error(`no restore staging with token ${token} in this process`);
    return restore;
  }

  async mergeDocuments(collection: string, docs: readonly RawDocument[], ownership?: Ownership): Promise<number> {
    this.assertOpen();
    return this.mutex.run(async () => {
      const table = this.table(collection);
      let added = 0;
      for (const raw of docs) {
        if (table.insertNew(asDoc(collection, raw, ownership)) === null) added += 1;
      }
      return added;
    });
  }

  /** Transactions run one at a time in FIFO order: once the lock is ours, every earlier one has ended. */
  async drainTransactions(_since: Date): Promise<DrainReport> {
    const started = Date.now();
    await this.mutex.run(async () => undefined);
    return { waitedMs: Date.now() - started, method: 'serialized' };
  }

  /**
   * The TTL monitor: as on MongoDB, expired documents go in a pass of their own, between
   * transactions (here: at the start of one, under the lock), at most every `ttlEveryMs`.
   */
  private expireDocuments(): void {
    const now = (this.options.now?.() ?? new Date()).getTime();
    if (now - this.lastTtlPass < (this.options.ttlEveryMs ?? 60_000)) return;
    this.lastTtlPass = now;
    for (const table of this.tables.values()) for (const id of table.expired(now)) table.remove(id);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('memory store is closed');
  }
}

export class MemoryTx implements StoreTx {
  private readonly writes = new Map<string, Map<string, Doc | null>>();
  private readonly uniq = new Map<TableIndex, Map<string, string>>();
  /** Documents inserted under ids absent from the committed table (see `write`). */
  private fresh: Set<Doc> | undefined;
  private state: 'open' | 'aborted' | 'done' = 'open';
  private abortCause: unknown;

  constructor(private readonly store: MemoryStore) {}

  collection<N extends CollectionName>(name: N): CollectionPort<Collections[N]> {
    return new MemoryCollection<Collections[N]>(this.store, name, this);
  }

  assertUsable(): void {
    if (this.state === 'aborted') throw new TransactionAbortedError(this.abortCause);
    if (this.state === 'done') throw new StoreUsageError('transaction already finished');
  }

  /** Current version of every candidate document, as this transaction sees it (filter already validated). */
  *view(name: string, filter: Filter): Generator<Doc> {
    const table = this.store.table(name);
    const overlay = this.writes.get(name);
    const ids = table.candidates(filter);
    // An index finds documents by their committed version: one this transaction changed to match is
    // not among them, so every document of the overlay that was no candidate is checked as well.
    const narrowed = overlay?.size && Array.isArray(ids) ? new Set(ids) : null;
    for (const id of ids) {
      const doc = overlay?.has(id) ? overlay.get(id) : table.docs.get(id);
      if (doc && matches(doc, filter)) yield doc;
    }
    if (overlay)
      for (const [id, doc] of overlay)
        if (doc && !(narrowed ? narrowed.has(id) : table.docs.has(id)) && matches(doc, filter)) yield doc;
  }

  current(name: string, id: string): Doc | undefined {
    const overlay = this.writes.get(name);
    if (overlay?.has(id)) return overlay.get(id) ?? undefined;
    return this.store.table(name).docs.get(id);
  }

  write(name: string, id: string, doc: Doc | null, op: WriteOp): void {
    this.assertUsable();
    this.store.faults.beforeWrite(name, op);
    const table = this.store.table(name);
    // An insert is written only once its caller found no document with this id.
    const prev = op === 'insert' ? undefined : this.current(name, id);
    let overlay = this.writes.get(name);
    // An insert of an id this transaction never wrote found no committed document either (its
    // caller looked): the commit adds it without looking for a committed version again.
    const fresh = op === 'insert' && doc !== null && !overlay?.has(id);
    for (const index of table.indexes.values()) {
      const { spec } = index;
      // Transactions run one at a time, so the key this document already holds is still its own:
      // a write that keeps it (a balance move) cannot clash on it.
      if (!spec.unique || (prev && doc && sameIndexFields(prev, doc, spec))) continue;
      // The keys this transaction gave documents count once it has written another document of
      // the collection (`keysOf`): its first write there, a spend's ledger entry, makes no key string.
      const mine = overlay?.size ? this.keysOf(index, overlay) : undefined;
      let key: string | null | undefined;
      if (mine) {
        const oldKey = prev ? indexKey(prev, spec) : null;
        key = doc ? indexKey(doc, spec) : null;
        if (key !== null && key === oldKey) continue;
        if (oldKey !== null && mine.get(oldKey) === id) mine.delete(oldKey);
        if (!doc || key === null) continue;
        if (this.holds(name, spec, key, id, mine.get(key))) throw this.clash(name, spec, doc);
      }
      if (!doc) continue;
      const held = table.holders(index, doc);
      if (held !== undefined) {
        key ??= indexKey(doc, spec);
        if (key === null) continue;
        let clash = false;
        if (typeof held === 'string') clash = this.holds(name, spec, key, id, held);
        else for (const other of held) clash ||= this.holds(name, spec, key, id, other);
        if (clash) throw this.clash(name, spec, doc);
      }
      if (mine && typeof key === 'string') mine.set(key, id);
    }
    if (!overlay) this.writes.set(name, (overlay = new Map()));
    if (fresh && doc) (this.fresh ??= new Set()).add(doc);
    overlay.set(id, doc);
  }

  /** A failed operation aborts the whole transaction, as on MongoDB. */
  abortWith<E>(error: E): E {
    if (this.state === 'open') {
      this.state = 'aborted';
      this.abortCause = error;
    }
    return error;
  }

  /** Whether document `other` (as this transaction sees it) holds `key` in a unique index. */
  private holds(name: string, spec: IndexSpec, key: string, id: string, other: string | undefined): boolean {
    if (other === undefined || other === id) return false;
    const theirs = this.current(name, other);
    return theirs !== undefined && indexKey(theirs, spec) === key;
  }

  /**
   * Keys this transaction gave documents in one unique index, built from its writes of the
   * collection the first time a later write needs them, then kept up to date by each write.
   */
  private keysOf(index: TableIndex, overlay: Map<string, Doc | null>): Map<string, string> {
    let m = this.uniq.get(index);
    if (!m) {
      m = new Map();
      for (const [id, doc] of overlay) {
        const key = doc ? indexKey(doc, index.spec) : null;
        if (key !== null) m.set(key, id);
      }
      this.uniq.set(index, m);
    }
    return m;
  }

  private clash(name: string, spec: IndexSpec, doc: Doc): DuplicateKeyError {
    const fields = Object.keys(spec.keys).map((f) => [f, getPath(doc, f)]);
    return this.abortWith(new DuplicateKeyError(name, spec.name, Object.fromEntries(fields)));
  }

  commit(): void {
    this.assertUsable();
    for (const [name, overlay] of this.writes) {
      const table = this.store.table(name);
      for (const [id, doc] of overlay) {
        if (!doc) table.remove(id);
        else if (this.fresh?.has(doc)) table.add(doc);
        else table.put(doc);
      }
    }
  }

  finish(): void {
    this.state = 'done';
  }
}

import { DuplicateKeyError } from '../../domain/errors.js';
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
import { StoreUsageError, upsertSeed, validateFilter, validateSort, validateUpdate } from '../port-rules.js';
import { applyUpdate, cloneValue, getPath, matches, sortDocs } from '../query.js';
import type { MemoryStore, MemoryTx } from './memory.store.js';

type Doc = Record<string, unknown> & { _id: string };

/** One collection of the reference engine, bound to a transaction or (tx = null) auto-committing. */
export class MemoryCollection<T extends BaseDoc> implements CollectionPort<T> {
  constructor(
    private readonly store: MemoryStore,
    private readonly name: string,
    private readonly tx: MemoryTx | null,
  ) {}

  /**
   * Runs one operation; its failure is always a rejected promise, never a synchronous throw. Inside
   * a transaction any failed operation aborts it and nothing more can run (as on MongoDB). Not an
   * async function: each costs promises (and their async-context hooks) on every operation. The
   * reads stay async functions, so outside a transaction other work still interleaves between
   * them as it would between round trips to a server.
   */
  private op<R>(fn: () => R | Promise<R>): Promise<R> {
    const tx = this.tx;
    try {
      if (!tx) return Promise.resolve(fn());
      tx.assertUsable();
    } catch (error) {
      return Promise.reject(error);
    }
    try {
      const result = fn();
      if (!(result instanceof Promise)) return Promise.resolve(result);
      return result.catch((error: unknown) => {
        throw tx.abortWith(error);
      });
    } catch (error) {
      return Promise.reject(tx.abortWith(error));
    }
  }

  /** Reads: inside a transaction through its overlay, outside it straight from committed data. */
  private read(filter: Filter): Doc[] {
    validateFilter(filter);
    if (this.tx) return [...this.tx.view(this.name, filter)];
    const table = this.store.table(this.name);
    const out: Doc[] = [];
    for (const id of table.candidates(filter)) {
      const doc = table.docs.get(id);
      if (doc && matches(doc, filter)) out.push(doc);
    }
    return out;
  }

  /** Inside a transaction the write runs within `op`, which already makes it asynchronous. */
  private writeTx<R>(fn: (tx: MemoryTx) => R): R | Promise<R> {
    if (this.tx) return fn(this.tx);
    return this.store.autoCommit(async (tx) => fn(tx));
  }

  insertOne(doc: T): Promise<void> {
    return this.op(() => this.writeTx((tx) => this.insertInto(tx, doc)));
  }

  /**
   * Inside a transaction all or nothing; outside one an ordered insert, as MongoDB's: the documents
   * before a duplicate stay, the duplicate and those after it are not inserted.
   */
  async insertMany(docs: readonly T[]): Promise<void> {
    if (this.tx) return this.op(() => this.writeTx((tx) => docs.forEach((d) => this.insertInto(tx, d))));
    for (const d of docs) await this.writeTx((tx) => this.insertInto(tx, d));
  }

  private insertInto(tx: MemoryTx, d: T): void {
    const doc = cloneValue(d) as unknown as Doc;
    if (typeof doc._id !== 'string' || doc._id === '') throw new StoreUsageError('insert needs a string _id');
    if (tx.current(this.name, doc._id)) throw tx.abortWith(new DuplicateKeyError(this.name, '_id_', { _id: doc._id }));
    tx.write(this.name, doc._id, doc, 'insert');
  }

  async findOne(filter: Filter, options: { sort?: Sort } = {}): Promise<T | null> {
    const [first] = await this.find(filter, { ...options, limit: 1 });
    return first ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return this.op(() => {
      validateSort(options.sort, INDEXES[this.name as CollectionName] ?? []);
      const docs = sortDocs(this.read(filter), options.sort);
      const start = options.skip ?? 0;
      const end = options.limit ? start + options.limit : undefined;
      return docs.slice(start, end).map((d) => cloneValue(d) as unknown as T);
    });
  }

  async count(filter: Filter = {}): Promise<number> {
    return this.op(() => this.read(filter).length);
  }

  updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<T | null> {
    return this.op(() => this.updateOneNow(filter, update, options));
  }

  private updateOneNow(filter: Filter, update: Update, options: { upsert?: boolean }): T | null | Promise<T | null> {
    validateFilter(filter);
    validateUpdate(update);
    return this.writeTx((tx) => {
      // The first match in natural order, as MongoDB's updateOne without a sort: no need to find the rest.
      const target = tx.view(this.name, filter).next().value;
      if (target) {
        const next = applyUpdate(target, update, false) as Doc;
        next._id = target._id;
        tx.write(this.name, target._id, next, 'update');
        return cloneValue(next) as unknown as T;
      }
      if (!options.upsert) return null;
      const created = applyUpdate(upsertSeed(filter), update, true) as Doc;
      if (typeof created._id !== 'string') created._id = this.store.newId();
      // As on MongoDB: an upsert whose filter missed an existing _id must not replace that document.
      if (tx.current(this.name, created._id))
        throw tx.abortWith(new DuplicateKeyError(this.name, '_id_', { _id: created._id }));
      tx.write(this.name, created._id, created, 'insert');
      return cloneValue(created) as unknown as T;
    });
  }

  deleteOne(filter: Filter): Promise<boolean> {
    return this.op(() => {
      validateFilter(filter);
      return this.writeTx((tx) => {
        const target = tx.view(this.name, filter).next().value;
        if (!target) return false;
        tx.write(this.name, target._id, null, 'delete');
        return true;
      });
    });
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.op(() => {
      validateFilter(filter);
      return this.writeTx((tx) => {
        const targets = [...tx.view(this.name, filter)];
        for (const t of targets) tx.write(this.name, t._id, null, 'delete');
        return targets.length;
      });
    });
  }

  async sumBy(groupField: string, valueField: string, filter: Filter = {}): Promise<Map<string, number>> {
    return this.op(() => {
      const out = new Map<string, number>();
      for (const doc of this.read(filter)) {
        // MongoDB's $group puts a missing group field under null.
        const key = String(getPath(doc, groupField) ?? null);
        const v = getPath(doc, valueField);
        out.set(key, (out.get(key) ?? 0) + (typeof v === 'number' ? v : 0));
      }
      return out;
    });
  }

  async sumByDay(dateField: string, groupField: string, valueField: string, filter: Filter = {}): Promise<DailySum[]> {
    return this.op(() => {
      const out = new Map<string, DailySum>();
      for (const doc of this.read(filter)) {
        const at = getPath(doc, dateField);
        if (!(at instanceof Date)) continue; // MongoDB's $dateToString yields null for non-dates: not a day
        const day = at.toISOString().slice(0, 10);
        // MongoDB's $group puts a missing group field under null, as sumBy does.
        const group = String(getPath(doc, groupField) ?? null);
        const v = getPath(doc, valueField);
        const row = out.get(`${day}\u0000${group}`) ?? { day, group, total: 0 };
        row.total += typeof v === 'number' ? v : 0;
        out.set(`${day}\u0000${group}`, row);
      }
      return [...out.values()].sort((a, b) => a.day.localeCompare(b.day) || a.group.localeCompare(b.group));
    });
  }
}

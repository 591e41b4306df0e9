import { DuplicateKeyError } from '../../domain/errors.js';
import type {
  Ownership,
  RawDocument,
  ReadAccess,
  RestoreStaging,
  SnapshotReader,
} from '../../domain/ports/backup-source.port.js';
import type { IndexSpec } from '../../domain/ports/store.port.js';
import { cloneValue, getPath } from '../query.js';
import { Table } from './table.js';

type Doc = Record<string, unknown> & { _id: string };

/** Every committed document of one collection at the moment of the snapshot, plus its indexes. */
export interface FrozenTable {
  docs: readonly Doc[];
  indexes: IndexSpec[];
}

/**
 * Reads a frozen snapshot. The engine never mutates a committed document (every write commits a
 * new object), so an array of references taken in one synchronous step is a consistent snapshot:
 * it costs a pointer per document, not a copy. Batches are cloned on the way out so a reader can
 * never change the engine's data, except those asked for `'read-only'` (a backup that only encodes
 * them): those lend the committed objects themselves.
 */
export function memorySnapshotReader(frozen: ReadonlyMap<string, FrozenTable>): SnapshotReader {
  const get = (name: string): FrozenTable => frozen.get(name) ?? { docs: [], indexes: [] };
  return {
    engine: 'memory',
    database: 'memory',
    windowSeconds: null,
    collections: async () => [...frozen.keys()],
    indexes: async (name) => get(name).indexes.map((spec) => cloneValue(spec)),
    count: async (name) => get(name).docs.length,
    documents: (name: string, batchSize: number, access: ReadAccess = 'copy') =>
      batches(get(name).docs, batchSize, access),
  };
}

async function* batches(docs: readonly Doc[], batchSize: number, access: ReadAccess): AsyncGenerator<RawDocument[]> {
  for (let start = 0; start < docs.length; start += batchSize) {
    const batch = docs.slice(start, start + batchSize);
    yield access === 'read-only' ? batch : batch.map((d) => cloneValue(d));
  }
}

/** The key a unique index refused, field by field, as a duplicate-key error reports it. */
export function clashKey(table: Table, index: string, doc: Doc): Record<string, unknown> {
  if (index === '_id_') return { _id: doc._id };
  const spec = table.indexes.get(index)?.spec;
  return Object.fromEntries(Object.keys(spec?.keys ?? {}).map((f) => [f, getPath(doc, f)]));
}

/**
 * The document the engine keeps: a copy, or the object itself when the caller handed it over (a
 * restore's freshly decoded documents: a copy would only double the allocation and the garbage).
 */
export const asDoc = (collection: string, raw: RawDocument, ownership: Ownership = 'copy'): Doc => {
  const doc = (ownership === 'hand-over' ? raw : cloneValue(raw)) as Doc;
  if (typeof doc._id !== 'string' || doc._id === '')
    throw new Error(`restore: a ${collection} document has no string _id (the memory engine needs one)`);
  return doc;
};

/**
 * Staging tables built beside the live ones. `swap` replaces one live table in one synchronous
 * step under the engine's lock (no transaction is running then), so a reader sees a collection
 * wholly old or wholly new; the restore's maintenance mode keeps writers out between two swaps.
 */
export class MemoryRestore implements RestoreStaging {
  private readonly staged = new Map<string, Table>();
  private readonly swapped = new Set<string>();
  private state: 'open' | 'aborted' = 'open';

  constructor(
    readonly token: string,
    private readonly replace: (collection: string, table: Table) => Promise<void>,
  ) {}

  async prepare(collection: string, indexes: readonly IndexSpec[]): Promise<void> {
    this.assertOpen();
    this.staged.set(collection, new Table(indexes));
  }

  async insert(collection: string, docs: readonly RawDocument[], ownership: Ownership = 'copy'): Promise<void> {
    this.assertOpen();
    const table = this.staged.get(collection);
    if (!table) throw new Error(`restore: prepare(${collection}) was not called`);
    for (const raw of docs) {
      const doc = asDoc(collection, raw, ownership);
      const clash = table.insertNew(doc);
      if (clash !== null) throw new DuplicateKeyError(collection, clash, clashKey(table, clash, doc));
    }
  }

  /** Unique indexes were enforced document by document in `insert`. */
  async seal(): Promise<void> {
    this.assertOpen();
  }

  async swap(collection: string): Promise<'swapped' | 'already-swapped'> {
    this.assertOpen();
    if (this.swapped.has(collection)) return 'already-swapped';
    const table = this.staged.get(collection);
    if (!table) throw new Error(`restore: ${collection} was not staged`);
    await this.replace(collection, table);
    this.swapped.add(collection);
    this.staged.delete(collection);
    return 'swapped';
  }

  async abort(): Promise<void> {
    this.state = 'aborted';
    this.staged.clear();
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new Error('restore already aborted');
  }
}

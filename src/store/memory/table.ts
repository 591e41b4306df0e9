import type { IndexSpec } from '../../domain/ports/store.port.js';
import { getPath, matches } from '../query.js';

type Doc = Record<string, unknown> & { _id: string };

/**
 * Index key of a document as a string; null when a sparse or partial index leaves the document out
 * (then a unique index does not hold it to uniqueness, as on MongoDB).
 */
export function indexKey(doc: Doc, spec: IndexSpec): string | null {
  // Computed several times per write (uniqueness, then each index at commit): no callbacks.
  const fields = fieldsOf(spec);
  let key: string;
  let present: boolean;
  if (fields.length === 1) {
    const v = getPath(doc, fields[0] as string);
    present = v !== undefined;
    key = keyPart(v);
  } else {
    // Joined, not concatenated: a table keeps its keys, and V8 keeps a concatenation of several
    // parts as a tree of string objects (about twice the bytes, each one for the collector to walk).
    const parts = new Array<string>(fields.length);
    present = false;
    for (let i = 0; i < fields.length; i += 1) {
      const v = getPath(doc, fields[i] as string);
      if (v !== undefined) present = true;
      parts[i] = keyPart(v);
    }
    key = parts.join('\u0000');
  }
  if (spec.sparse && !present) return null;
  if (spec.partialFilterExpression && !matches(doc, spec.partialFilterExpression)) return null;
  return key;
}

/**
 * Whether two versions of a document certainly have the same key in an index: each of its fields
 * holds the identical value. Most writes move a balance or a status, and this costs no string; a
 * partial index also looks at other fields, so it never answers yes there.
 */
export function sameIndexFields(a: Doc, b: Doc, spec: IndexSpec): boolean {
  if (spec.partialFilterExpression) return false;
  const fields = fieldsOf(spec);
  for (let i = 0; i < fields.length; i += 1)
    if (getPath(a, fields[i] as string) !== getPath(b, fields[i] as string)) return false;
  return true;
}

const FIELDS = new WeakMap<IndexSpec, readonly string[]>();

function fieldsOf(spec: IndexSpec): readonly string[] {
  let fields = FIELDS.get(spec);
  if (!fields) FIELDS.set(spec, (fields = Object.keys(spec.keys)));
  return fields;
}

function keyPart(v: unknown): string {
  if (v === undefined || v === null) return 'n';
  if (typeof v === 'string') return `s:${v}`;
  if (typeof v === 'number') return `d:${v}`;
  if (typeof v === 'boolean') return `b:${v}`;
  if (v instanceof Date) return `t:${v.getTime()}`;
  if (typeof v === 'object') return `o:${String(v) === '[object Object]' ? JSON.stringify(v) : String(v)}`;
  return `x:${String(v)}`;
}

export interface TableIndex {
  spec: IndexSpec;
  /** Key → the id holding it, or the ids (a set) when several do: most keys, all unique ones, have one. */
  map: Map<string, Ids>;
  /** Whether `map` is kept up to date: always for a unique index, else from its first look-up on. */
  live: boolean;
}

/**
 * One committed collection: documents in insertion order plus a map per index (unique indexes map a
 * key to one id; every index also serves equality look-ups on its fields). A non-unique index only
 * speeds look-ups up, so its map is built the first time a filter can use it and kept from then
 * on: one that no filter can use (those ending in `_id`, whose filters take the `_id` path) costs
 * writes nothing.
 */
export class Table {
  readonly docs = new Map<string, Doc>();
  readonly indexes: Map<string, TableIndex>;

  constructor(specs: readonly IndexSpec[]) {
    this.indexes = new Map(specs.map((spec) => [spec.name, { spec, map: new Map(), live: spec.unique === true }]));
  }

  put(doc: Doc): void {
    const old = this.docs.get(doc._id);
    this.docs.set(doc._id, doc); // an existing id keeps its place in natural order
    // Most writes change a few fields (a balance, a status): an index whose key stays is left alone.
    for (const { spec, map, live } of this.indexes.values()) {
      if (!live || (old && sameIndexFields(old, doc, spec))) continue;
      const key = indexKey(doc, spec);
      const oldKey = old ? indexKey(old, spec) : null;
      if (key === oldKey) continue;
      if (oldKey !== null) forget(map, oldKey, doc._id);
      if (key !== null) remember(map, key, doc._id);
    }
  }

  /**
   * `put` for a document whose id the table does not hold (its caller knows; a big table's look-up
   * of a missing id costs a cache miss or two). `keys` holds, by index in the table's order, the
   * keys the caller already computed (undefined where it did not); every live index learns its key.
   */
  add(doc: Doc, keys: ReadonlyArray<string | null | undefined>): void {
    this.docs.set(doc._id, doc);
    let slot = -1;
    for (const { spec, map, live } of this.indexes.values()) {
      slot += 1;
      if (!live) continue;
      const known = keys[slot];
      const key = known === undefined ? indexKey(doc, spec) : known;
      if (key !== null) remember(map, key, doc._id);
    }
  }

  /**
   * Adds a document with a new id unless the id or a unique index's key is taken: then returns
   * that index's name and changes nothing. Each key is computed once (a restore or a merge adds
   * millions of documents this way; `put` would compute the unique ones a second time).
   */
  insertNew(doc: Doc): string | null {
    if (this.docs.has(doc._id)) return '_id_';
    const keys: Array<string | null> = [];
    for (const { spec, map, live } of this.indexes.values()) {
      const key = live ? indexKey(doc, spec) : null;
      if (spec.unique && key !== null && map.has(key)) return spec.name;
      keys.push(key);
    }
    this.docs.set(doc._id, doc);
    let i = 0;
    for (const { map } of this.indexes.values()) {
      const key = keys[i++];
      if (key !== null && key !== undefined) remember(map, key, doc._id);
    }
    return null;
  }

  remove(id: string): void {
    const old = this.docs.get(id);
    if (!old) return;
    for (const { spec, map, live } of this.indexes.values()) {
      if (!live) continue;
      const key = indexKey(old, spec);
      if (key !== null) forget(map, key, id);
    }
    this.docs.delete(id);
  }

  /** The index's map, built from the documents on its first use. */
  private mapOf(index: TableIndex): Map<string, Ids> {
    if (!index.live) {
      for (const doc of this.docs.values()) {
        const key = indexKey(doc, index.spec);
        if (key !== null) remember(index.map, key, doc._id);
      }
      index.live = true;
    }
    return index.map;
  }

  /**
   * Ids of the documents a TTL index has expired by `nowMs`: its (single) field holds a date, or an
   * array holding one, at least `expireAfterSeconds` old. Like MongoDB, other values never expire.
   */
  expired(nowMs: number): string[] {
    const ttl = [...this.indexes.values()].map((i) => i.spec).filter((s) => s.expireAfterSeconds !== undefined);
    if (ttl.length === 0) return [];
    const out: string[] = [];
    for (const doc of this.docs.values())
      for (const spec of ttl) {
        const value = getPath(doc, Object.keys(spec.keys)[0] ?? '');
        const dates = (Array.isArray(value) ? value : [value]).filter((v): v is Date => v instanceof Date);
        if (dates.length === 0) continue;
        const earliest = Math.min(...dates.map((d) => d.getTime()));
        if (earliest + (spec.expireAfterSeconds ?? 0) * 1000 <= nowMs) {
          out.push(doc._id);
          break;
        }
      }
    return out;
  }

  /** The id, or the ids, holding `key` in one of this table's indexes (its map built on first use). */
  holders(index: TableIndex, key: string): string | ReadonlySet<string> | undefined {
    return this.mapOf(index).get(key);
  }

  idsWithKey(indexName: string, key: string): ReadonlySet<string> {
    const index = this.indexes.get(indexName);
    const ids = index && this.mapOf(index).get(key);
    return typeof ids === 'string' ? new Set([ids]) : (ids ?? NO_IDS);
  }

  /**
   * Candidate ids for a filter: an index whose every field is a plain equality in the filter
   * narrows the scan (the answer is then an array); otherwise every document is a candidate.
   * Callers still run the full matcher.
   */
  candidates(filter: Record<string, unknown>): Iterable<string> {
    const id = filter._id;
    if (typeof id === 'string') return this.docs.has(id) ? [id] : [];
    for (const index of this.indexes.values()) {
      const { spec } = index;
      const fields = fieldsOf(spec);
      const plain = fields.every((f) => isPlainEquality(filter[f]));
      if (!plain) continue;
      const probe = { _id: '' } as Doc;
      for (const f of fields) setDotted(probe, f, filter[f]);
      // Every field holds a value here, so `sparse` cannot leave the probe out.
      const key = indexKey(probe, spec);
      const ids = key === null ? undefined : this.mapOf(index).get(key);
      return typeof ids === 'string' ? [ids] : [...(ids ?? [])];
    }
    return this.docs.keys();
  }
}

type Ids = string | Set<string>;

const NO_IDS: ReadonlySet<string> = new Set();

function remember(map: Map<string, Ids>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids === undefined) map.set(key, id);
  else if (typeof ids !== 'string') ids.add(id);
  else if (ids !== id) map.set(key, new Set([ids, id]));
}

function forget(map: Map<string, Ids>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids === id) map.delete(key);
  else if (typeof ids !== 'string' && ids?.delete(id) && ids.size === 0) map.delete(key);
}

const isPlainEquality = (v: unknown): boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date;

function setDotted(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
  cur[parts[parts.length - 1] as string] = value;
}

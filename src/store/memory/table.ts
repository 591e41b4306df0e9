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
 * holds the identical value. Most writes move a balance or a status, and this builds no key; a
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

/**
 * One field's part of a key as a Map key. A string is its own key, so a look-up makes no new string
 * (most index fields hold strings); any other value is its `keyPart` behind a mark, as is the rare
 * string that starts with the mark itself, so two values share a field key exactly when they share
 * a key part.
 */
const MARK = '\u0001';
const NULL_KEY = `${MARK}n`;
function fieldKey(v: unknown): string {
  if (typeof v === 'string') return v.charCodeAt(0) === 1 ? `${MARK}s:${v}` : v;
  return v === undefined || v === null ? NULL_KEY : MARK + keyPart(v);
}

/** Whether a sparse or partial index holds the document at all (`indexKey` is then not null). */
function held(doc: Doc, spec: IndexSpec, fields: readonly string[]): boolean {
  if (spec.sparse) {
    let present = false;
    for (const f of fields) if (getPath(doc, f) !== undefined) present = true;
    if (!present) return false;
  }
  return !spec.partialFilterExpression || matches(doc, spec.partialFilterExpression);
}

/** A compound key after its first field: the second field's key, or the parts of the others joined. */
function restKey(doc: Doc, fields: readonly string[]): string {
  if (fields.length === 2) return fieldKey(getPath(doc, fields[1] as string));
  const parts = new Array<string>(fields.length - 1);
  for (let i = 1; i < fields.length; i += 1) parts[i - 1] = keyPart(getPath(doc, fields[i] as string));
  return parts.join('\u0000');
}

/** A compound index's ids under one first-field key, by the key of the rest. */
type Bucket = Map<string, Ids>;

export interface TableIndex {
  spec: IndexSpec;
  /** The spec's fields, in key order (looked up once: every write of a big restore reads them). */
  fields: readonly string[];
  /**
   * First field's key → the id holding it, or the ids (a set) when several do (most keys, all
   * unique ones, have one); for a compound index → a bucket of the rest of the key. Nested, not one
   * joined key per document: a big table's unique (accountId, idempotencyKey) index then makes no
   * new string per document and looks up in one account's small bucket, not in a map of millions.
   */
  map: Map<string, Ids | Bucket>;
  /** Whether `map` is kept up to date: always for a unique index, else from its first look-up on. */
  live: boolean;
}

/** The id(s) holding the document's key in the index (not built here: see `Table.mapOf`). */
function idsOf(index: TableIndex, doc: Doc): Ids | undefined {
  const { fields } = index;
  if (!held(doc, index.spec, fields)) return undefined;
  const first = index.map.get(fieldKey(getPath(doc, fields[0] as string)));
  if (fields.length === 1 || first === undefined) return first as Ids | undefined;
  return (first as Bucket).get(restKey(doc, fields));
}

function rememberDoc(index: TableIndex, doc: Doc): void {
  const { fields } = index;
  if (!held(doc, index.spec, fields)) return;
  const first = fieldKey(getPath(doc, fields[0] as string));
  if (fields.length === 1) return remember(index.map as Map<string, Ids>, first, doc._id);
  let bucket = index.map.get(first) as Bucket | undefined;
  if (bucket === undefined) index.map.set(first, (bucket = new Map()));
  remember(bucket, restKey(doc, fields), doc._id);
}

function forgetDoc(index: TableIndex, doc: Doc, id: string): void {
  const { fields } = index;
  if (!held(doc, index.spec, fields)) return;
  const first = fieldKey(getPath(doc, fields[0] as string));
  if (fields.length === 1) return forget(index.map as Map<string, Ids>, first, id);
  const bucket = index.map.get(first) as Bucket | undefined;
  if (bucket === undefined) return;
  forget(bucket, restKey(doc, fields), id);
  if (bucket.size === 0) index.map.delete(first);
}

/** Whether two documents sit at the same place in the index (both left out counts as the same). */
function sameKey(a: Doc, b: Doc, { spec, fields }: TableIndex): boolean {
  const inA = held(a, spec, fields);
  if (inA !== held(b, spec, fields)) return false;
  if (!inA) return true;
  const f = fields[0] as string;
  if (fieldKey(getPath(a, f)) !== fieldKey(getPath(b, f))) return false;
  return fields.length === 1 || restKey(a, fields) === restKey(b, fields);
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
    this.indexes = new Map(
      specs.map((spec) => [spec.name, { spec, fields: fieldsOf(spec), map: new Map(), live: spec.unique === true }]),
    );
  }

  put(doc: Doc): void {
    const old = this.docs.get(doc._id);
    this.docs.set(doc._id, doc); // an existing id keeps its place in natural order
    // Most writes change a few fields (a balance, a status): an index whose key stays is left alone.
    for (const index of this.indexes.values()) {
      if (!index.live) continue;
      if (old) {
        if (sameIndexFields(doc, old, index.spec) || sameKey(doc, old, index)) continue;
        forgetDoc(index, old, doc._id);
      }
      rememberDoc(index, doc);
    }
  }

  /**
   * `put` for a document whose id the table does not hold (its caller knows; a big table's look-up
   * of a missing id costs a cache miss or two).
   */
  add(doc: Doc): void {
    this.docs.set(doc._id, doc);
    for (const index of this.indexes.values()) if (index.live) rememberDoc(index, doc);
  }

  /**
   * Adds a document with a new id unless the id or a unique index's key is taken: then returns
   * that index's name and changes nothing (a restore or a merge adds millions of documents this way).
   */
  insertNew(doc: Doc): string | null {
    if (this.docs.has(doc._id)) return '_id_';
    for (const index of this.indexes.values())
      if (index.spec.unique && index.live && idsOf(index, doc) !== undefined) return index.spec.name;
    this.add(doc);
    return null;
  }

  remove(id: string): void {
    const old = this.docs.get(id);
    if (!old) return;
    for (const index of this.indexes.values()) if (index.live) forgetDoc(index, old, id);
    this.docs.delete(id);
  }

  /** The index's map, built from the documents on its first use. */
  private mapOf(index: TableIndex): TableIndex['map'] {
    if (!index.live) {
      for (const doc of this.docs.values()) rememberDoc(index, doc);
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

  /** The id, or the ids, holding the document's key in one of this table's indexes (its map built on first use). */
  holders(index: TableIndex, doc: Doc): string | ReadonlySet<string> | undefined {
    this.mapOf(index);
    return idsOf(index, doc);
  }

  /** The ids holding `doc`'s key in the named index (for tests and diagnostics). */
  idsHolding(indexName: string, doc: Doc): ReadonlySet<string> {
    const index = this.indexes.get(indexName);
    const ids = index && this.holders(index, doc);
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
      const ids = this.holders(index, probe);
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

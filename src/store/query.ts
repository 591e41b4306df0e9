import type { Filter, Sort, Update } from '../domain/ports/store.port.js';
import { isOperatorObject, isPlainObject, StoreUsageError } from './port-rules.js';

/**
 * MongoDB query/update semantics for the in-memory engine (the subset the Store port promises).
 * Values are compared the way MongoDB compares them within one type; different types never match a
 * range operator (MongoDB's type bracketing).
 */
type Doc = Record<string, unknown>;

/** Deep copy that keeps Dates and BSON values (ObjectId, Decimal128, Long…) and drops undefined. */
export function cloneValue<T>(v: T): T {
  // Every write and every read result passes through here: no entry arrays, no callbacks.
  if (typeof v !== 'object' || v === null) return v;
  if (isPlainObject(v)) return clonePlain(v) as T;
  if (Array.isArray(v)) {
    const out: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i += 1) out[i] = cloneValue(v[i] as unknown);
    return out as T;
  }
  if (v instanceof Date) return new Date(v.getTime()) as T;
  return v;
}

function clonePlain(v: Doc): Doc {
  // A spread copies the object in one allocation, keeping its shape; `for…in` reads keys from V8's
  // enum cache, and one pass both finds nested values to copy and any undefined value: that is
  // dropped (as the driver's ignoreUndefined does), so such an object is copied key by key instead.
  const out: Doc = { ...v };
  for (const k in out) {
    const x = out[k];
    if (x === undefined) return cloneDefined(v);
    if (typeof x === 'object' && x !== null && Object.hasOwn(out, k)) out[k] = cloneValue(x);
  }
  return out;
}

function cloneDefined(v: Doc): Doc {
  const out: Doc = {};
  for (const key of Object.keys(v)) if (v[key] !== undefined) out[key] = cloneValue(v[key]);
  return out;
}

export function getPath(doc: unknown, path: string): unknown {
  // Most paths are one field name (every index key and most filters): no split, no loop.
  if (!path.includes('.')) return doc !== null && typeof doc === 'object' ? (doc as Doc)[path] : undefined;
  let cur: unknown = doc;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Doc)[part];
  }
  return cur;
}

function setPath(doc: Doc, path: string, value: unknown): void {
  // Most update paths are one field name (a balance, a date): no split, no loop.
  if (!path.includes('.')) {
    doc[path] = cloneValue(value);
    return;
  }
  const parts = path.split('.');
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    if (!isPlainObject(next)) cur[part] = {};
    cur = cur[part] as Doc;
  }
  cur[parts[parts.length - 1] as string] = cloneValue(value);
}

function unsetPath(doc: Doc, path: string): void {
  const parts = path.split('.');
  const parent = parts.length === 1 ? doc : getPath(doc, parts.slice(0, -1).join('.'));
  if (isPlainObject(parent)) delete parent[parts[parts.length - 1] as string];
}

const TYPE_RANK = (v: unknown): number => {
  if (v === undefined || v === null) return 1;
  if (typeof v === 'number' || typeof v === 'bigint') return 2;
  if (typeof v === 'string') return 3;
  if (isPlainObject(v)) return 4;
  if (Array.isArray(v)) return 5;
  if (typeof v === 'boolean') return 8;
  if (v instanceof Date) return 9;
  return 6; // other BSON values: compared by their string form
};

/** Total order used for sorting; for range operators see `comparable`. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = TYPE_RANK(a);
  const rb = TYPE_RANK(b);
  if (ra !== rb) return ra - rb;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (ra === 1) return 0;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  if (TYPE_RANK(a) !== TYPE_RANK(b)) return false;
  if (TYPE_RANK(a) === 6) return String(a) === String(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => valuesEqual(a[k], b[k]));
  }
  return compareValues(a, b) === 0;
}

function matchOperator(value: unknown, op: string, arg: unknown): boolean {
  // An array field matches when any element matches (MongoDB semantics), except for $exists.
  if (Array.isArray(value) && op !== '$exists' && op !== '$ne' && op !== '$nin')
    return value.some((el) => matchOperator(el, op, arg)) || (op === '$eq' && valuesEqual(value, arg));
  const rangeable = TYPE_RANK(value) === TYPE_RANK(arg) && value !== undefined && value !== null;
  switch (op) {
    case '$eq':
      return valuesEqual(value, arg);
    case '$ne':
      return !matchOperator(value, '$eq', arg);
    case '$gt':
      return rangeable && compareValues(value, arg) > 0;
    case '$gte':
      return rangeable && compareValues(value, arg) >= 0;
    case '$lt':
      return rangeable && compareValues(value, arg) < 0;
    case '$lte':
      return rangeable && compareValues(value, arg) <= 0;
    case '$in':
      return (arg as unknown[]).some((x) => matchOperator(value, '$eq', x));
    case '$nin':
      return !(arg as unknown[]).some((x) => matchOperator(value, '$eq', x));
    case '$exists':
      return (value !== undefined) === Boolean(arg);
    case '$regex':
      return typeof value === 'string' && (arg instanceof RegExp ? arg : new RegExp(String(arg))).test(value);
    default:
      throw new StoreUsageError(`unsupported query operator ${op}`);
  }
}

export function matches(doc: unknown, filter: Filter): boolean {
  // Run for every candidate document of every operation: keys, not entry pairs.
  for (const key of Object.keys(filter)) {
    const cond = filter[key];
    if (key === '$or') {
      if (!(cond as Filter[]).some((f) => matches(doc, f))) return false;
    } else if (key === '$and') {
      if (!(cond as Filter[]).every((f) => matches(doc, f))) return false;
    } else {
      const value = getPath(doc, key);
      if (cond instanceof RegExp) {
        if (!matchOperator(value, '$regex', cond)) return false;
      } else if (isOperatorObject(cond)) {
        for (const op of Object.keys(cond)) if (!matchOperator(value, op, cond[op])) return false;
      } else if (!matchOperator(value, '$eq', cond)) return false;
    }
  }
  return true;
}

export function sortDocs<T>(docs: T[], sort: Sort | undefined): T[] {
  if (!sort) return docs;
  const keys = Object.entries(sort);
  return docs.sort((a, b) => {
    for (const [k, dir] of keys) {
      const c = compareValues(getPath(a, k), getPath(b, k));
      if (c !== 0) return c * dir;
    }
    return 0;
  });
}

export function applyUpdate(doc: Doc, update: Update, inserting: boolean): Doc {
  const out = cloneValue(doc);
  // Every update passes here: keys, not entry pairs.
  const { $set: set, $setOnInsert: onInsert, $inc: inc, $unset: unset } = update;
  if (set) for (const k of Object.keys(set)) setPath(out, k, set[k]);
  if (inserting && onInsert) for (const k of Object.keys(onInsert)) setPath(out, k, onInsert[k]);
  if (inc)
    for (const k of Object.keys(inc)) {
      const cur = getPath(out, k);
      if (cur !== undefined && typeof cur !== 'number') throw new Error(`cannot $inc non-numeric field ${k}`);
      setPath(out, k, (cur ?? 0) + (inc[k] as number));
    }
  if (unset) for (const k of Object.keys(unset)) unsetPath(out, k);
  return out;
}

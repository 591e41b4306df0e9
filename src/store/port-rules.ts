import type { Filter, IndexSpec, Sort, Update } from '../domain/ports/store.port.js';

/**
 * The rules of the Store port that both adapters enforce before touching data, so that a call
 * which MongoDB would silently misread (or answer in no defined order) fails the same way on the
 * reference engine and on MongoDB, in tests and in production alike.
 */
export class StoreUsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUsageError';
  }
}

/** A transaction whose earlier operation failed: MongoDB has aborted it, so nothing more can run. */
export class TransactionAbortedError extends StoreUsageError {
  constructor(cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`transaction aborted by an earlier failed operation (${why}): let that error propagate`, { cause });
    this.name = 'TransactionAbortedError';
  }
}

export const NESTED_TRANSACTION = 'nested transaction: pass the open tx down instead';
export const WRITE_OUTSIDE_TX = 'store.collection() write inside a transaction: use tx.collection()';

const QUERY_OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$regex']);
const UPDATE_OPERATORS = ['$set', '$inc', '$unset', '$setOnInsert'] as const;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

export function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (!isPlainObject(v)) return false;
  // Every filter clause of every operation asks this: one pass over the keys, no callback.
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i += 1) if (!(keys[i] as string).startsWith('$')) return false;
  return keys.length > 0;
}

function assertDefined(value: unknown, where: string): void {
  // The driver runs with ignoreUndefined: `{ email: undefined }` would be sent as `{}` and match
  // every document (and a deleteMany would empty the collection).
  if (value === undefined)
    throw new StoreUsageError(`${where} is undefined: MongoDB would drop it and match every document`);
  if (Array.isArray(value)) value.forEach((v, i) => assertDefined(v, `${where}[${i}]`));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) assertDefined(v, `${where}.${k}`);
}

/** Refuses, before any document is read, a filter using something the port does not promise. */
export function validateFilter(filter: Filter, where = 'filter'): void {
  // Every operation of both adapters passes here: keys, not entry pairs.
  for (const key of Object.keys(filter)) {
    const cond = filter[key];
    if (key === '$or' || key === '$and') {
      if (!Array.isArray(cond) || cond.length === 0) throw new StoreUsageError(`${key} needs a non-empty array`);
      cond.forEach((f, i) => {
        if (!isPlainObject(f)) throw new StoreUsageError(`${where}.${key}[${i}] must be an object`);
        validateFilter(f, `${where}.${key}[${i}]`);
      });
    } else if (key.startsWith('$')) {
      throw new StoreUsageError(`unsupported query operator ${key}`);
    } else if (isOperatorObject(cond)) {
      for (const op of Object.keys(cond)) {
        const arg = cond[op];
        if (!QUERY_OPERATORS.has(op)) throw new StoreUsageError(`unsupported query operator ${op}`);
        if ((op === '$in' || op === '$nin') && !Array.isArray(arg)) throw new StoreUsageError(`${op} needs an array`);
        // A plain value needs no look inside, nor the path naming it (built only to be thrown).
        if (arg === undefined || typeof arg === 'object') assertDefined(arg, `${where}.${key}.${op}`);
      }
    } else if (cond === undefined || typeof cond === 'object') {
      assertDefined(cond, `${where}.${key}`);
    }
  }
}

/** MongoDB refuses two operators on one path, or on a path and its prefix, even when not inserting. */
export function validateUpdate(update: Update): void {
  const ops = Object.keys(update);
  if (ops.length === 0) throw new StoreUsageError('empty update');
  for (const op of ops)
    if (!(UPDATE_OPERATORS as readonly string[]).includes(op))
      throw new StoreUsageError(`unsupported update operator ${op}`);
  if (update.$set && '_id' in update.$set) throw new StoreUsageError('_id is immutable');
  // Every update of both adapters passes here: no entry pairs, no callbacks, no strings built
  // unless one is thrown.
  const paths: string[] = [];
  for (const op of UPDATE_OPERATORS) {
    const fields: Record<string, unknown> | undefined = update[op];
    if (!fields) continue;
    for (const path of Object.keys(fields)) {
      const value = fields[path];
      if (value === undefined) throw new StoreUsageError(`${op}.${path} is undefined: MongoDB would skip it silently`);
      if (op === '$inc' && typeof value !== 'number') throw new StoreUsageError(`$inc.${path} must be a number`);
      for (const p of paths)
        if (p === path || isPrefixPath(path, p) || isPrefixPath(p, path))
          throw new StoreUsageError(`Updating the path '${path}' would create a conflict at '${p}'`);
      paths.push(path);
    }
  }
}

/** Whether `prefix` names a document `path` lies inside (`a` of `a.b`). */
const isPrefixPath = (prefix: string, path: string): boolean =>
  path.length > prefix.length && path.charCodeAt(prefix.length) === 46 /* . */ && path.startsWith(prefix);

/**
 * A sort that can tie returns ties in no defined order on MongoDB (and in insertion order on the
 * reference engine), so pages could repeat or skip documents: every sort ends with `_id` or with
 * the field of a unique, non-sparse single-field index.
 */
export function validateSort(sort: Sort | undefined, indexes: readonly IndexSpec[]): void {
  const keys = Object.keys(sort ?? {});
  const last = keys[keys.length - 1];
  if (last === undefined || last === '_id') return;
  const unique = indexes.some((i) => i.unique && !i.sparse && Object.keys(i.keys).join() === last);
  if (!unique) throw new StoreUsageError(`sort ${JSON.stringify(sort)} can tie: end it with _id`);
}

/**
 * The document an upsert starts from when nothing matched: MongoDB copies the filter's equality
 * clauses (plain values, `$eq`, and those inside `$and`), dotted paths becoming nested fields.
 */
export function upsertSeed(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  const visit = (f: Filter): void => {
    for (const [key, cond] of Object.entries(f)) {
      if (key === '$and') for (const clause of cond as Filter[]) visit(clause);
      else if (key.startsWith('$') || cond instanceof RegExp) continue;
      else if (isOperatorObject(cond)) {
        if ('$eq' in cond) setSeed(seed, key, cond.$eq);
      } else setSeed(seed, key, cond);
    }
  };
  visit(filter);
  return seed;
}

function setSeed(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] as string] = value;
}

import { badInput } from './errors.js';
import { pageSize, type Page, type PageArgs } from './pagination.js';
import type { BaseDoc, CollectionPort, Filter } from './ports/store.port.js';

/** Keyset pagination queries, shared by every repository that pages a collection. */
const encode = (parts: unknown[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');

function decode(cursor: string, arity: number): unknown[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === arity) return parts;
  } catch {
    /* fall through */
  }
  throw badInput('after: not a cursor returned by this API');
}

/**
 * Newest-first keyset pagination on (createdAt desc, _id desc). New documents are always newer than
 * any cursor already handed out, so paging stays exact while others insert.
 */
export async function newestFirstPage<T extends BaseDoc & { createdAt: Date }>(
  collection: CollectionPort<T>,
  filter: Filter,
  args: PageArgs,
): Promise<Page<T>> {
  const size = pageSize(args.first);
  let where = filter;
  if (args.after) {
    const [iso, id] = decode(args.after, 2);
    const at = new Date(String(iso));
    if (Number.isNaN(at.getTime()) || typeof id !== 'string')
      throw badInput('after: not a cursor returned by this API');
    where = { $and: [filter, { $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: id } }] }] };
  }
  const docs = await collection.find(where, { sort: { createdAt: -1, _id: -1 }, limit: size + 1 });
  return toPage(docs.slice(0, size), docs.length > size, (d) => encode([d.createdAt.toISOString(), d._id]));
}

/** Ascending keyset pagination on one unique string field (e.g. email). */
export async function ascendingPage<T extends BaseDoc>(
  collection: CollectionPort<T>,
  filter: Filter,
  field: keyof T & string,
  args: PageArgs,
): Promise<Page<T>> {
  const size = pageSize(args.first);
  const where = args.after ? { $and: [filter, { [field]: { $gt: String(decode(args.after, 1)[0]) } }] } : filter;
  const docs = await collection.find(where, { sort: { [field]: 1 }, limit: size + 1 });
  return toPage(docs.slice(0, size), docs.length > size, (d) => encode([d[field]]));
}

/**
 * Keyset pagination on (field desc, _id desc) for a number or Date field that several documents may
 * share (a balance, a last-activity time): `_id` breaks ties, so no document repeats or is skipped.
 */
export async function descendingPage<T extends BaseDoc>(
  collection: CollectionPort<T>,
  filter: Filter,
  field: keyof T & string,
  args: PageArgs,
): Promise<Page<T>> {
  const size = pageSize(args.first);
  let where = filter;
  if (args.after) {
    const [kind, raw, id] = decode(args.after, 3);
    const value = kind === 'd' ? new Date(String(raw)) : raw;
    const valid = kind === 'd' ? !Number.isNaN((value as Date).getTime()) : kind === 'n' && typeof raw === 'number';
    if (!valid || typeof id !== 'string') throw badInput('after: not a cursor returned by this API');
    where = { $and: [filter, { $or: [{ [field]: { $lt: value } }, { [field]: value, _id: { $lt: id } }] }] };
  }
  const docs = await collection.find(where, { sort: { [field]: -1, _id: -1 }, limit: size + 1 });
  return toPage(docs.slice(0, size), docs.length > size, (d) => {
    const v = d[field] as unknown;
    return encode(v instanceof Date ? ['d', v.toISOString(), d._id] : ['n', v, d._id]);
  });
}

function toPage<T>(items: T[], hasNextPage: boolean, cursorOf: (item: T) => string): Page<T> {
  const cursors = items.map(cursorOf);
  return {
    items,
    cursors,
    hasNextPage,
    startCursor: cursors[0] ?? null,
    endCursor: cursors[cursors.length - 1] ?? null,
  };
}

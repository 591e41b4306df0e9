import { DuplicateKeyError } from '../../domain/errors.js';

interface ServerError {
  code?: number;
  errmsg?: string;
  message?: string;
  keyValue?: Record<string, unknown>;
  /** MongoBulkWriteError (insertMany): the first write error carries the key. */
  writeErrors?: { err?: { keyValue?: Record<string, unknown>; errmsg?: string } }[];
}

/** Maps MongoDB's duplicate-key error (11000) to the one domain error both adapters raise. */
export function mapError(collection: string, error: unknown): unknown {
  const e = error as ServerError | undefined;
  if (e?.code !== 11000) return error;
  const first = e.writeErrors?.[0]?.err;
  const text = first?.errmsg ?? e.errmsg ?? e.message ?? '';
  const index = /index: (\S+) dup key/.exec(text)?.[1] ?? 'unknown';
  return new DuplicateKeyError(collection, index, first?.keyValue ?? e.keyValue ?? {});
}

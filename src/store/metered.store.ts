import type { CollectionName } from '../domain/ports/documents.js';
import type { CollectionPort, Store, StoreTx } from '../domain/ports/store.port.js';

/** Called with the kinds of ledger entries once they are committed. */
export type LedgerMovementObserver = (kinds: readonly string[]) => void;

const bound = <T extends object>(target: T, prop: string | symbol): unknown => {
  const value: unknown = Reflect.get(target, prop, target);
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
};

function observeInserts<T extends object>(collection: T, record: (kinds: string[]) => void): T {
  return new Proxy(collection, {
    get(target, prop) {
      const port = target as unknown as CollectionPort<{ _id: string; kind?: string }>;
      if (prop === 'insertOne')
        return async (doc: { _id: string; kind?: string }) => {
          await port.insertOne(doc);
          record([String(doc.kind)]);
        };
      if (prop === 'insertMany')
        return async (docs: ReadonlyArray<{ _id: string; kind?: string }>) => {
          await port.insertMany(docs);
          record(docs.map((d) => String(d.kind)));
        };
      return bound(target, prop);
    },
  });
}

/**
 * The store as the services see it, reporting every ledger entry written — by any service — once
 * it is committed: a transaction's entries are held until it commits (an attempt that is retried
 * or aborted reports nothing). Everything else (the backup capabilities of the adapter included)
 * passes through untouched, so the domain stays free of telemetry.
 */
export function observeLedgerMovements(store: Store, observe: LedgerMovementObserver): Store {
  const wrap = (name: CollectionName, c: unknown, record: (kinds: string[]) => void) =>
    name === 'ledgerEntries' ? observeInserts(c as object, record) : c;
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'collection') return (name: CollectionName) => wrap(name, target.collection(name), observe);
      if (prop === 'transaction')
        return async <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
          let pending: string[] = [];
          const result = await target.transaction((tx) => {
            pending = [];
            const metered = new Proxy(tx, {
              get: (t, p) =>
                p === 'collection'
                  ? (name: CollectionName) => wrap(name, t.collection(name), (k) => pending.push(...k))
                  : bound(t, p),
            });
            return fn(metered);
          });
          if (pending.length > 0) observe(pending);
          return result;
        };
      return bound(target, prop);
    },
  });
}

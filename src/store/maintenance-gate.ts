import type { CollectionName } from '../domain/ports/documents.js';
import type { CollectionPort, Store, StoreTx } from '../domain/ports/store.port.js';
import { maintenanceError, readMaintenance } from '../domain/maintenance/maintenance.service.js';

/**
 * Bookkeeping that must keep working during maintenance: job leases and runs (the restore itself
 * holds the backup lease and renews it), and the switch and the restore journal themselves.
 */
export const MAINTENANCE_EXEMPT: ReadonlySet<CollectionName> = new Set([
  'jobLocks',
  'jobRuns',
  'maintenance',
  'restoreJournal',
]);

/** Everything else a collection offers is a write (and refused in maintenance): a new method is gated by default. */
const READS: ReadonlySet<string> = new Set(['find', 'findOne', 'count', 'sumBy', 'sumByDay']);

type AnyPort = CollectionPort<{ _id: string }>;

function gatedCollection(port: AnyPort, write: <R>(op: (c: AnyPort) => Promise<R>) => Promise<R>): AnyPort {
  // One wrapper per method and port, made on first use: ports live as long as their transaction.
  const methods = new Map<string | symbol, unknown>();
  return new Proxy(port, {
    get(target, prop) {
      const known = methods.get(prop);
      if (known !== undefined) return known;
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const method =
        typeof prop === 'string' && READS.has(prop)
          ? value.bind(target)
          : (...args: unknown[]) =>
              write((c) => (Reflect.get(c, prop, c) as (...a: unknown[]) => Promise<unknown>).apply(c, args));
      methods.set(prop, method);
      return method;
    },
  });
}

/**
 * The transaction as its callback sees it: the first write reads the switch, in the transaction;
 * once it found maintenance off, later writes go straight through. Each collection is gated once
 * per transaction attempt (services ask for the same few many times).
 */
function gatedTx(tx: StoreTx): StoreTx {
  let check: Promise<void> | undefined;
  let writable = false;
  const checked = () =>
    (check ??= readMaintenance(tx).then((state) => {
      if (state) throw maintenanceError(state);
      writable = true;
    }));
  const ports = new Map<CollectionName, unknown>();
  const gate = (name: CollectionName): unknown => {
    const port = tx.collection(name) as unknown as AnyPort;
    if (MAINTENANCE_EXEMPT.has(name)) return port;
    return gatedCollection(port, async (op) => {
      if (!writable) await checked();
      return op(port);
    });
  };
  return {
    collection: <N extends CollectionName>(name: N) => {
      let port = ports.get(name);
      if (port === undefined) ports.set(name, (port = gate(name)));
      return port as ReturnType<StoreTx['collection']> as never;
    },
  };
}

/**
 * The store every service writes through. Each write reads the maintenance switch inside the same
 * transaction as the write (a lone write outside a transaction becomes a transaction of its own),
 * so on every replica a write either sees maintenance on and is refused with MAINTENANCE, or runs
 * in a transaction whose snapshot predates the switch — the restore waits those out
 * (BackupSource.drainTransactions) before it swaps anything. Reads are never refused.
 *
 * The check happens at the first write, not at the start: a read-only transaction (a report, a
 * balance) keeps working in maintenance, and a transaction whose first operation predated the
 * switch is one the drain waits for anyway.
 */
export function gateWrites<S extends Store>(store: S): S {
  const collection = <N extends CollectionName>(name: N) => {
    const port = store.collection(name);
    if (MAINTENANCE_EXEMPT.has(name)) return port;
    return gatedCollection(port as unknown as AnyPort, (op) =>
      store.transaction((tx) => op(gatedTx(tx).collection(name) as unknown as AnyPort)),
    ) as unknown as typeof port;
  };
  const transaction = <T>(fn: (tx: StoreTx) => Promise<T>) => store.transaction((tx) => fn(gatedTx(tx)));
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'collection') return collection;
      if (prop === 'transaction') return transaction;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

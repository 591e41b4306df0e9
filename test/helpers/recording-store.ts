import type { CollectionName } from '../../src/domain/ports/documents.js';
import type { Store, StoreTx } from '../../src/domain/ports/store.port.js';
import type { MemoryStore } from '../../src/store/memory/memory.store.js';

/**
 * The real store, noting every collection call made through it (`accounts.updateOne`, …), inside
 * transactions or not: what a path costs in store operations, without replacing any of them.
 */
export function recording(store: MemoryStore): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const noted = <C extends object>(name: CollectionName, c: C): C =>
    new Proxy(c, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(`${name}.${String(prop)}`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const tracked = (db: Pick<Store, 'collection'>) => (name: CollectionName) => noted(name, db.collection(name));
  const wrapped = new Proxy(store, {
    get(target, prop) {
      if (prop === 'collection') return tracked(target);
      if (prop === 'transaction')
        return <T>(fn: (tx: StoreTx) => Promise<T>) =>
          target.transaction((tx) => fn({ collection: tracked(tx) } as StoreTx));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: wrapped, calls };
}

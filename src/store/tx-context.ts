import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which transaction the running code belongs to, so that a nested `transaction()` or a write
 * through `store.collection()` inside a transaction body is refused. On Node 20 an enabled
 * AsyncLocalStorage runs a hook on every promise the process creates (GraphQL requests included),
 * so the tracking is switched on only while at least one transaction is open: `scope` counts a
 * transaction from its call to its end (lock waits and retries included), and the last one to end
 * switches it off. `run` switches it back on.
 */
export class TxContext<T> {
  private readonly storage = new AsyncLocalStorage<T>();
  private open = 0;

  current(): T | undefined {
    return this.storage.getStore();
  }

  async scope<R>(fn: () => Promise<R>): Promise<R> {
    this.open += 1;
    try {
      return await fn();
    } finally {
      this.open -= 1;
      if (this.open === 0) this.storage.disable();
    }
  }

  run<R>(tx: T, fn: () => R): R {
    return this.storage.run(tx, fn);
  }
}

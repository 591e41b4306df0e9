import { DomainError } from './errors.js';
import { idempotent, type Idempotent } from './idempotency.js';
import type { IdempotencyKeyDoc } from './ports/documents.js';
import type { Clock } from './ports/runtime.port.js';
import type { Store } from './ports/store.port.js';

/**
 * `idempotencyKeys`: keys of requests whose effect is not one store transaction (a support replay
 * of a Stripe event, an on-demand backup). The unique (scope, key) index admits one runner; every
 * other delivery of the request replays the stored result, or hears that it is still running.
 */
export class IdempotencyKeyRepository {
  constructor(private readonly o: { store: Store; clock: Clock }) {}

  private get keys() {
    return this.o.store.collection('idempotencyKeys');
  }

  /**
   * Runs `work` once per (scope, key). A failed run gives the key back, so the request may be tried
   * again; a different request under the same key is IDEMPOTENCY_KEY_REUSED.
   */
  async once<R extends Record<string, unknown>>(
    request: { scope: string; key: string; fingerprint: string },
    work: () => Promise<R>,
  ): Promise<Idempotent<R>> {
    const { scope, key, fingerprint } = request;
    return idempotent<IdempotencyKeyDoc, R>({
      key,
      find: () => this.keys.findOne({ scope, key }),
      sameRequest: (stored) => stored.fingerprint === fingerprint,
      replay: (stored) => {
        if (stored.status === 'done') return (stored.result ?? {}) as R;
        throw new DomainError('CONFLICT', 'this request is still being handled; try again in a moment', {
          idempotencyKey: key,
        });
      },
      claim: async () => {
        const _id = this.o.store.newId();
        await this.keys.insertOne({ _id, scope, key, fingerprint, status: 'running', createdAt: this.o.clock.now() });
        let result: R;
        try {
          result = await work();
        } catch (error) {
          await this.keys.deleteOne({ _id, status: 'running' }).catch(() => undefined);
          throw error;
        }
        await this.keys.updateOne({ _id }, { $set: { status: 'done', result, completedAt: this.o.clock.now() } });
        return result;
      },
    });
  }
}

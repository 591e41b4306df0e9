import { newestFirstPage } from '../page.repository.js';
import type { Page, PageArgs } from '../pagination.js';
import type { PurchaseDoc, PurchaseStatus } from '../ports/documents.js';
import type { Db, Store } from '../ports/store.port.js';

type PurchaseFields = Partial<Omit<PurchaseDoc, '_id'>>;
type PurchaseCounters = Partial<Pick<PurchaseDoc, 'creditsClawedBack' | 'clawbackShortfall'>>;

/**
 * The `purchases` collection: one row per Checkout session (unique), found by session, by the
 * buyer's idempotency key, or by the payment a refund or dispute names.
 */
export class PurchaseRepository {
  constructor(private readonly o: { store: Store }) {}

  private purchases(db: Db = this.o.store) {
    return db.collection('purchases');
  }

  byId(id: string): Promise<PurchaseDoc | null> {
    return this.purchases().findOne({ _id: id });
  }

  bySession(checkoutSessionId: string, db?: Db): Promise<PurchaseDoc | null> {
    return this.purchases(db).findOne({ checkoutSessionId });
  }

  byKey(accountId: string, idempotencyKey: string): Promise<PurchaseDoc | null> {
    return this.purchases().findOne({ accountId, idempotencyKey });
  }

  /** By payment intent first (always set once paid), else by charge. */
  async byPayment(paymentIntentId: string | null, chargeId: string | null, db?: Db): Promise<PurchaseDoc | null> {
    if (paymentIntentId) {
      const byIntent = await this.purchases(db).findOne({ paymentIntentId });
      if (byIntent) return byIntent;
    }
    return chargeId ? this.purchases(db).findOne({ chargeId }) : null;
  }

  async insert(doc: PurchaseDoc, db?: Db): Promise<void> {
    await this.purchases(db).insertOne(doc);
  }

  async update(id: string, set: PurchaseFields, inc: PurchaseCounters = {}, db?: Db): Promise<void> {
    await this.purchases(db).updateOne(
      { _id: id },
      Object.keys(inc).length > 0 ? { $set: set, $inc: inc } : { $set: set },
    );
  }

  /** Marks a session that will never be paid, unless it was paid (or refunded…) meanwhile. */
  async closeUnpaid(id: string, to: Extract<PurchaseStatus, 'failed' | 'expired'>, now: Date, db?: Db): Promise<void> {
    await this.purchases(db).updateOne(
      { _id: id, status: { $in: ['open', 'failed', 'expired'] } },
      { $set: { status: to, updatedAt: now } },
    );
  }

  recent(accountId: string, limit: number): Promise<PurchaseDoc[]> {
    return this.purchases().find({ accountId }, { sort: { createdAt: -1, _id: -1 }, limit });
  }

  page(accountId: string, args: PageArgs): Promise<Page<PurchaseDoc>> {
    return newestFirstPage(this.purchases(), { accountId }, args);
  }
}

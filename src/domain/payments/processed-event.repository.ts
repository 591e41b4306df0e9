import type { ProcessedEventDoc, WebhookFailureDoc } from '../ports/documents.js';
import type { Db, Store } from '../ports/store.port.js';

/**
 * Stripe events as the service saw them: `processedEvents` (unique on source + event id, written
 * in the same transaction as the event's effect) and `webhookFailures` (one row per failing event,
 * resolved when the event finally applies).
 */
export class ProcessedEventRepository {
  constructor(private readonly o: { store: Store }) {}

  find(eventId: string, db: Db = this.o.store): Promise<ProcessedEventDoc | null> {
    return db.collection('processedEvents').findOne({ source: 'stripe', eventId });
  }

  /** Records the event and resolves its open failure, inside the event's transaction. */
  async record(doc: ProcessedEventDoc, db: Db = this.o.store): Promise<void> {
    await db.collection('processedEvents').insertOne(doc);
    await db
      .collection('webhookFailures')
      .updateOne({ eventId: doc.eventId, resolvedAt: { $exists: false } }, { $set: { resolvedAt: doc.receivedAt } });
  }

  /** Counts one more failed attempt of the event; returns the row as it is now. */
  recordFailure(failure: {
    eventId: string;
    type: string;
    error: string;
    at: Date;
  }): Promise<WebhookFailureDoc | null> {
    return this.o.store.collection('webhookFailures').updateOne(
      { eventId: failure.eventId },
      {
        $set: { type: failure.type, error: failure.error, lastSeenAt: failure.at },
        $inc: { attempts: 1 },
        $setOnInsert: { firstSeenAt: failure.at },
      },
      { upsert: true },
    );
  }

  /** Newest first; `checkoutOnly` keeps failures of `checkout.session.*` events. */
  failures(options: {
    includeResolved?: boolean;
    checkoutOnly?: boolean;
    limit: number;
  }): Promise<WebhookFailureDoc[]> {
    const filter = {
      ...(options.includeResolved ? {} : { resolvedAt: { $exists: false } }),
      ...(options.checkoutOnly ? { type: { $regex: '^checkout\\.session\\.' } } : {}),
    };
    return this.o.store
      .collection('webhookFailures')
      .find(filter, { sort: { lastSeenAt: -1, _id: -1 }, limit: options.limit });
  }
}

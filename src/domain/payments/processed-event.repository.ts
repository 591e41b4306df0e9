import { descendingPage } from '../page.repository.js';
import type { Page, PageArgs } from '../pagination.js';
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
    subject: FailureSubject;
  }): Promise<WebhookFailureDoc | null> {
    const { checkoutSessionId, accountId } = failure.subject;
    return this.o.store.collection('webhookFailures').updateOne(
      { eventId: failure.eventId },
      {
        $set: {
          type: failure.type,
          error: failure.error,
          lastSeenAt: failure.at,
          ...(checkoutSessionId ? { checkoutSessionId } : {}),
          ...(accountId ? { accountId } : {}),
        },
        $inc: { attempts: 1 },
        $setOnInsert: { firstSeenAt: failure.at },
      },
      { upsert: true },
    );
  }

  /** Most recently seen first, cursor-paged; open ones only unless `includeResolved`. */
  failures(filter: { includeResolved?: boolean }, args: PageArgs): Promise<Page<WebhookFailureDoc>> {
    const where = filter.includeResolved ? {} : { resolvedAt: { $exists: false } };
    return descendingPage(this.o.store.collection('webhookFailures'), where, 'lastSeenAt', args);
  }

  /** Open failures of events about this account or one of these Checkout sessions, most recent first. */
  openFailuresOf(accountId: string, checkoutSessionIds: string[], limit: number): Promise<WebhookFailureDoc[]> {
    return this.o.store.collection('webhookFailures').find(
      {
        resolvedAt: { $exists: false },
        $or: [{ accountId }, { checkoutSessionId: { $in: checkoutSessionIds } }],
      },
      { sort: { lastSeenAt: -1, _id: -1 }, limit },
    );
  }
}

export interface FailureSubject {
  checkoutSessionId?: string | null;
  accountId?: string | null;
}

import type { Actor, PendingConfirmationDoc } from '../ports/documents.js';
import type { Store } from '../ports/store.port.js';

/**
 * `pendingConfirmations`: one prompt per request (unique `requestKey`). Every status change is
 * conditional on the prompt still being pending, so two presses never both apply.
 */
export class ConfirmationRepository {
  constructor(private readonly o: { store: Store }) {}

  private get docs() {
    return this.o.store.collection('pendingConfirmations');
  }

  byRequest(requestKey: string): Promise<PendingConfirmationDoc | null> {
    return this.docs.findOne({ requestKey });
  }

  byId(id: string, action: PendingConfirmationDoc['action']): Promise<PendingConfirmationDoc | null> {
    return this.docs.findOne({ _id: id, action });
  }

  async insert(doc: PendingConfirmationDoc): Promise<void> {
    await this.docs.insertOne(doc);
  }

  /** Pending → `to`; null when the prompt was no longer pending. */
  resolve(
    id: string,
    to: Exclude<PendingConfirmationDoc['status'], 'pending'>,
    change: { at?: Date; by?: Actor; ledgerEntryId?: string } = {},
  ): Promise<PendingConfirmationDoc | null> {
    return this.docs.updateOne(
      { _id: id, status: 'pending' },
      {
        $set: {
          status: to,
          ...(change.at ? { resolvedAt: change.at } : {}),
          ...(change.by ? { resolvedBy: change.by } : {}),
          ...(change.ledgerEntryId ? { ledgerEntryId: change.ledgerEntryId } : {}),
        },
      },
    );
  }
}

import { toAccount } from '../accounts/account.types.js';
import type { Account } from '../accounts/account.types.js';
import { DomainError, DuplicateKeyError, notFound } from '../errors.js';
import type { Actor, PendingConfirmationDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { entityId, parseInput } from '../validation.js';
import type { ConfirmationReason, PendingRemoval } from './support.types.js';

/**
 * Removal prompts waiting for their requester. They live in the Store so that a button press can
 * reach any replica, and they expire by the injected clock so tests can move time.
 */
export class RemovalConfirmations {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly ttlMs: number;

  constructor(options: { store: Store; clock: Clock; ttlMs: number }) {
    this.store = options.store;
    this.clock = options.clock;
    this.ttlMs = options.ttlMs;
  }

  private get docs() {
    return this.store.collection('pendingConfirmations');
  }

  async findByRequest(requestKey: string): Promise<PendingConfirmationDoc | null> {
    return this.docs.findOne({ requestKey });
  }

  /** One prompt per request: a redelivered request gets the prompt the first delivery opened. */
  async open(input: {
    account: Account;
    amount: number;
    reason: string;
    idempotencyKey: string;
    actor: Actor;
    because: ConfirmationReason[];
  }): Promise<PendingRemoval> {
    const now = this.clock.now();
    const doc: PendingConfirmationDoc = {
      _id: this.store.newId(),
      action: 'credits.remove',
      requestKey: input.idempotencyKey,
      requester: input.actor,
      accountId: input.account.id,
      amount: input.amount,
      reason: input.reason,
      because: input.because,
      status: 'pending',
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.ttlMs),
    };
    try {
      await this.docs.insertOne(doc);
      return this.describe(doc);
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      const existing = await this.findByRequest(input.idempotencyKey);
      if (!existing) throw error;
      return this.describe(existing);
    }
  }

  async describe(doc: PendingConfirmationDoc): Promise<PendingRemoval> {
    const account = await this.store.collection('accounts').findOne({ _id: doc.accountId });
    if (!account) throw notFound('account', { id: doc.accountId });
    const available = account.balance - account.reserved;
    return {
      id: doc._id,
      account: toAccount(account),
      amount: doc.amount,
      reason: doc.reason,
      because: doc.because,
      wouldRemove: Math.max(0, Math.min(doc.amount, available)),
      expiresAt: doc.expiresAt,
    };
  }

  /**
   * The prompt `id` as `actor` may act on it: theirs, not cancelled, not expired. A confirmed prompt
   * is returned as is, so pressing again replays the first result.
   */
  async claim(id: string, actor: Actor): Promise<PendingConfirmationDoc> {
    const doc = await this.docs.findOne({ _id: parseInput(entityId, id) });
    if (!doc) throw notFound('confirmation', { id });
    if (doc.requester.type !== actor.type || doc.requester.id !== actor.id)
      throw new DomainError('FORBIDDEN', 'only the person who asked for this removal can confirm or cancel it', {
        id,
      });
    if (doc.status === 'confirmed') return doc;
    if (doc.status === 'pending' && this.clock.now() >= doc.expiresAt)
      await this.docs.updateOne({ _id: doc._id, status: 'pending' }, { $set: { status: 'expired' } });
    this.assertOpen(doc);
    return doc;
  }

  /** A cancelled or expired prompt is final: the member runs the command again to ask anew. */
  assertOpen(doc: PendingConfirmationDoc): void {
    if (doc.status === 'cancelled')
      throw new DomainError('CONFLICT', 'this removal was cancelled; run the command again', { id: doc._id });
    if (doc.status === 'expired' || (doc.status === 'pending' && this.clock.now() >= doc.expiresAt))
      throw new DomainError('CONFLICT', 'this confirmation has expired; run the command again', { id: doc._id });
  }

  /** True when this call moved the prompt to `confirmed` (false: someone's earlier press did). */
  async markConfirmed(doc: PendingConfirmationDoc, actor: Actor, ledgerEntryId: string): Promise<boolean> {
    const updated = await this.docs.updateOne(
      { _id: doc._id, status: 'pending' },
      { $set: { status: 'confirmed', resolvedAt: this.clock.now(), resolvedBy: actor, ledgerEntryId } },
    );
    return updated !== null;
  }

  async cancel(id: string, actor: Actor): Promise<PendingConfirmationDoc> {
    const doc = await this.claim(id, actor);
    if (doc.status === 'confirmed')
      throw new DomainError('CONFLICT', 'this removal was already confirmed', { id: doc._id });
    const updated = await this.docs.updateOne(
      { _id: doc._id, status: 'pending' },
      { $set: { status: 'cancelled', resolvedAt: this.clock.now(), resolvedBy: actor } },
    );
    if (!updated) throw new DomainError('CONFLICT', 'this removal was already handled', { id: doc._id });
    return updated;
  }
}

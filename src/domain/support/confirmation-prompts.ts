import { DomainError, notFound } from '../errors.js';
import { idempotent } from '../idempotency.js';
import type { Actor, PendingConfirmationAction, PendingConfirmationDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { entityId, parseInput } from '../validation.js';
import { ConfirmationRepository } from './confirmation.repository.js';

export type NewPrompt = Omit<PendingConfirmationDoc, '_id' | 'status' | 'createdAt' | 'expiresAt'>;

/**
 * Support actions waiting for their requester to press a button (a large removal, granting missing
 * credits). They live in the Store so that the press can reach any replica, and they expire by the
 * injected clock so tests can move time.
 */
export class ConfirmationPrompts {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly docs: ConfirmationRepository;

  constructor(options: { store: Store; clock: Clock; ttlMs: number }) {
    this.store = options.store;
    this.clock = options.clock;
    this.ttlMs = options.ttlMs;
    this.docs = new ConfirmationRepository(options);
  }

  async findByRequest(requestKey: string): Promise<PendingConfirmationDoc | null> {
    return this.docs.byRequest(requestKey);
  }

  /** One prompt per request: a redelivered request gets the prompt the first delivery opened. */
  async open(prompt: NewPrompt): Promise<PendingConfirmationDoc> {
    const { result } = await idempotent<PendingConfirmationDoc, PendingConfirmationDoc>({
      key: prompt.requestKey,
      find: () => this.docs.byRequest(prompt.requestKey),
      sameRequest: (stored) => stored.action === prompt.action && stored.accountId === prompt.accountId,
      replay: (stored) => stored,
      claim: async () => {
        const now = this.clock.now();
        const doc: PendingConfirmationDoc = {
          ...prompt,
          _id: this.store.newId(),
          status: 'pending',
          createdAt: now,
          expiresAt: new Date(now.getTime() + this.ttlMs),
        };
        await this.docs.insert(doc);
        return doc;
      },
    });
    return result;
  }

  /**
   * The prompt `id` for `action` as `actor` may act on it: theirs, not cancelled, not expired. A
   * confirmed prompt is returned as is, so pressing again replays the first result.
   */
  async claim(id: string, actor: Actor, action: PendingConfirmationAction): Promise<PendingConfirmationDoc> {
    const doc = await this.docs.byId(parseInput(entityId, id), action);
    if (!doc) throw notFound('confirmation', { id });
    if (doc.requester.type !== actor.type || doc.requester.id !== actor.id)
      throw new DomainError('FORBIDDEN', 'only the person who asked for this can confirm or cancel it', { id });
    if (doc.status === 'confirmed') return doc;
    if (doc.status === 'pending' && this.clock.now() >= doc.expiresAt) await this.docs.resolve(doc._id, 'expired');
    this.assertOpen(doc);
    return doc;
  }

  /** A cancelled or expired prompt is final: the member runs the command again to ask anew. */
  assertOpen(doc: PendingConfirmationDoc): void {
    if (doc.status === 'cancelled')
      throw new DomainError('CONFLICT', 'this was cancelled; run the command again', { id: doc._id });
    if (doc.status === 'expired' || (doc.status === 'pending' && this.clock.now() >= doc.expiresAt))
      throw new DomainError('CONFLICT', 'this confirmation has expired; run the command again', { id: doc._id });
  }

  /** True when this call moved the prompt to `confirmed` (false: someone's earlier press did). */
  async markConfirmed(doc: PendingConfirmationDoc, actor: Actor, ledgerEntryId?: string): Promise<boolean> {
    const updated = await this.docs.resolve(doc._id, 'confirmed', { at: this.clock.now(), by: actor, ledgerEntryId });
    return updated !== null;
  }

  async cancel(id: string, actor: Actor, action: PendingConfirmationAction): Promise<PendingConfirmationDoc> {
    const doc = await this.claim(id, actor, action);
    if (doc.status === 'confirmed') throw new DomainError('CONFLICT', 'this was already confirmed', { id: doc._id });
    const updated = await this.docs.resolve(doc._id, 'cancelled', { at: this.clock.now(), by: actor });
    if (!updated) throw new DomainError('CONFLICT', 'this was already handled', { id: doc._id });
    return updated;
  }
}

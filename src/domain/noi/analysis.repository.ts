import { DomainError } from '../errors.js';
import { idempotent, keyReused } from '../idempotency.js';
import { newestFirstPage } from '../page.repository.js';
import type { Page, PageArgs } from '../pagination.js';
import type { AnalysisDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Db, Store } from '../ports/store.port.js';
import { fingerprintOf, type AnalysisPlan } from './analysis.request.js';
import type { StoredResult } from './analysis.types.js';

/**
 * The `analyses` collection: one document per (account, idempotency key), unique. Status moves
 * pending → succeeded | failed, and failed → pending when the same request is retried; every move
 * is a conditional update, so two requests never run the same analysis at once.
 */
export class AnalysisRepository {
  constructor(private readonly o: { store: Store; clock: Clock }) {}

  private analyses(db: Db = this.o.store) {
    return db.collection('analyses');
  }

  /**
   * Claims the key for this request (`claimed`): a new `pending` analysis, or a failed one taken
   * back to `pending`. An existing `succeeded` or `pending` analysis comes back untouched.
   */
  async claim(accountId: string, key: string, plan: AnalysisPlan): Promise<{ doc: AnalysisDoc; claimed: boolean }> {
    const fingerprint = fingerprintOf(plan);
    const { result } = await idempotent<AnalysisDoc, { doc: AnalysisDoc; claimed: boolean }>({
      key,
      find: () => this.analyses().findOne({ accountId, idempotencyKey: key }),
      sameRequest: (existing) => existing.fingerprint === fingerprint,
      reused: () => keyReused(key, 'a different analysis'),
      replay: async (existing) => {
        if (existing.status !== 'failed') return { doc: existing, claimed: false };
        // A failed analysis charged nothing: the same request may try again under its key.
        const retried = await this.analyses().updateOne(
          { _id: existing._id, status: 'failed' },
          { $set: { status: 'pending', updatedAt: this.o.clock.now() }, $unset: { error: true, result: true } },
        );
        return retried && { doc: retried, claimed: true };
      },
      claim: async () => {
        const now = this.o.clock.now();
        const doc: AnalysisDoc = {
          _id: this.o.store.newId(),
          accountId,
          idempotencyKey: key,
          fingerprint,
          input: plan as unknown as Record<string, unknown>,
          status: 'pending',
          creditsCharged: 0,
          createdAt: now,
          updatedAt: now,
        };
        await this.analyses().insertOne(doc);
        return { doc, claimed: true };
      },
    });
    return result;
  }

  /**
   * Pending → succeeded, with its result when the run computed one. Called inside the transaction
   * that captures the credits, so an analysis is never charged without being marked succeeded.
   */
  async succeed(
    id: string,
    outcome: { creditsCharged: number; reservationId: string; result?: StoredResult; narrative?: string },
    db?: Db,
  ): Promise<AnalysisDoc> {
    const { result, narrative, creditsCharged, reservationId } = outcome;
    const done = await this.analyses(db).updateOne(
      { _id: id, status: 'pending' },
      {
        $set: {
          status: 'succeeded',
          creditsCharged,
          reservationId,
          ...(result === undefined ? {} : { result: { ...result } }),
          ...(narrative === undefined ? {} : { narrative }),
          updatedAt: this.o.clock.now(),
        },
      },
    );
    if (!done) throw new DomainError('CONFLICT', 'the analysis changed while it ran', { analysisId: id });
    return done;
  }

  async fail(id: string, error: string): Promise<void> {
    await this.analyses().updateOne(
      { _id: id, status: 'pending' },
      { $set: { status: 'failed', error, updatedAt: this.o.clock.now() }, $unset: { result: true } },
    );
  }

  async findOwn(accountId: string, id: string): Promise<AnalysisDoc | null> {
    return this.analyses().findOne({ _id: id, accountId });
  }

  async page(accountId: string, args: PageArgs): Promise<Page<AnalysisDoc>> {
    return newestFirstPage(this.analyses(), { accountId }, args);
  }
}

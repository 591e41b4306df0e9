import { DomainError, DuplicateKeyError, notFound } from '../errors.js';
import { newestFirstPage, type Page, type PageArgs } from '../pagination.js';
import type { AnalysisDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { fingerprintOf, type AnalysisPlan } from './analysis.request.js';
import type { StoredResult } from './analysis.types.js';

/**
 * The `analyses` collection: one document per (account, idempotency key), unique. Status moves
 * pending → succeeded | failed, and failed → pending when the same request is retried; every move
 * is a conditional update, so two requests never run the same analysis at once.
 */
export class AnalysisRepository {
  constructor(private readonly o: { store: Store; clock: Clock }) {}

  private get analyses() {
    return this.o.store.collection('analyses');
  }

  /**
   * Claims the key for this request (`claimed`): a new `pending` analysis, or a failed one taken
   * back to `pending`. An existing `succeeded` or `pending` analysis comes back untouched.
   */
  async claim(accountId: string, key: string, plan: AnalysisPlan): Promise<{ doc: AnalysisDoc; claimed: boolean }> {
    const fingerprint = fingerprintOf(plan);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const existing = await this.analyses.findOne({ accountId, idempotencyKey: key });
      if (existing) {
        if (existing.fingerprint !== fingerprint)
          throw new DomainError(
            'IDEMPOTENCY_KEY_REUSED',
            'this idempotency key was already used for a different analysis',
            { idempotencyKey: key },
          );
        if (existing.status !== 'failed') return { doc: existing, claimed: false };
        // A failed analysis charged nothing: the same request may try again under its key.
        const retried = await this.analyses.updateOne(
          { _id: existing._id, status: 'failed' },
          { $set: { status: 'pending', updatedAt: this.o.clock.now() }, $unset: { error: true, result: true } },
        );
        if (retried) return { doc: retried, claimed: true };
        continue;
      }
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
      try {
        await this.analyses.insertOne(doc);
        return { doc, claimed: true };
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
      }
    }
    throw new DomainError('CONFLICT', 'this analysis is being changed concurrently; try again');
  }

  /** Stored before the credits are captured, so a run that dies after capturing can be finished. */
  async storeResult(
    id: string,
    result: StoredResult,
    narrative: string | undefined,
    reservationId: string,
  ): Promise<AnalysisDoc> {
    const stored = await this.analyses.updateOne(
      { _id: id, status: 'pending' },
      {
        $set: {
          result: { ...result },
          ...(narrative === undefined ? {} : { narrative }),
          reservationId,
          updatedAt: this.o.clock.now(),
        },
      },
    );
    if (!stored) throw new DomainError('CONFLICT', 'the analysis changed while it ran', { analysisId: id });
    return stored;
  }

  async succeed(id: string, creditsCharged: number, reservationId: string): Promise<AnalysisDoc> {
    const done = await this.analyses.updateOne(
      { _id: id },
      { $set: { status: 'succeeded', creditsCharged, reservationId, updatedAt: this.o.clock.now() } },
    );
    if (!done) throw notFound('analysis', { id });
    return done;
  }

  async fail(id: string, error: string): Promise<void> {
    await this.analyses.updateOne(
      { _id: id, status: 'pending' },
      { $set: { status: 'failed', error, updatedAt: this.o.clock.now() }, $unset: { result: true } },
    );
  }

  async findOwn(accountId: string, id: string): Promise<AnalysisDoc | null> {
    return this.analyses.findOne({ _id: id, accountId });
  }

  async page(accountId: string, args: PageArgs): Promise<Page<AnalysisDoc>> {
    return newestFirstPage(this.analyses, { accountId }, args);
  }
}

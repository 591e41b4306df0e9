import { z } from 'zod';
import { DomainError, isDomainError, notFound } from '../errors.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { Reservation } from '../ledger/ledger.types.js';
import { mapPage, type Page, type PageArgs } from '../pagination.js';
import type { Actor, AnalysisDoc } from '../ports/documents.js';
import type { Clock, Logger } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { entityId, idempotencyKey, parseInput } from '../validation.js';
import { AnalysisRepository } from './analysis.repository.js';
import { planAnalysis, withSupplement, type AnalysisPlan, type AnalyzePropertyInput } from './analysis.request.js';
import { toAnalysis, type Analysis } from './analysis.types.js';
import { calculateNoi } from './noi.calculator.js';
import { narrativeFacts } from './narrative-facts.mapper.js';
import type { NoiInput, NoiResult } from './noi.types.js';
import { parseNoiInput } from './noi.validation.js';
import { transactionWithRetry } from '../transaction.js';
import type { StatementExtractor } from './statement-extractor.port.js';

export interface AnalysisServiceOptions {
  store: Store;
  clock: Clock;
  ledger: LedgerService;
  /** Absent when OPENAI_API_KEY is not configured: typed input still works. */
  extractor?: StatementExtractor;
  /** ANALYSIS_COST_CREDITS. */
  costCredits: number;
  logger?: Logger;
}

export interface AnalyzePropertyRequest {
  accountId: string;
  input: AnalyzePropertyInput;
  idempotencyKey: string;
  actor: Actor;
}

const MAX_NARRATIVE_CHARS = 2_000;
const envelope = z.object({ accountId: entityId, idempotencyKey });

/**
 * Paid NOI analyses. Order of a run, and why:
 * 1. validate the request (bad input and missing configuration cost nothing);
 * 2. claim the idempotency key with a `pending` analysis (a replay returns the first analysis);
 * 3. reserve the credits — before any model call, so an account without credits costs us nothing;
 * 4. read the statement (model), validate what it read exactly like typed input, compute, narrate;
 * 5. on success, capture the credits and record the result in ONE transaction (never charged
 *    without succeeding, nor succeeded without being charged); release on any failure, including
 *    an unexpected throw (finally).
 */
export class AnalysisService {
  private readonly repo: AnalysisRepository;

  constructor(private readonly o: AnalysisServiceOptions) {
    this.repo = new AnalysisRepository(o);
  }

  async analyzeProperty(request: AnalyzePropertyRequest): Promise<Analysis> {
    const { accountId, idempotencyKey: key } = parseInput(envelope, request);
    const plan = planAnalysis(request.input);
    if ((plan.source === 'STATEMENT' || plan.narrative) && !this.o.extractor)
      throw new DomainError(
        'CONFIGURATION',
        plan.source === 'STATEMENT'
          ? 'reading pasted statements is not configured on this server (no OPENAI_API_KEY); enter the figures instead'
          : 'narratives are not configured on this server (no OPENAI_API_KEY); ask without narrative',
      );
    const { doc, claimed } = await this.repo.claim(accountId, key, plan);
    if (claimed) return this.run(doc, plan, request.actor);
    return toAnalysis(doc.status === 'succeeded' ? doc : await this.healOrRefuse(doc));
  }

  async getAnalysis(accountId: string, id: string): Promise<Analysis> {
    const doc = await this.repo.findOwn(parseInput(entityId, accountId), parseInput(entityId, id));
    if (!doc) throw notFound('analysis', { id });
    return toAnalysis(doc);
  }

  async listAnalyses(accountId: string, args: PageArgs): Promise<Page<Analysis>> {
    return mapPage(await this.repo.page(parseInput(entityId, accountId), args), toAnalysis);
  }

  /**
   * Gives back credits held by analyses that never finished (the process died between reserve and
   * capture/release) and marks those analyses failed. Only reservations older than `olderThan` are
   * touched, which the caller sets well beyond the longest possible run.
   */
  async releaseAbandoned(olderThan: Date): Promise<{ released: number; analysisIds: string[] }> {
    const held = await this.o.ledger.heldReservations({ sourceType: 'analysis', olderThan });
    const analysisIds: string[] = [];
    let released = 0;
    for (const r of held) {
      if (!(await this.release(r))) continue;
      released += 1;
      if (!r.source.ref) continue;
      await this.repo.fail(r.source.ref, 'the analysis did not finish; nothing was charged');
      analysisIds.push(r.source.ref);
    }
    return { released, analysisIds };
  }

  /**
   * A pending analysis is either still running elsewhere, or (written by versions that stored the
   * result, captured and marked success in separate steps) a run that was charged and then failed
   * to record success: finish the latter.
   */
  private async healOrRefuse(doc: AnalysisDoc): Promise<AnalysisDoc> {
    if (doc.reservationId && doc.result) {
      const reservation = await this.o.ledger.getReservation(doc.reservationId);
      if (reservation.status === 'captured')
        return this.repo.succeed(doc._id, { creditsCharged: reservation.amount, reservationId: reservation.id });
    }
    throw new DomainError('CONFLICT', 'an analysis with this idempotency key is still running; try again shortly', {
      analysisId: doc._id,
    });
  }

  private async run(doc: AnalysisDoc, plan: AnalysisPlan, actor: Actor): Promise<Analysis> {
    let reservation: Reservation;
    try {
      reservation = await this.o.ledger.reserve({
        accountId: doc.accountId,
        amount: this.o.costCredits,
        reason: 'NOI analysis',
        // One reservation per attempt: a failed analysis retried under its key reserves afresh.
        idempotencyKey: `analysis:${doc._id}:${this.o.store.newId()}`,
        actor,
        source: { type: 'analysis', ref: doc._id },
      });
    } catch (error) {
      await this.fail(doc, error);
      throw error;
    }
    let settled = false;
    try {
      const input = plan.source === 'INPUT' ? plan.input : await this.read(plan);
      const figures = calculateNoi(input);
      const narrative = plan.narrative ? await this.narrate(input, figures) : undefined;
      const succeeded = await transactionWithRetry(this.o.store, async (tx) => {
        await this.o.ledger.captureInTx(tx, reservation.id);
        const outcome = { creditsCharged: reservation.amount, reservationId: reservation.id };
        return this.repo.succeed(doc._id, { ...outcome, result: { input, figures }, narrative }, tx);
      });
      settled = true;
      return toAnalysis(succeeded);
    } catch (error) {
      if (settled) throw error;
      settled = await this.release(reservation);
      await this.fail(doc, error);
      throw settled ? nothingCharged(error) : error;
    } finally {
      // One more try when the release above failed (e.g. the store was briefly unreachable).
      if (!settled) await this.release(reservation);
    }
  }

  private async read(plan: Extract<AnalysisPlan, { source: 'STATEMENT' }>): Promise<NoiInput> {
    const candidate = await this.extractor().extract(plan.statementText);
    try {
      return parseNoiInput(withSupplement(candidate, plan.supplement));
    } catch (error) {
      if (!isDomainError(error)) throw error;
      throw new DomainError(
        'BAD_USER_INPUT',
        `the figures read from the statement are not usable (${error.message}); check the statement or enter the figures directly`,
        { ...error.details, source: 'statement' },
      );
    }
  }

  private async narrate(input: NoiInput, figures: NoiResult): Promise<string> {
    const text = (await this.extractor().narrate(narrativeFacts(input, figures))).trim();
    if (!text) throw new DomainError('UPSTREAM_FAILED', 'the model returned an empty narrative');
    return text.length > MAX_NARRATIVE_CHARS ? `${text.slice(0, MAX_NARRATIVE_CHARS - 1)}…` : text;
  }

  private extractor(): StatementExtractor {
    if (!this.o.extractor) throw new DomainError('CONFIGURATION', 'no statement reader is configured');
    return this.o.extractor;
  }

  private async release(reservation: Reservation): Promise<boolean> {
    try {
      await this.o.ledger.release(reservation.id);
      return true;
    } catch (error) {
      this.o.logger?.error({ err: error, reservationId: reservation.id }, 'could not release an analysis reservation');
      return false;
    }
  }

  private async fail(doc: AnalysisDoc, error: unknown): Promise<void> {
    if (!isDomainError(error)) this.o.logger?.error({ err: error, analysisId: doc._id }, 'analysis failed');
    await this.repo
      .fail(doc._id, isDomainError(error) ? error.message : 'internal error')
      .catch((e: unknown) => this.o.logger?.error({ err: e, analysisId: doc._id }, 'could not mark analysis failed'));
  }
}

/** Says so in the error when the reservation was given back. */
function nothingCharged(error: unknown): unknown {
  if (!isDomainError(error)) return error;
  return new DomainError(error.code, `${error.message}; nothing was charged`, { ...error.details, creditsCharged: 0 });
}

import { newestFirstPage } from '../page.repository.js';
import type { Page, PageArgs } from '../pagination.js';
import type { LedgerEntryDoc, ReservationDoc, ReservationStatus, SourceType } from '../ports/documents.js';
import type { DailySum, Db, Store } from '../ports/store.port.js';

/**
 * The ledger aggregate's storage: append-only `ledgerEntries` and the `reservations` that hold
 * credits between reserve and capture/release. Both are unique on (accountId, idempotencyKey), the
 * index that makes every balance change happen at most once.
 */
export class LedgerRepository {
  constructor(private readonly o: { store: Store }) {}

  private entries(db: Db = this.o.store) {
    return db.collection('ledgerEntries');
  }

  private reservations(db: Db = this.o.store) {
    return db.collection('reservations');
  }

  entryByKey(accountId: string, idempotencyKey: string, db?: Db): Promise<LedgerEntryDoc | null> {
    return this.entries(db).findOne({ accountId, idempotencyKey });
  }

  entryById(id: string, db?: Db): Promise<LedgerEntryDoc | null> {
    return this.entries(db).findOne({ _id: id });
  }

  append(entry: LedgerEntryDoc, db?: Db): Promise<void> {
    return this.entries(db).insertOne(entry);
  }

  /** Newest first, cursor-paged (GraphQL). */
  page(accountId: string, args: PageArgs): Promise<Page<LedgerEntryDoc>> {
    return newestFirstPage(this.entries(), { accountId }, args);
  }

  /** Newest first, by page number (chat, where a member asks for "page 3"). */
  async numberedPage(
    accountId: string,
    page: number,
    size: number,
  ): Promise<{ docs: LedgerEntryDoc[]; hasMore: boolean }> {
    const docs = await this.entries().find(
      { accountId },
      { sort: { createdAt: -1, _id: -1 }, skip: (page - 1) * size, limit: size + 1 },
    );
    return { docs: docs.slice(0, size), hasMore: docs.length > size };
  }

  /** Σ amount per account: what every balance must equal. */
  sumsByAccount(): Promise<Map<string, number>> {
    return this.entries().sumBy('accountId', 'amount');
  }

  /**
   * Σ amount of purchase and spend entries per UTC day and kind since `from`, summed by the engine
   * (an aggregation on MongoDB): the entries themselves never cross the wire.
   */
  purchaseAndSpendByDay(from: Date): Promise<DailySum[]> {
    return this.entries().sumByDay('createdAt', 'kind', 'amount', {
      kind: { $in: ['purchase', 'spend'] },
      createdAt: { $gte: from },
    });
  }

  reservationByKey(accountId: string, idempotencyKey: string, db?: Db): Promise<ReservationDoc | null> {
    return this.reservations(db).findOne({ accountId, idempotencyKey });
  }

  reservationById(id: string, db?: Db): Promise<ReservationDoc | null> {
    return this.reservations(db).findOne({ _id: id });
  }

  async insertReservation(doc: ReservationDoc, db?: Db): Promise<void> {
    await this.reservations(db).insertOne(doc);
  }

  /** Held → captured/released, once. */
  async settleReservation(id: string, to: ReservationStatus, entryId: string, at: Date, db?: Db): Promise<void> {
    await this.reservations(db).updateOne(
      { _id: id, status: 'held' },
      { $set: { status: to, settledEntryId: entryId, settledAt: at } },
    );
  }

  /** Still held since before `olderThan`: work that died between reserve and settle. */
  heldReservations(sourceType: SourceType, olderThan: Date, limit: number): Promise<ReservationDoc[]> {
    return this.reservations().find(
      { status: 'held', 'source.type': sourceType, createdAt: { $lt: olderThan } },
      { sort: { createdAt: 1, _id: 1 }, limit },
    );
  }

  /** One account's Σ entries and Σ held reservations, read through `db` (in a transaction: one snapshot). */
  async totalsOf(accountId: string, db?: Db): Promise<{ ledgerSum: number; held: number; hasEntries: boolean }> {
    const sums = await this.entries(db).sumBy('accountId', 'amount', { accountId });
    const held = await this.reservations(db).sumBy('accountId', 'amount', { accountId, status: 'held' });
    return { ledgerSum: sums.get(accountId) ?? 0, held: held.get(accountId) ?? 0, hasEntries: sums.has(accountId) };
  }

  /** Σ held reservations per account: what every `reserved` must equal. */
  heldByAccount(): Promise<Map<string, number>> {
    return this.reservations().sumBy('accountId', 'amount', { status: 'held' });
  }
}

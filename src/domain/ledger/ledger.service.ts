import { z } from 'zod';
import { DomainError, DuplicateKeyError, notFound } from '../errors.js';
import { mapPage, newestFirstPage, type Page, type PageArgs } from '../pagination.js';
import type { AccountDoc, Actor, LedgerEntryDoc, LedgerKind, SourceType } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store, StoreTx } from '../ports/store.port.js';
import { creditAmount, entityId, idempotencyKey, parseInput, reasonText, signedCreditAmount } from '../validation.js';
import {
  toLedgerEntry,
  toReservation,
  type Clawback,
  type LedgerEntry,
  type LedgerVerification,
  type Reservation,
} from './ledger.types.js';
import { verifyLedger } from './ledger-verify.js';

export interface LedgerServiceOptions {
  store: Store;
  clock: Clock;
}

export interface Source {
  type: SourceType;
  ref?: string;
}

const source = z.object({
  type: z.enum(['stripe', 'support', 'analysis', 'system']),
  ref: z.string().max(200).optional(),
});
const actor = z.object({
  type: z.enum(['user', 'support', 'admin', 'service', 'system', 'stripe', 'discord']),
  id: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
});
const base = { accountId: entityId, reason: reasonText, idempotencyKey, actor };
const grantInput = z.object({
  ...base,
  amount: creditAmount,
  kind: z.enum(['purchase', 'bonus', 'adjustment']).default('purchase'),
  source,
});
const spendInput = z.object({ ...base, amount: creditAmount, source: source.default({ type: 'system' }) });
const adjustInput = z.object({ ...base, amount: signedCreditAmount, clampToAvailable: z.boolean().default(false) });
const clawbackInput = z.object({
  ...base,
  amount: creditAmount,
  kind: z.enum(['refund_clawback', 'dispute_clawback']),
  source,
});

export type GrantInput = z.input<typeof grantInput>;
export type SpendInput = z.input<typeof spendInput>;
export type ReserveInput = z.input<typeof spendInput>;
export type AdjustInput = z.input<typeof adjustInput>;
export type ClawbackInput = z.input<typeof clawbackInput>;

/** One balance movement, after validation. */
interface Movement {
  accountId: string;
  idempotencyKey: string;
  fingerprint: string;
  balanceDelta: number;
  reservedDelta: number;
  kind: LedgerKind;
  source: Source;
  actor: Actor;
  reason: string;
  reservationId?: string;
  /** Spending needs an active account; money received and support fixes do not. */
  blockedWhenFrozen: boolean;
}

/**
 * The credit ledger. Every balance change is one transaction that (1) replays an earlier request
 * with the same idempotency key, or (2) moves the account's balance/reserved with a conditional
 * update and appends the ledger entry that explains it. Invariants: balance ≥ 0, reserved ≥ 0,
 * reserved ≤ balance, balance == Σ entries.amount.
 */
export class LedgerService {
  private readonly store: Store;
  private readonly clock: Clock;

  constructor(options: LedgerServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
  }

  async grant(input: GrantInput): Promise<LedgerEntry> {
    return this.run((tx) => this.grantInTx(tx, input));
  }

  /** For callers that must grant inside their own transaction (e.g. a Stripe event + its record). */
  async grantInTx(tx: StoreTx, input: GrantInput): Promise<LedgerEntry> {
    const i = parseInput(grantInput, input);
    return this.move(tx, {
      ...i,
      fingerprint: fingerprint('grant', i.amount, i.kind, i.reason, i.source),
      balanceDelta: i.amount,
      reservedDelta: 0,
      blockedWhenFrozen: false,
    });
  }

  async spend(input: SpendInput): Promise<LedgerEntry> {
    const i = parseInput(spendInput, input);
    return this.run((tx) =>
      this.move(tx, {
        ...i,
        kind: 'spend',
        fingerprint: fingerprint('spend', i.amount, i.reason, i.source),
        balanceDelta: -i.amount,
        reservedDelta: 0,
        blockedWhenFrozen: true,
      }),
    );
  }

  /** Support's signed correction; always lands in the audit log with balance before and after. */
  async adjust(input: AdjustInput): Promise<LedgerEntry> {
    const i = parseInput(adjustInput, input);
    const fp = fingerprint('adjust', i.amount, i.reason, i.clampToAvailable);
    return this.run(async (tx) => {
      const replay = await this.replay(tx, i.accountId, i.idempotencyKey, fp);
      if (replay) return replay;
      let amount = i.amount;
      if (amount < 0 && i.clampToAvailable) {
        const account = await this.account(tx, i.accountId);
        amount = -Math.min(-amount, account.balance - account.reserved);
        if (amount === 0) throw insufficient(account, -i.amount);
      }
      const entry = await this.move(tx, {
        ...i,
        kind: 'adjustment',
        source: { type: 'support' },
        fingerprint: fp,
        balanceDelta: amount,
        reservedDelta: 0,
        blockedWhenFrozen: false,
      });
      await tx.collection('auditLog').insertOne({
        _id: this.store.newId(),
        actor: i.actor,
        action: 'credits.adjust',
        target: { type: 'account', id: i.accountId },
        amount: entry.amount,
        balanceBefore: entry.balanceAfter - entry.amount,
        balanceAfter: entry.balanceAfter,
        reason: i.reason,
        ledgerEntryId: entry.id,
        details: amount === i.amount ? {} : { requested: i.amount, clamped: true },
        createdAt: entry.createdAt,
      });
      return entry;
    });
  }

  /** Takes back up to `amount`, never below zero; what could not be taken is the shortfall. */
  async clawbackInTx(tx: StoreTx, input: ClawbackInput): Promise<Clawback> {
    const i = parseInput(clawbackInput, input);
    const fp = fingerprint('clawback', i.amount, i.kind, i.reason, i.source);
    const replay = await this.replay(tx, i.accountId, i.idempotencyKey, fp);
    const account = await this.account(tx, i.accountId);
    if (replay)
      return { entry: replay, requested: i.amount, taken: -replay.amount, shortfall: i.amount + replay.amount };
    const taken = Math.min(i.amount, account.balance - account.reserved);
    if (taken <= 0) return { entry: null, requested: i.amount, taken: 0, shortfall: i.amount };
    const entry = await this.move(tx, {
      ...i,
      fingerprint: fp,
      balanceDelta: -taken,
      reservedDelta: 0,
      blockedWhenFrozen: false,
    });
    return { entry, requested: i.amount, taken, shortfall: i.amount - taken };
  }

  /** Holds credits for work that may fail; `capture` spends them, `release` gives them back. */
  async reserve(input: ReserveInput): Promise<Reservation> {
    const i = parseInput(spendInput, input);
    const fp = fingerprint('reserve', i.amount, i.reason, i.source);
    return this.run(async (tx) => {
      const existing = await tx
        .collection('reservations')
        .findOne({ accountId: i.accountId, idempotencyKey: i.idempotencyKey });
      if (existing) {
        const entry = await tx.collection('ledgerEntries').findOne({ _id: existing.ledgerEntryId });
        if (entry?.fingerprint !== fp) throw keyReused(i.idempotencyKey);
        return toReservation(existing);
      }
      const reservationId = this.store.newId();
      const entry = await this.move(tx, {
        ...i,
        kind: 'reservation',
        fingerprint: fp,
        balanceDelta: 0,
        reservedDelta: i.amount,
        reservationId,
        blockedWhenFrozen: true,
      });
      const doc = {
        _id: reservationId,
        accountId: i.accountId,
        amount: i.amount,
        status: 'held' as const,
        reason: i.reason,
        source: i.source,
        actor: i.actor,
        idempotencyKey: i.idempotencyKey,
        ledgerEntryId: entry.id,
        createdAt: entry.createdAt,
      };
      await tx.collection('reservations').insertOne(doc);
      return toReservation(doc);
    });
  }

  async capture(reservationId: string): Promise<LedgerEntry> {
    return this.settle(reservationId, 'captured');
  }

  async release(reservationId: string): Promise<LedgerEntry> {
    return this.settle(reservationId, 'released');
  }

  private async settle(reservationId: string, to: 'captured' | 'released'): Promise<LedgerEntry> {
    const id = parseInput(entityId, reservationId);
    return this.run(async (tx) => {
      const r = await tx.collection('reservations').findOne({ _id: id });
      if (!r) throw notFound('reservation', { id });
      if (r.status === to && r.settledEntryId) {
        const entry = await tx.collection('ledgerEntries').findOne({ _id: r.settledEntryId });
        if (entry) return toLedgerEntry(entry);
      }
      if (r.status !== 'held')
        throw new DomainError('CONFLICT', `reservation is already ${r.status}`, { reservationId: id });
      const captured = to === 'captured';
      const entry = await this.move(tx, {
        accountId: r.accountId,
        idempotencyKey: `${r.idempotencyKey}#${captured ? 'capture' : 'release'}`,
        fingerprint: fingerprint(to, r._id),
        balanceDelta: captured ? -r.amount : 0,
        reservedDelta: -r.amount,
        kind: captured ? 'spend' : 'release',
        source: r.source,
        actor: r.actor,
        reason: r.reason,
        reservationId: r._id,
        blockedWhenFrozen: false,
      });
      await tx
        .collection('reservations')
        .updateOne(
          { _id: r._id, status: 'held' },
          { $set: { status: to, settledEntryId: entry.id, settledAt: entry.createdAt } },
        );
      return entry;
    });
  }

  async getReservation(reservationId: string): Promise<Reservation> {
    const r = await this.store.collection('reservations').findOne({ _id: parseInput(entityId, reservationId) });
    if (!r) throw notFound('reservation', { id: reservationId });
    return toReservation(r);
  }

  /** Reservations still held since before `olderThan` (work that died between reserve and settle). */
  async heldReservations(filter: { sourceType: SourceType; olderThan: Date; limit?: number }): Promise<Reservation[]> {
    const docs = await this.store
      .collection('reservations')
      .find(
        { status: 'held', 'source.type': filter.sourceType, createdAt: { $lt: filter.olderThan } },
        { sort: { createdAt: 1, _id: 1 }, limit: filter.limit ?? 500 },
      );
    return docs.map(toReservation);
  }

  async list(accountId: string, args: PageArgs): Promise<Page<LedgerEntry>> {
    const id = parseInput(entityId, accountId);
    return mapPage(
      await newestFirstPage(this.store.collection('ledgerEntries'), { accountId: id }, args),
      toLedgerEntry,
    );
  }

  async verifyLedger(): Promise<LedgerVerification> {
    return verifyLedger(this.store);
  }

  /**
   * Runs one ledger transaction. A concurrent request with the same idempotency key can win the
   * race to insert; then this one runs again and replays the winner's result.
   */
  private async run<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    try {
      return await this.store.transaction(fn);
    } catch (error) {
      if (!(error instanceof DuplicateKeyError) || !error.index.includes('idempotency')) throw error;
      return this.store.transaction(fn);
    }
  }

  private async replay(tx: StoreTx, accountId: string, key: string, fp: string): Promise<LedgerEntry | null> {
    const prior = await tx.collection('ledgerEntries').findOne({ accountId, idempotencyKey: key });
    if (!prior) return null;
    if (prior.fingerprint !== fp) throw keyReused(key);
    return toLedgerEntry(prior);
  }

  private async account(tx: StoreTx, accountId: string): Promise<AccountDoc> {
    const account = await tx.collection('accounts').findOne({ _id: accountId });
    if (!account) throw notFound('account', { id: accountId });
    return account;
  }

  private async move(tx: StoreTx, m: Movement): Promise<LedgerEntry> {
    const replay = await this.replay(tx, m.accountId, m.idempotencyKey, m.fingerprint);
    if (replay) return replay;
    const account = await this.account(tx, m.accountId);
    if (m.blockedWhenFrozen && account.status === 'frozen')
      throw new DomainError('ACCOUNT_FROZEN', 'account is frozen; contact support', { accountId: m.accountId });
    const balance = account.balance + m.balanceDelta;
    const reserved = account.reserved + m.reservedDelta;
    if (balance < 0 || reserved < 0 || reserved > balance)
      throw insufficient(account, Math.max(-m.balanceDelta, m.reservedDelta));
    const now = this.clock.now();
    // Conditional on the values just read: a concurrent change makes this match nothing (memory)
    // or raise a write conflict that the transaction loop retries (MongoDB).
    const updated = await tx
      .collection('accounts')
      .updateOne(
        { _id: account._id, balance: account.balance, reserved: account.reserved },
        { $inc: { balance: m.balanceDelta, reserved: m.reservedDelta }, $set: { updatedAt: now } },
      );
    if (!updated)
      throw new DomainError('CONFLICT', 'the account changed concurrently; try again', { accountId: m.accountId });
    const entry: LedgerEntryDoc = {
      _id: this.store.newId(),
      accountId: m.accountId,
      amount: m.balanceDelta,
      balanceAfter: updated.balance,
      reservedAfter: updated.reserved,
      kind: m.kind,
      source: m.source,
      actor: m.actor,
      reason: m.reason,
      idempotencyKey: m.idempotencyKey,
      fingerprint: m.fingerprint,
      reservationId: m.reservationId,
      createdAt: now,
    };
    await tx.collection('ledgerEntries').insertOne(entry);
    return toLedgerEntry(entry);
  }
}

const fingerprint = (...parts: unknown[]): string => JSON.stringify(parts);

const keyReused = (key: string): DomainError =>
  new DomainError('IDEMPOTENCY_KEY_REUSED', 'this idempotency key was already used for a different request', {
    idempotencyKey: key,
  });

const insufficient = (account: AccountDoc, needed: number): DomainError =>
  new DomainError(
    'INSUFFICIENT_CREDITS',
    `not enough credits: ${account.balance - account.reserved} available, ${needed} needed`,
    {
      accountId: account._id,
      available: account.balance - account.reserved,
      needed,
    },
  );

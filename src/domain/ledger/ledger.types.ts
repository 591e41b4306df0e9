import type { Actor, LedgerEntryDoc, LedgerKind, ReservationDoc, SourceType } from '../ports/documents.js';

export interface LedgerEntry {
  id: string;
  accountId: string;
  amount: number;
  balanceAfter: number;
  reservedAfter: number;
  kind: LedgerKind;
  source: { type: SourceType; ref?: string };
  actor: Actor;
  reason: string;
  idempotencyKey: string;
  reservationId?: string;
  createdAt: Date;
}

export const toLedgerEntry = (d: LedgerEntryDoc): LedgerEntry => ({
  id: d._id,
  accountId: d.accountId,
  amount: d.amount,
  balanceAfter: d.balanceAfter,
  reservedAfter: d.reservedAfter,
  kind: d.kind,
  source: d.source,
  actor: d.actor,
  reason: d.reason,
  idempotencyKey: d.idempotencyKey,
  reservationId: d.reservationId,
  createdAt: d.createdAt,
});

export interface Reservation {
  id: string;
  accountId: string;
  amount: number;
  source: { type: SourceType; ref?: string };
  status: ReservationDoc['status'];
  idempotencyKey: string;
  createdAt: Date;
  settledAt?: Date;
}

export const toReservation = (d: ReservationDoc): Reservation => ({
  id: d._id,
  accountId: d.accountId,
  amount: d.amount,
  source: d.source,
  status: d.status,
  idempotencyKey: d.idempotencyKey,
  createdAt: d.createdAt,
  settledAt: d.settledAt,
});

export interface LedgerDrift {
  accountId: string;
  email: string;
  balance: number;
  ledgerSum: number;
  reserved: number;
  heldReservations: number;
  problems: string[];
}

export interface LedgerVerification {
  ok: boolean;
  accountsChecked: number;
  drift: LedgerDrift[];
}

/** Result of taking credits back after a refund or lost dispute: never more than is there. */
export interface Clawback {
  entry: LedgerEntry | null;
  requested: number;
  taken: number;
  shortfall: number;
}

import type { Account } from '../accounts/account.types.js';
import type { LedgerEntry } from '../ledger/ledger.types.js';
import type { PurchaseDoc } from '../ports/documents.js';

/** How support names an account: exactly one of these. */
export interface AccountTarget {
  discordUserId?: string | null;
  email?: string | null;
  accountId?: string | null;
}

/** One support change of a balance, as the support member should see it. */
export interface BalanceChange {
  account: Account;
  entry: LedgerEntry;
  balanceBefore: number;
  /** What was asked for (positive); differs from |entry.amount| only when a removal was clamped. */
  requested: number;
  clamped: boolean;
  /** The same request was seen before: nothing changed this time. */
  replayed: boolean;
}

export type ConfirmationReason = 'above_threshold' | 'above_available';

export interface PendingRemoval {
  id: string;
  account: Account;
  amount: number;
  reason: string;
  /** Why the removal needs a second look. */
  because: ConfirmationReason[];
  /** What confirming would remove right now: never more than is available. */
  wouldRemove: number;
  expiresAt: Date;
}

export type RemovalOutcome =
  { status: 'removed'; change: BalanceChange } | { status: 'needs_confirmation'; confirmation: PendingRemoval };

export interface PurchaseSummary {
  checkoutSessionId: string;
  packageId: string;
  credits: number;
  amountTotal: number;
  currency: string;
  status: PurchaseDoc['status'];
  creditsGranted: number;
  createdAt: Date;
}

export const toPurchaseSummary = (d: PurchaseDoc): PurchaseSummary => ({
  checkoutSessionId: d.checkoutSessionId,
  packageId: d.packageId,
  credits: d.credits,
  amountTotal: d.amountTotal,
  currency: d.currency,
  status: d.status,
  creditsGranted: d.creditsGranted,
  createdAt: d.createdAt,
});

export interface AccountOverview {
  account: Account;
  recentEntries: LedgerEntry[];
  recentPurchases: PurchaseSummary[];
}

export interface HistoryPage {
  account: Account;
  page: number;
  pageSize: number;
  entries: LedgerEntry[];
  hasMore: boolean;
}

export interface LinkResult {
  account: Account;
  /** False when the member was already linked to this account. */
  changed: boolean;
}

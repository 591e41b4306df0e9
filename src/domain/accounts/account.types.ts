import type { AccountDoc, AccountStatus, Actor, AuditLogDoc } from '../ports/documents.js';

export interface Account {
  id: string;
  email: string;
  authSubject?: string;
  discordUserId?: string;
  stripeCustomerId?: string;
  balance: number;
  reserved: number;
  available: number;
  status: AccountStatus;
  createdAt: Date;
  updatedAt: Date;
}

export function toAccount(doc: AccountDoc): Account {
  return {
    id: doc._id,
    email: doc.email,
    authSubject: doc.authSubject,
    discordUserId: doc.discordUserId,
    stripeCustomerId: doc.stripeCustomerId,
    balance: doc.balance,
    reserved: doc.reserved,
    available: doc.balance - doc.reserved,
    status: doc.status,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** How support lists accounts: by email (A→Z), balance (largest first) or last activity (newest first). */
export type AccountOrder = 'email' | 'balance' | 'last_activity';

/** One audited action on an account, as support reads it. */
export interface AuditEntry {
  id: string;
  action: string;
  actor: Actor;
  reason: string | null;
  amount: number | null;
  balanceBefore: number | null;
  balanceAfter: number | null;
  ledgerEntryId: string | null;
  createdAt: Date;
}

export function toAuditEntry(doc: AuditLogDoc): AuditEntry {
  return {
    id: doc._id,
    action: doc.action,
    actor: doc.actor,
    reason: doc.reason ?? null,
    amount: doc.amount ?? null,
    balanceBefore: doc.balanceBefore ?? null,
    balanceAfter: doc.balanceAfter ?? null,
    ledgerEntryId: doc.ledgerEntryId ?? null,
    createdAt: doc.createdAt,
  };
}

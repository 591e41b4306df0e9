import type { AccountDoc, AccountStatus } from '../ports/documents.js';

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

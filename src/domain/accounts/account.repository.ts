import { ascendingPage, descendingPage } from '../page.repository.js';
import type { Page, PageArgs } from '../pagination.js';
import type { AccountDoc, AccountStatus } from '../ports/documents.js';
import type { Db, Store } from '../ports/store.port.js';

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The `accounts` collection. Identity fields (email, auth subject, Discord user, Stripe customer)
 * are unique, so a racing second link raises DuplicateKeyError; balance moves are conditional on
 * the values the caller read, so a concurrent move never goes unnoticed.
 */
export class AccountRepository {
  constructor(private readonly o: { store: Store }) {}

  private accounts(db: Db = this.o.store) {
    return db.collection('accounts');
  }

  byId(id: string, db?: Db): Promise<AccountDoc | null> {
    return this.accounts(db).findOne({ _id: id });
  }

  byEmail(email: string): Promise<AccountDoc | null> {
    return this.accounts().findOne({ email });
  }

  bySubject(authSubject: string): Promise<AccountDoc | null> {
    return this.accounts().findOne({ authSubject });
  }

  byDiscordUserId(discordUserId: string): Promise<AccountDoc | null> {
    return this.accounts().findOne({ discordUserId });
  }

  byIds(ids: readonly string[]): Promise<AccountDoc[]> {
    return this.accounts().find({ _id: { $in: [...ids] } });
  }

  all(): Promise<AccountDoc[]> {
    return this.accounts().find({});
  }

  /**
   * Email-prefix search (keyset pagination), ordered by email (A→Z) or, largest/newest first, by
   * balance or by last activity (`updatedAt`, which every balance or status change moves).
   */
  searchByEmailPrefix(
    prefix: string,
    args: PageArgs,
    orderBy: 'email' | 'balance' | 'updatedAt' = 'email',
  ): Promise<Page<AccountDoc>> {
    const filter = prefix ? { email: { $regex: `^${escapeRegex(prefix)}` } } : {};
    return orderBy === 'email'
      ? ascendingPage(this.accounts(), filter, 'email', args)
      : descendingPage(this.accounts(), filter, orderBy, args);
  }

  async insert(doc: AccountDoc): Promise<void> {
    await this.accounts().insertOne(doc);
  }

  /** Links the sign-in subject to an account that has none yet; null when someone linked first. */
  linkSubject(id: string, authSubject: string, now: Date): Promise<AccountDoc | null> {
    return this.accounts().updateOne(
      { _id: id, authSubject: { $exists: false } },
      { $set: { authSubject, updatedAt: now } },
    );
  }

  /** Keeps the first Stripe customer linked; null when another request linked one first. */
  linkStripeCustomer(id: string, stripeCustomerId: string, now: Date): Promise<AccountDoc | null> {
    return this.accounts().updateOne(
      { _id: id, stripeCustomerId: { $exists: false } },
      { $set: { stripeCustomerId, updatedAt: now } },
    );
  }

  linkDiscordUser(id: string, discordUserId: string, now: Date, db?: Db): Promise<AccountDoc | null> {
    return this.accounts(db).updateOne({ _id: id }, { $set: { discordUserId, updatedAt: now } });
  }

  setStatus(id: string, status: AccountStatus, now: Date, db?: Db): Promise<AccountDoc | null> {
    return this.accounts(db).updateOne({ _id: id }, { $set: { status, updatedAt: now } });
  }

  /** Adds to (or, negative, pays off) what the account still owes from clawbacks. */
  owe(id: string, delta: number, now: Date, db?: Db): Promise<AccountDoc | null> {
    return this.accounts(db).updateOne({ _id: id }, { $inc: { clawbackOwed: delta }, $set: { updatedAt: now } });
  }

  /**
   * Takes `amount` from an active account holding at least that much, in one conditional update
   * (no read first); null when the account is missing, frozen or short. The caller still checks
   * `reserved ≤ balance` on the returned document: a filter cannot compare two fields.
   */
  debit(id: string, amount: number, now: Date, db?: Db): Promise<AccountDoc | null> {
    return this.accounts(db).updateOne(
      { _id: id, status: { $ne: 'frozen' }, balance: { $gte: amount } },
      { $inc: { balance: -amount }, $set: { updatedAt: now } },
    );
  }

  /** Adds `amount` to the balance in one update (no read first); null when the account is missing. */
  credit(id: string, amount: number, now: Date, db?: Db): Promise<AccountDoc | null> {
    return this.accounts(db).updateOne({ _id: id }, { $inc: { balance: amount }, $set: { updatedAt: now } });
  }

  /**
   * Moves balance and reserved, conditional on the values just read: a concurrent change makes
   * this match nothing (null; memory) or raise a write conflict the transaction retries (MongoDB).
   */
  move(account: AccountDoc, balanceDelta: number, reservedDelta: number, now: Date, db?: Db) {
    return this.accounts(db).updateOne(
      { _id: account._id, balance: account.balance, reserved: account.reserved },
      { $inc: { balance: balanceDelta, reserved: reservedDelta }, $set: { updatedAt: now } },
    );
  }
}

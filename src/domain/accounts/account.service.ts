import { z } from 'zod';
import { AuditRepository } from '../audit/audit.repository.js';
import { DomainError, DuplicateKeyError, notFound } from '../errors.js';
import { mapPage, type Page, type PageArgs } from '../pagination.js';
import type { AccountDoc, Actor } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Db, Store } from '../ports/store.port.js';
import { transactionWithRetry } from '../transaction.js';
import { emailAddress, entityId, parseInput, reasonText } from '../validation.js';
import { AccountRepository } from './account.repository.js';
import { toAccount, toAuditEntry, type Account, type AccountOrder, type AuditEntry } from './account.types.js';

export interface AccountServiceOptions {
  store: Store;
  clock: Clock;
}

const identity = z.object({ subject: z.string().trim().min(1).max(255), email: emailAddress });
const statusChange = z.object({ accountId: entityId, reason: reasonText });

export class AccountService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly accounts: AccountRepository;
  private readonly audit: AuditRepository;

  constructor(options: AccountServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.accounts = new AccountRepository(options);
    this.audit = new AuditRepository(options);
  }

  /**
   * First sight of a signed-in user creates the account; concurrent first requests converge on one
   * account (the unique indexes decide, and the loser reads the winner's document). An account that
   * support created by email is linked to the subject on first sign-in.
   */
  async findOrCreateBySubject(input: {
    subject: string;
    email: string;
    /**
     * Whether the identity provider vouches for the email (`email_verified`); sign-ins pass it.
     * An unverified email never creates or links an account: otherwise whoever signs in first with
     * someone else's address would own it, block the real owner, and receive support's credits.
     */
    emailVerified?: boolean;
  }): Promise<Account> {
    const { subject, email } = parseInput(identity, input);
    const accounts = this.accounts;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const bySubject = await accounts.bySubject(subject);
      if (bySubject) return toAccount(bySubject);
      if (input.emailVerified === false)
        throw new DomainError(
          'FORBIDDEN',
          'your email address is not verified: verify it with your sign-in provider, then sign in again',
          { reason: 'EMAIL_NOT_VERIFIED' },
        );
      const now = this.clock.now();
      try {
        const byEmail = await accounts.byEmail(email);
        if (byEmail?.authSubject) {
          throw new DomainError('CONFLICT', 'this email belongs to another sign-in identity', { email });
        }
        if (byEmail) {
          const linked = await accounts.linkSubject(byEmail._id, subject, now);
          if (linked) return toAccount(linked);
          continue;
        }
        const doc = this.newAccount(email, now);
        doc.authSubject = subject;
        await accounts.insert(doc);
        return toAccount(doc);
      } catch (error) {
        if (!(error instanceof DuplicateKeyError)) throw error;
      }
    }
    throw new DomainError('CONFLICT', 'could not create the account; try again');
  }

  /** Support-side creation (e.g. credits for someone who has not signed in yet). */
  async findOrCreateByEmail(rawEmail: string): Promise<Account> {
    const email = parseInput(emailAddress, rawEmail);
    const existing = await this.accounts.byEmail(email);
    if (existing) return toAccount(existing);
    try {
      const doc = this.newAccount(email, this.clock.now());
      await this.accounts.insert(doc);
      return toAccount(doc);
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      return this.getByEmail(email);
    }
  }

  async getById(id: string): Promise<Account> {
    const doc = await this.accounts.byId(parseInput(entityId, id));
    if (!doc) throw notFound('account', { id });
    return toAccount(doc);
  }

  async findByEmail(rawEmail: string): Promise<Account | null> {
    const doc = await this.accounts.byEmail(parseInput(emailAddress, rawEmail));
    return doc ? toAccount(doc) : null;
  }

  async getByEmail(rawEmail: string): Promise<Account> {
    const account = await this.findByEmail(rawEmail);
    if (!account) throw notFound('account', { email: rawEmail.trim().toLowerCase() });
    return account;
  }

  async findByDiscordUserId(discordUserId: string): Promise<Account | null> {
    const doc = await this.accounts.byDiscordUserId(parseInput(entityId, discordUserId));
    return doc ? toAccount(doc) : null;
  }

  async getMany(ids: readonly string[]): Promise<Map<string, Account>> {
    const docs = await this.accounts.byIds(ids);
    return new Map(docs.map((d) => [d._id, toAccount(d)]));
  }

  /** Email-prefix search, ordered by email (default), by balance or by last activity (largest/newest first). */
  async search(
    prefix: string | null | undefined,
    args: PageArgs & { orderBy?: AccountOrder | null },
  ): Promise<Page<Account>> {
    const p = (prefix ?? '').trim().toLowerCase();
    if (p.length > 254) throw new DomainError('BAD_USER_INPUT', 'search: must be at most 254 characters');
    const orderBy = args.orderBy ?? 'email';
    const field = orderBy === 'email' ? 'email' : orderBy === 'balance' ? 'balance' : 'updatedAt';
    return mapPage(await this.accounts.searchByEmailPrefix(p, args, field), toAccount);
  }

  /** Every audited action on the account (support, admin, system), newest first. */
  async auditTrail(accountId: string, args: PageArgs): Promise<Page<AuditEntry>> {
    const id = parseInput(entityId, accountId);
    return mapPage(await this.audit.pageForTarget({ type: 'account', id }, args), toAuditEntry);
  }

  /** Links a Discord user to an account (one Discord user per account). Audited. */
  async linkDiscordUser(input: { accountId: string; discordUserId: string; actor: Actor }): Promise<Account> {
    const accountId = parseInput(entityId, input.accountId);
    const discordUserId = parseInput(entityId, input.discordUserId);
    try {
      return await transactionWithRetry(this.store, async (tx) => {
        const doc = await this.accounts.linkDiscordUser(accountId, discordUserId, this.clock.now(), tx);
        if (!doc) throw notFound('account', { id: accountId });
        await this.record(tx, input.actor, 'account.link_discord', doc, { discordUserId });
        return toAccount(doc);
      });
    } catch (error) {
      if (error instanceof DuplicateKeyError)
        throw new DomainError('CONFLICT', 'that Discord user is already linked to another account', { discordUserId });
      throw error;
    }
  }

  async freeze(input: { accountId: string; reason: string; actor: Actor }): Promise<Account> {
    return this.setStatus(input, 'frozen');
  }

  async unfreeze(input: { accountId: string; reason: string; actor: Actor }): Promise<Account> {
    return this.setStatus(input, 'active');
  }

  private async setStatus(
    input: { accountId: string; reason: string; actor: Actor },
    status: AccountDoc['status'],
  ): Promise<Account> {
    const { accountId, reason } = parseInput(statusChange, input);
    return transactionWithRetry(this.store, async (tx) => {
      const doc = await this.accounts.setStatus(accountId, status, this.clock.now(), tx);
      if (!doc) throw notFound('account', { id: accountId });
      await this.record(tx, input.actor, status === 'frozen' ? 'account.freeze' : 'account.unfreeze', doc, { reason });
      return toAccount(doc);
    });
  }

  private async record(
    tx: Db,
    actor: Actor,
    action: string,
    doc: AccountDoc,
    details: { reason?: string } & Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(
      { actor, action, target: { type: 'account', id: doc._id }, reason: details.reason, details },
      tx,
    );
  }

  private newAccount(email: string, now: Date): AccountDoc {
    return {
      _id: this.store.newId(),
      email,
      balance: 0,
      reserved: 0,
      status: 'active',
      createdAt: now,
      updatedAt: now,
    };
  }
}

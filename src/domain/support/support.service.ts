import { z } from 'zod';
import type { AccountService } from '../accounts/account.service.js';
import type { Account } from '../accounts/account.types.js';
import { DomainError, badInput } from '../errors.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { LedgerEntry } from '../ledger/ledger.types.js';
import { PurchaseRepository } from '../payments/purchase.repository.js';
import type { Actor, PendingConfirmationDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import {
  actorSchema,
  creditAmount,
  emailAddress,
  entityId,
  idempotencyKey,
  parseInput,
  reasonText,
} from '../validation.js';
import { ConfirmationPrompts } from './confirmation-prompts.js';
import {
  toPurchaseSummary,
  type AccountOverview,
  type AccountTarget,
  type BalanceChange,
  type HistoryPage,
  type LinkResult,
  type PendingRemoval,
  type RemovalOutcome,
} from './support.types.js';

/** Support changes are smaller than the ledger's per-call limit: a typo should not mint a fortune. */
export const SUPPORT_MAX_CREDITS = 100_000;
export const HISTORY_PAGE_SIZE = 10;
export const DEFAULT_CONFIRMATION_TTL_MS = 5 * 60_000;

export interface SupportServiceOptions {
  store: Store;
  clock: Clock;
  accounts: AccountService;
  ledger: LedgerService;
  /** Removals above this many credits need the requester's confirmation (SUPPORT_CONFIRM_ABOVE). */
  confirmAbove: number;
  confirmationTtlMs?: number;
}

const amount = creditAmount.refine((n) => n <= SUPPORT_MAX_CREDITS, `must be at most ${SUPPORT_MAX_CREDITS}`);
const change = z.object({ amount, reason: reasonText, idempotencyKey, actor: actorSchema });
const historyPage = z.object({
  page: z.number({ error: 'must be a number' }).int('must be a whole number').min(1).max(10_000).default(1),
});
const byEmail = z.object({ email: emailAddress });

export interface ChangeInput {
  target: AccountTarget;
  amount: number;
  reason: string;
  idempotencyKey: string;
  actor: Actor;
}

/**
 * What support staff can do to an account, whatever the channel (Discord today). The rules live
 * here so that every edge behaves the same: which account a request names, how large a support
 * change may be, and when a removal needs a second, explicit confirmation.
 *
 * Removing more than the account holds: the request is never refused outright and never goes below
 * zero. It asks for confirmation, and a confirmed removal takes what is available (balance − reserved)
 * at that moment — clamped, with the requested and removed amounts in the reply and the audit log.
 * When nothing is available the confirmation is refused with INSUFFICIENT_CREDITS.
 */
export class SupportService {
  private readonly purchases: PurchaseRepository;
  private readonly accounts: AccountService;
  private readonly ledger: LedgerService;
  private readonly confirmAbove: number;
  private readonly prompts: ConfirmationPrompts;

  constructor(options: SupportServiceOptions) {
    this.purchases = new PurchaseRepository(options);
    this.accounts = options.accounts;
    this.ledger = options.ledger;
    this.confirmAbove = options.confirmAbove;
    this.prompts = new ConfirmationPrompts({
      store: options.store,
      clock: options.clock,
      ttlMs: options.confirmationTtlMs ?? DEFAULT_CONFIRMATION_TTL_MS,
    });
  }

  async resolveAccount(target: AccountTarget): Promise<Account> {
    const given = (['discordUserId', 'email', 'accountId'] as const).filter((k) => {
      const v = target[k];
      return typeof v === 'string' && v.trim() !== '';
    });
    if (given.length !== 1) throw badInput('name the account with exactly one of: member, email, account id');
    if (target.email) return this.accounts.getByEmail(parseInput(byEmail, { email: target.email }).email);
    if (target.accountId) return this.accounts.getById(target.accountId);
    const id = parseInput(entityId, target.discordUserId);
    const linked = await this.accounts.findByDiscordUserId(id);
    if (!linked)
      throw new DomainError('NOT_FOUND', 'no account is linked to that member; link one with /credits link', {
        discordUserId: id,
      });
    return linked;
  }

  async addCredits(input: ChangeInput): Promise<BalanceChange> {
    const i = parseInput(change, input);
    const account = await this.resolveAccount(input.target);
    const { result, replayed } = await this.ledger.adjustOrReplay({ accountId: account.id, ...i });
    return this.describe(result, i.amount, replayed);
  }

  /** Removes credits, or asks for confirmation first (see the class comment). */
  async removeCredits(input: ChangeInput): Promise<RemovalOutcome> {
    const i = parseInput(change, input);
    const account = await this.resolveAccount(input.target);
    const asked = await this.prompts.findByRequest(i.idempotencyKey);
    if (asked?.status === 'confirmed' && asked.ledgerEntryId)
      return { status: 'removed', change: await this.confirmedChange(asked.ledgerEntryId, asked.amount) };
    if (asked) {
      this.prompts.assertOpen(asked);
      return { status: 'needs_confirmation', confirmation: await this.describeRemoval(asked) };
    }
    const because = [
      ...(i.amount > this.confirmAbove ? (['above_threshold'] as const) : []),
      ...(i.amount > account.available ? (['above_available'] as const) : []),
    ];
    // A removal that needed no confirmation when it first ran replays as it ran, even if it would now.
    if (because.length > 0 && !(await this.ledger.findByKey(account.id, i.idempotencyKey))) {
      const prompt = await this.prompts.open({
        action: 'credits.remove',
        requestKey: i.idempotencyKey,
        requester: i.actor,
        accountId: account.id,
        amount: i.amount,
        reason: i.reason,
        because,
      });
      return { status: 'needs_confirmation', confirmation: await this.describeRemoval(prompt) };
    }
    const { result, replayed } = await this.ledger.adjustOrReplay({ accountId: account.id, ...i, amount: -i.amount });
    return { status: 'removed', change: await this.describe(result, i.amount, replayed) };
  }

  /** Only the requester may confirm; a confirmation applies once, however often it is pressed. */
  async confirmRemoval(input: { confirmationId: string; actor: Actor }): Promise<BalanceChange> {
    const p = await this.prompts.claim(input.confirmationId, input.actor, 'credits.remove');
    if (p.status === 'confirmed' && p.ledgerEntryId) return this.confirmedChange(p.ledgerEntryId, p.amount);
    const entry = await this.ledger.adjust({
      accountId: p.accountId,
      amount: -p.amount,
      reason: p.reason,
      idempotencyKey: p.requestKey,
      actor: input.actor,
      clampToAvailable: true,
    });
    const first = await this.prompts.markConfirmed(p, input.actor, entry.id);
    return this.describe(entry, p.amount, !first);
  }

  async cancelRemoval(input: { confirmationId: string; actor: Actor }): Promise<{ account: Account }> {
    const p = await this.prompts.cancel(input.confirmationId, input.actor, 'credits.remove');
    return { account: await this.accounts.getById(p.accountId) };
  }

  async linkDiscordUser(input: { discordUserId: string; email: string; actor: Actor }): Promise<LinkResult> {
    const account = await this.accounts.getByEmail(input.email);
    const discordUserId = parseInput(entityId, input.discordUserId);
    if (account.discordUserId === discordUserId) return { account, changed: false };
    const linked = await this.accounts.linkDiscordUser({ accountId: account.id, discordUserId, actor: input.actor });
    return { account: linked, changed: true };
  }

  /** Freezes (no spending, no buying) or unfreezes the named account; audited with the reason. */
  async setFrozen(input: { target: AccountTarget; frozen: boolean; reason: string; actor: Actor }): Promise<Account> {
    const account = await this.resolveAccount(input.target);
    const change = { accountId: account.id, reason: input.reason, actor: input.actor };
    return input.frozen ? this.accounts.freeze(change) : this.accounts.unfreeze(change);
  }

  /** Email, status, balance, reserved, the last 10 ledger entries and the last purchases. */
  async overview(target: AccountTarget): Promise<AccountOverview> {
    const account = await this.resolveAccount(target);
    const entries = await this.ledger.list(account.id, { first: 10 });
    const purchases = await this.purchases.recent(account.id, 5);
    return { account, recentEntries: entries.items, recentPurchases: purchases.map(toPurchaseSummary) };
  }

  async history(target: AccountTarget, pageNumber?: number | null): Promise<HistoryPage> {
    const n = parseInput(historyPage, { page: pageNumber ?? undefined }).page;
    const account = await this.resolveAccount(target);
    const { entries, hasMore } = await this.ledger.listPage(account.id, n, HISTORY_PAGE_SIZE);
    return { account, page: n, pageSize: HISTORY_PAGE_SIZE, entries, hasMore };
  }

  private async describeRemoval(doc: PendingConfirmationDoc): Promise<PendingRemoval> {
    const account = await this.accounts.getById(doc.accountId);
    return {
      id: doc._id,
      account,
      amount: doc.amount,
      reason: doc.reason,
      because: doc.because,
      wouldRemove: Math.max(0, Math.min(doc.amount, account.available)),
      expiresAt: doc.expiresAt,
    };
  }

  private async confirmedChange(ledgerEntryId: string, requested: number): Promise<BalanceChange> {
    return this.describe(await this.ledger.getEntry(ledgerEntryId), requested, true);
  }

  private async describe(entry: LedgerEntry, requested: number, replayed: boolean): Promise<BalanceChange> {
    return {
      account: await this.accounts.getById(entry.accountId),
      entry,
      balanceBefore: entry.balanceAfter - entry.amount,
      requested,
      clamped: Math.abs(entry.amount) !== requested,
      replayed,
    };
  }
}

import { AccountRepository } from '../accounts/account.repository.js';
import { DomainError, notFound } from '../errors.js';
import type { GrantInput, LedgerService } from '../ledger/ledger.service.js';
import type { Actor, PurchaseDoc, PurchaseStatus } from '../ports/documents.js';
import type { Alert, Clock } from '../ports/runtime.port.js';
import type { Store, StoreTx } from '../ports/store.port.js';
import type { CheckoutSessionInfo } from './payment-provider.port.js';
import { PurchaseRepository } from './purchase.repository.js';

export interface PurchaseEffectsOptions {
  store: Store;
  clock: Clock;
  ledger: LedgerService;
}

/** What one payment fact did, inside the caller's transaction. Alerts go out only after commit. */
export interface Effect {
  outcome: string;
  ignored?: boolean;
  ledgerEntryId?: string;
  purchaseId?: string;
  alerts: Alert[];
}

/** One grant per Checkout session, whichever path (webhook, async success, reconciliation) gets there first. */
export const grantKey = (sessionId: string): string => `stripe-checkout:${sessionId}`;

/**
 * What Checkout sessions do to purchases and the ledger, shared by the webhook handler and
 * reconciliation so both take exactly the same idempotent path. Every method runs inside the
 * caller's transaction and must stay free of side effects outside the store (it may be retried).
 */
export class PurchaseEffectsService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly ledger: LedgerService;
  private readonly purchases: PurchaseRepository;
  private readonly accounts: AccountRepository;

  constructor(options: PurchaseEffectsOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.ledger = options.ledger;
    this.purchases = new PurchaseRepository(options);
    this.accounts = new AccountRepository(options);
  }

  /**
   * A completed or async-succeeded session: grant once if paid, otherwise note it and wait.
   * `atOnce` grants with `LedgerService.grantAtOnceInTx` (see there): a case it does not handle
   * throws and rolls back the caller's transaction, which the caller reruns without it.
   */
  async settleSession(tx: StoreTx, session: CheckoutSessionInfo, actor: Actor, atOnce = false): Promise<Effect> {
    if (!session.accountId) return notOurs('checkout session without client_reference_id');
    const paid = session.paymentStatus !== 'unpaid';
    // At once, the grant's own update of the account tells whether it exists.
    const { purchase, stored } = await this.purchaseOf(tx, session, !(atOnce && paid));
    if (purchase.grantEntryId)
      return { purchaseId: purchase._id, alerts: [], outcome: 'already_granted', ledgerEntryId: purchase.grantEntryId };
    // Field by field, not by spreading: on every paid session, V8 spends microseconds on spreads.
    const set: Partial<PurchaseDoc> = {};
    if (session.paymentIntentId) set.paymentIntentId = session.paymentIntentId;
    if (session.amountTotal !== null) set.amountTotal = session.amountTotal;
    if (session.currency) set.currency = session.currency;
    set.updatedAt = this.clock.now();
    if (!paid) {
      await this.save(tx, purchase, stored, set);
      return { purchaseId: purchase._id, alerts: [], outcome: 'awaiting_payment' };
    }
    const grant: GrantInput = {
      accountId: purchase.accountId,
      amount: purchase.credits,
      kind: 'purchase',
      reason: `Stripe Checkout: ${purchase.packageId} (${purchase.credits} credits)`,
      idempotencyKey: grantKey(session.id),
      actor,
      source: { type: 'stripe', ref: session.id },
    };
    const entry = atOnce ? await this.ledger.grantAtOnceInTx(tx, grant) : await this.ledger.grantInTx(tx, grant);
    set.status = KEEP_ON_GRANT.has(purchase.status) ? purchase.status : 'paid';
    set.creditsGranted = purchase.credits;
    set.grantEntryId = entry.id;
    await this.save(tx, purchase, stored, set);
    return { purchaseId: purchase._id, alerts: [], outcome: 'granted', ledgerEntryId: entry.id };
  }

  /** `async_payment_failed` / `expired`: the purchase will never be paid through this session. */
  async closeSession(tx: StoreTx, session: CheckoutSessionInfo, to: 'failed' | 'expired'): Promise<Effect> {
    if (!session.accountId) return notOurs('checkout session without client_reference_id');
    const { purchase, stored } = await this.purchaseOf(tx, session, true);
    if (purchase.grantEntryId) return { outcome: 'ignored_already_paid', purchaseId: purchase._id, alerts: [] };
    const now = this.clock.now();
    if (stored) await this.purchases.closeUnpaid(purchase._id, to, now, tx);
    else await this.purchases.insert({ ...purchase, status: to, updatedAt: now }, tx);
    return { outcome: `marked_${to}`, purchaseId: purchase._id, alerts: [] };
  }

  /**
   * The purchase row of a session. Normally createCheckoutSession stored it; when it did not (the
   * insert failed after Stripe answered, or the session predates this service) it is rebuilt from
   * the session's own metadata, `open`, and not stored yet (`stored: false`): `save` inserts it once,
   * in its final state, instead of an insert and an update.
   */
  private async purchaseOf(
    tx: StoreTx,
    session: CheckoutSessionInfo,
    checkAccount: boolean,
  ): Promise<{ purchase: PurchaseDoc; stored: boolean }> {
    const existing = await this.purchases.bySession(session.id, tx);
    if (existing) {
      if (session.accountId && existing.accountId !== session.accountId)
        throw new DomainError('CONFLICT', `checkout session ${session.id} names another account than its purchase`, {
          sessionId: session.id,
        });
      return { purchase: existing, stored: true };
    }
    const accountId = session.accountId as string;
    if (checkAccount && !(await this.accounts.byId(accountId, tx)))
      throw notFound('account', { id: accountId, sessionId: session.id });
    if (!session.credits || !session.packageId)
      throw new DomainError('BAD_USER_INPUT', `checkout session ${session.id} lacks packageId/credits metadata`);
    const now = this.clock.now();
    const purchase: PurchaseDoc = {
      _id: this.store.newId(),
      checkoutSessionId: session.id,
      accountId,
      packageId: session.packageId,
      credits: session.credits,
      amountTotal: session.amountTotal ?? 0,
      currency: session.currency ?? 'usd',
      status: 'open',
      creditsGranted: 0,
      creditsClawedBack: 0,
      clawbackShortfall: 0,
      amountRefunded: 0,
      ...(session.paymentIntentId ? { paymentIntentId: session.paymentIntentId } : {}),
      createdAt: now,
      updatedAt: now,
    };
    return { purchase, stored: false };
  }

  /** A stored purchase is updated; a rebuilt one (still ours alone) is inserted with the changes applied. */
  private save(tx: StoreTx, purchase: PurchaseDoc, stored: boolean, set: Partial<PurchaseDoc>): Promise<void> {
    return stored
      ? this.purchases.update(purchase._id, set, {}, tx)
      : this.purchases.insert(Object.assign(purchase, set), tx);
  }
}

/** A grant after a refund or dispute (a late event) leaves the purchase in that state. */
const KEEP_ON_GRANT: ReadonlySet<PurchaseStatus> = new Set(['refunded', 'partially_refunded', 'disputed']);

export const notOurs = (why: string): Effect => ({ outcome: `ignored: ${why}`, ignored: true, alerts: [] });

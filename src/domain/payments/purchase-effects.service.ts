import { AccountRepository } from '../accounts/account.repository.js';
import { DomainError, notFound } from '../errors.js';
import type { LedgerService } from '../ledger/ledger.service.js';
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

  /** A completed or async-succeeded session: grant once if paid, otherwise note it and wait. */
  async settleSession(tx: StoreTx, session: CheckoutSessionInfo, actor: Actor): Promise<Effect> {
    if (!session.accountId) return notOurs('checkout session without client_reference_id');
    const purchase = await this.ensurePurchase(tx, session);
    const base = { purchaseId: purchase._id, alerts: [] };
    if (purchase.grantEntryId) return { ...base, outcome: 'already_granted', ledgerEntryId: purchase.grantEntryId };
    const now = this.clock.now();
    const paymentFields = {
      ...(session.paymentIntentId ? { paymentIntentId: session.paymentIntentId } : {}),
      ...(session.amountTotal !== null ? { amountTotal: session.amountTotal } : {}),
      ...(session.currency ? { currency: session.currency } : {}),
      updatedAt: now,
    };
    if (session.paymentStatus === 'unpaid') {
      await this.purchases.update(purchase._id, paymentFields, {}, tx);
      return { ...base, outcome: 'awaiting_payment' };
    }
    const entry = await this.ledger.grantInTx(tx, {
      accountId: purchase.accountId,
      amount: purchase.credits,
      kind: 'purchase',
      reason: `Stripe Checkout: ${purchase.packageId} (${purchase.credits} credits)`,
      idempotencyKey: grantKey(session.id),
      actor,
      source: { type: 'stripe', ref: session.id },
    });
    const keep: PurchaseStatus[] = ['refunded', 'partially_refunded', 'disputed'];
    await this.purchases.update(
      purchase._id,
      {
        ...paymentFields,
        status: keep.includes(purchase.status) ? purchase.status : 'paid',
        creditsGranted: purchase.credits,
        grantEntryId: entry.id,
      },
      {},
      tx,
    );
    return { ...base, outcome: 'granted', ledgerEntryId: entry.id };
  }

  /** `async_payment_failed` / `expired`: the purchase will never be paid through this session. */
  async closeSession(tx: StoreTx, session: CheckoutSessionInfo, to: 'failed' | 'expired'): Promise<Effect> {
    if (!session.accountId) return notOurs('checkout session without client_reference_id');
    const purchase = await this.ensurePurchase(tx, session);
    if (purchase.grantEntryId) return { outcome: 'ignored_already_paid', purchaseId: purchase._id, alerts: [] };
    await this.purchases.closeUnpaid(purchase._id, to, this.clock.now(), tx);
    return { outcome: `marked_${to}`, purchaseId: purchase._id, alerts: [] };
  }

  /**
   * The purchase row of a session. Normally createCheckoutSession stored it; when it did not (the
   * insert failed after Stripe answered, or the session predates this service) it is rebuilt from
   * the session's own metadata.
   */
  private async ensurePurchase(tx: StoreTx, session: CheckoutSessionInfo): Promise<PurchaseDoc> {
    const existing = await this.purchases.bySession(session.id, tx);
    if (existing) {
      if (session.accountId && existing.accountId !== session.accountId)
        throw new DomainError('CONFLICT', `checkout session ${session.id} names another account than its purchase`, {
          sessionId: session.id,
        });
      return existing;
    }
    const accountId = session.accountId as string;
    const account = await this.accounts.byId(accountId, tx);
    if (!account) throw notFound('account', { id: accountId, sessionId: session.id });
    if (!session.credits || !session.packageId)
      throw new DomainError('BAD_USER_INPUT', `checkout session ${session.id} lacks packageId/credits metadata`);
    const now = this.clock.now();
    const doc: PurchaseDoc = {
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
    await this.purchases.insert(doc, tx);
    return doc;
  }
}

export const notOurs = (why: string): Effect => ({ outcome: `ignored: ${why}`, ignored: true, alerts: [] });

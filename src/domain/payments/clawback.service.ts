import { DomainError } from '../errors.js';
import type { LedgerService } from '../ledger/ledger.service.js';
import type { Clawback } from '../ledger/ledger.types.js';
import type { Actor, PurchaseDoc, PurchaseStatus } from '../ports/documents.js';
import type { Alert, Clock } from '../ports/runtime.port.js';
import type { Store, StoreTx } from '../ports/store.port.js';
import type { ChargeInfo, DisputeInfo } from './payment-provider.port.js';
import { notOurs, type Effect } from './purchase-effects.service.js';
import { PurchaseRepository } from './purchase.repository.js';

export interface ClawbackOptions {
  store: Store;
  clock: Clock;
  ledger: LedgerService;
}

/**
 * Refunds and disputes: money going back to the customer takes credits back, never below zero.
 * What was already spent is the shortfall, recorded on the purchase and alerted. Runs inside the
 * caller's transaction, like PurchaseEffectsService.
 */
export class ClawbackService {
  private readonly clock: Clock;
  private readonly ledger: LedgerService;
  private readonly purchases: PurchaseRepository;

  constructor(options: ClawbackOptions) {
    this.clock = options.clock;
    this.ledger = options.ledger;
    this.purchases = new PurchaseRepository(options);
  }

  /**
   * `charge.refunded` carries the cumulative refunded amount, so the credits due back are computed
   * from the total (rounded down, in the customer's favour) minus what earlier refunds already
   * accounted for; a replayed or out-of-order partial refund therefore takes nothing twice.
   */
  async refund(tx: StoreTx, charge: ChargeInfo, actor: Actor): Promise<Effect> {
    const purchase = await this.purchaseForPayment(tx, charge.paymentIntentId, charge.id);
    if (!purchase) {
      if (!charge.accountId) return notOurs('refund of a charge that is not a credit purchase');
      // Ours, but the completion has not been recorded yet: fail so Stripe redelivers later.
      throw new DomainError('NOT_FOUND', `no purchase recorded yet for charge ${charge.id}`, { chargeId: charge.id });
    }
    if (!purchase.grantEntryId)
      throw new DomainError('CONFLICT', `refund of purchase ${purchase._id} whose credits were never granted`, {
        purchaseId: purchase._id,
      });
    const paid = charge.amount > 0 ? charge.amount : purchase.amountTotal;
    if (paid <= 0)
      throw new DomainError('CONFLICT', `refund of ${charge.id}: the paid amount is unknown`, { chargeId: charge.id });
    const refunded = Math.min(charge.amountRefunded, paid);
    const target = Math.floor((purchase.creditsGranted * refunded) / paid);
    const due = target - purchase.creditsClawedBack - purchase.clawbackShortfall;
    const status: PurchaseStatus =
      purchase.status === 'disputed' ? 'disputed' : refunded >= paid ? 'refunded' : 'partially_refunded';
    const set = { status, amountRefunded: refunded, chargeId: charge.id, updatedAt: this.clock.now() };
    if (due <= 0) {
      await this.purchases.update(purchase._id, set, {}, tx);
      return { outcome: 'refund_nothing_due', purchaseId: purchase._id, alerts: [] };
    }
    const taken = await this.ledger.clawbackInTx(tx, {
      accountId: purchase.accountId,
      amount: due,
      kind: 'refund_clawback',
      reason: `Stripe refund of ${charge.id}: ${refunded} of ${paid} ${charge.currency} refunded`,
      idempotencyKey: `stripe-refund:${charge.id}:${refunded}`,
      actor,
      source: { type: 'stripe', ref: charge.id },
    });
    return this.recordClawback(tx, purchase, set, taken, { outcome: 'refund', cause: `refund of ${charge.id}` });
  }

  /** A dispute only marks the purchase and tells support; credits stay until it is lost. */
  async disputeOpened(tx: StoreTx, dispute: DisputeInfo): Promise<Effect> {
    const purchase = await this.purchaseForPayment(tx, dispute.paymentIntentId, dispute.chargeId);
    if (!purchase)
      return { ...notOurs('dispute on a charge with no credit purchase'), alerts: [unknownDispute(dispute)] };
    await this.purchases.update(
      purchase._id,
      {
        status: 'disputed',
        disputeId: dispute.id,
        ...(dispute.chargeId ? { chargeId: dispute.chargeId } : {}),
        updatedAt: this.clock.now(),
      },
      {},
      tx,
    );
    return {
      outcome: 'marked_disputed',
      purchaseId: purchase._id,
      alerts: [
        {
          severity: 'warning',
          title: 'Stripe dispute opened',
          body:
            `Dispute ${dispute.id} (${dispute.reason ?? 'no reason given'}) on purchase ${purchase._id}: ` +
            `account ${purchase.accountId}, ${purchase.credits} credits, ${purchase.amountTotal} ${purchase.currency}.`,
          action:
            'Submit evidence in the Stripe dashboard (Payments → Disputes) before the deadline. ' +
            'Credits are taken back automatically only if the dispute is lost.',
          key: 'stripe-dispute',
        },
      ],
    };
  }

  /** Lost: take back every credit not yet taken back (like a full refund). Otherwise: clear the mark. */
  async disputeClosed(tx: StoreTx, dispute: DisputeInfo, actor: Actor): Promise<Effect> {
    const purchase = await this.purchaseForPayment(tx, dispute.paymentIntentId, dispute.chargeId);
    if (!purchase)
      return { ...notOurs('dispute on a charge with no credit purchase'), alerts: [unknownDispute(dispute)] };
    const now = this.clock.now();
    if (dispute.status !== 'lost') {
      await this.purchases.update(purchase._id, { status: statusWithoutDispute(purchase), updatedAt: now }, {}, tx);
      return { outcome: `dispute_${dispute.status}`, purchaseId: purchase._id, alerts: [] };
    }
    const due = purchase.creditsGranted - purchase.creditsClawedBack - purchase.clawbackShortfall;
    if (due <= 0) {
      await this.purchases.update(purchase._id, { status: 'disputed', updatedAt: now }, {}, tx);
      return { outcome: 'dispute_lost_nothing_due', purchaseId: purchase._id, alerts: [] };
    }
    const taken = await this.ledger.clawbackInTx(tx, {
      accountId: purchase.accountId,
      amount: due,
      kind: 'dispute_clawback',
      reason: `Stripe dispute ${dispute.id} lost`,
      idempotencyKey: `stripe-dispute:${dispute.id}`,
      actor,
      source: { type: 'stripe', ref: dispute.id },
    });
    const set = { status: 'disputed' as const, disputeId: dispute.id, updatedAt: now };
    return this.recordClawback(tx, purchase, set, taken, {
      outcome: 'dispute_lost',
      cause: `lost dispute ${dispute.id}`,
    });
  }

  /** Records what was taken back (and the shortfall) on the purchase; a shortfall alerts. */
  private async recordClawback(
    tx: StoreTx,
    purchase: PurchaseDoc,
    set: Partial<PurchaseDoc>,
    taken: Clawback,
    what: { outcome: string; cause: string },
  ): Promise<Effect> {
    await this.purchases.update(
      purchase._id,
      set,
      { creditsClawedBack: taken.taken, clawbackShortfall: taken.shortfall },
      tx,
    );
    const short = taken.shortfall > 0;
    return {
      outcome: `${what.outcome}_clawed_back${short ? '_with_shortfall' : ''}`,
      purchaseId: purchase._id,
      ledgerEntryId: taken.entry?.id,
      alerts: short ? [shortfallAlert(purchase, taken.shortfall, what.cause)] : [],
    };
  }

  private purchaseForPayment(tx: StoreTx, paymentIntentId: string | null, chargeId: string | null) {
    return this.purchases.byPayment(paymentIntentId, chargeId, tx);
  }
}

function statusWithoutDispute(p: PurchaseDoc): PurchaseStatus {
  if (!p.grantEntryId) return 'open';
  if (p.amountRefunded <= 0) return 'paid';
  return p.amountRefunded >= p.amountTotal ? 'refunded' : 'partially_refunded';
}

function shortfallAlert(p: PurchaseDoc, shortfall: number, cause: string): Alert {
  return {
    severity: 'warning',
    title: 'Credits could not be fully taken back',
    body:
      `After the ${cause}, ${shortfall} credit(s) of purchase ${p._id} could not be taken back from account ` +
      `${p.accountId}: they were already spent or held for a running analysis. The shortfall is recorded on the purchase and is collected from the account's next release or grant.`,
    action: 'Review the account; decide whether to freeze it or write the shortfall off.',
    key: 'stripe-clawback-shortfall',
  };
}

function unknownDispute(d: DisputeInfo): Alert {
  return {
    severity: 'warning',
    title: 'Stripe dispute on an unknown charge',
    body: `Dispute ${d.id} (${d.status}) on charge ${d.chargeId ?? '?'} matches no credit purchase.`,
    action: 'Check in the Stripe dashboard what was disputed; no credits were changed.',
    key: 'stripe-dispute',
  };
}

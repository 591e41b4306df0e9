import type { PurchaseDoc, PurchaseStatus, WebhookFailureDoc } from '../ports/documents.js';

export interface Purchase {
  id: string;
  checkoutSessionId: string;
  accountId: string;
  packageId: string;
  credits: number;
  amountTotal: number;
  currency: string;
  status: PurchaseStatus;
  creditsGranted: number;
  creditsClawedBack: number;
  clawbackShortfall: number;
  amountRefunded: number;
  paymentIntentId?: string;
  chargeId?: string;
  disputeId?: string;
  createdAt: Date;
  updatedAt: Date;
}

export const toPurchase = (d: PurchaseDoc): Purchase => ({
  id: d._id,
  checkoutSessionId: d.checkoutSessionId,
  accountId: d.accountId,
  packageId: d.packageId,
  credits: d.credits,
  amountTotal: d.amountTotal,
  currency: d.currency,
  status: d.status,
  creditsGranted: d.creditsGranted,
  creditsClawedBack: d.creditsClawedBack,
  clawbackShortfall: d.clawbackShortfall,
  amountRefunded: d.amountRefunded,
  paymentIntentId: d.paymentIntentId,
  chargeId: d.chargeId,
  disputeId: d.disputeId,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

export interface CheckoutSession {
  id: string;
  url: string;
  expiresAt: Date | null;
  purchaseId: string;
}

export interface WebhookFailure {
  id: string;
  eventId: string;
  type: string;
  /** The Checkout session and account the event is about; null when the event does not say. */
  checkoutSessionId: string | null;
  accountId: string | null;
  error: string;
  attempts: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt?: Date;
}

export const toWebhookFailure = (d: WebhookFailureDoc): WebhookFailure => ({
  id: d._id,
  eventId: d.eventId,
  type: d.type,
  checkoutSessionId: d.checkoutSessionId ?? null,
  accountId: d.accountId ?? null,
  error: d.error,
  attempts: d.attempts,
  firstSeenAt: d.firstSeenAt,
  lastSeenAt: d.lastSeenAt,
  resolvedAt: d.resolvedAt,
});

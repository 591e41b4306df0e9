import { DomainError } from '../errors.js';

/**
 * What the domain needs from the payment provider (Stripe), in the domain's own words. The adapter
 * (src/payments/stripe) turns Stripe's objects into these shapes, so services never see the SDK.
 */
export type CheckoutSessionStatus = 'open' | 'complete' | 'expired';
export type CheckoutPaymentStatus = 'paid' | 'unpaid' | 'no_payment_required';

export interface CheckoutSessionInfo {
  id: string;
  url: string | null;
  status: CheckoutSessionStatus | null;
  paymentStatus: CheckoutPaymentStatus;
  /** `client_reference_id`, falling back to `metadata.accountId`; null for sessions we did not create. */
  accountId: string | null;
  packageId: string | null;
  /** `metadata.credits`: what the customer bought, fixed when the session was created. */
  credits: number | null;
  customerId: string | null;
  amountTotal: number | null;
  currency: string | null;
  paymentIntentId: string | null;
  createdAt: Date;
  expiresAt: Date | null;
}

export interface ChargeInfo {
  id: string;
  paymentIntentId: string | null;
  /** Minor currency units. `amountRefunded` is cumulative over every refund of the charge. */
  amount: number;
  amountRefunded: number;
  currency: string;
  /** `metadata.accountId` (copied from the payment intent): tells our charges from others. */
  accountId: string | null;
}

export interface DisputeInfo {
  id: string;
  chargeId: string | null;
  paymentIntentId: string | null;
  amount: number;
  /** Stripe's dispute status: `needs_response`, `under_review`, `won`, `lost`, `warning_closed`, … */
  status: string;
  reason: string | null;
}

export type CheckoutEventType =
  | 'checkout.session.completed'
  | 'checkout.session.async_payment_succeeded'
  | 'checkout.session.async_payment_failed'
  | 'checkout.session.expired';
export type DisputeEventType = 'charge.dispute.created' | 'charge.dispute.closed';

interface EventBase {
  id: string;
  /** Stripe's event type, verbatim. */
  type: string;
  createdAt: Date;
}
export type PaymentEvent =
  | (EventBase & { kind: 'checkout'; type: CheckoutEventType; session: CheckoutSessionInfo })
  | (EventBase & { kind: 'refund'; type: 'charge.refunded'; charge: ChargeInfo })
  | (EventBase & { kind: 'dispute'; type: DisputeEventType; dispute: DisputeInfo })
  | (EventBase & { kind: 'unhandled' });

export interface CheckoutRequest {
  accountId: string;
  customerId: string;
  packageId: string;
  packageName: string;
  credits: number;
  amount: number;
  currency: string;
  stripePriceId?: string;
  successUrl: string;
  cancelUrl: string;
}

export interface SessionPage {
  sessions: CheckoutSessionInfo[];
  /** Pass back as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PaymentProvider {
  /** Idempotent per key: a repeat returns the customer the first call created. */
  createCustomer(input: { accountId: string; email: string }, idempotencyKey: string): Promise<{ id: string }>;
  /** A repeat with the same key returns the same session; other parameters → IDEMPOTENCY_KEY_REUSED. */
  createCheckoutSession(input: CheckoutRequest, idempotencyKey: string): Promise<CheckoutSessionInfo>;
  /** Completed sessions created in [from, to], newest first. */
  listCompletedCheckoutSessions(window: { from: Date; to: Date }, after?: string | null): Promise<SessionPage>;
  /** Every session of one customer, newest first. */
  listCustomerCheckoutSessions(customerId: string, after?: string | null): Promise<SessionPage>;
  /** NOT_FOUND when the provider does not know the session. */
  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSessionInfo>;
  /** NOT_FOUND when the provider does not know the event. */
  retrieveEvent(eventId: string): Promise<PaymentEvent>;
}

/** What every payment operation answers when STRIPE_SECRET_KEY is not configured. */
export const paymentsUnconfigured = (): DomainError =>
  new DomainError('CONFIGURATION', 'payments are not configured on this server: STRIPE_SECRET_KEY is not set');

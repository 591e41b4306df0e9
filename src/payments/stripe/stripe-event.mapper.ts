import type Stripe from 'stripe';
import type {
  ChargeInfo,
  CheckoutEventType,
  CheckoutSessionInfo,
  DisputeEventType,
  DisputeInfo,
  PaymentEvent,
} from '../../domain/payments/payment-provider.port.js';

/**
 * Stripe objects → the domain's payment shapes. Defensive on purpose: webhook payloads follow the
 * endpoint's API version, not this SDK's, so every field is read as optional and expandable
 * references (`string | object`) are reduced to their id.
 */
const idOf = (ref: unknown): string | null => {
  if (typeof ref === 'string' && ref) return ref;
  if (ref && typeof ref === 'object' && typeof (ref as { id?: unknown }).id === 'string')
    return (ref as { id: string }).id;
  return null;
};
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);
const date = (unixSeconds: unknown): Date | null => {
  const n = int(unixSeconds);
  return n === null ? null : new Date(n * 1000);
};

function credits(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^\d{1,7}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 && n <= 1_000_000 ? n : null;
}

export function toCheckoutSessionInfo(s: Stripe.Checkout.Session): CheckoutSessionInfo {
  const metadata: Record<string, string> = s.metadata ?? {};
  const status = str(s.status);
  const paymentStatus = str(s.payment_status);
  return {
    id: s.id,
    url: str(s.url),
    status: status === 'open' || status === 'complete' || status === 'expired' ? status : null,
    paymentStatus: paymentStatus === 'paid' || paymentStatus === 'no_payment_required' ? paymentStatus : 'unpaid',
    accountId: str(s.client_reference_id) ?? str(metadata.accountId),
    packageId: str(metadata.packageId),
    credits: credits(metadata.credits),
    customerId: idOf(s.customer),
    amountTotal: int(s.amount_total),
    currency: str(s.currency),
    paymentIntentId: idOf(s.payment_intent),
    createdAt: date(s.created) ?? new Date(0),
    expiresAt: date(s.expires_at),
  };
}

function toChargeInfo(c: Stripe.Charge): ChargeInfo {
  return {
    id: c.id,
    paymentIntentId: idOf(c.payment_intent),
    amount: int(c.amount) ?? 0,
    amountRefunded: int(c.amount_refunded) ?? 0,
    currency: str(c.currency) ?? 'usd',
    accountId: str(c.metadata?.accountId),
  };
}

function toDisputeInfo(d: Stripe.Dispute): DisputeInfo {
  return {
    id: d.id,
    chargeId: idOf(d.charge),
    paymentIntentId: idOf(d.payment_intent),
    amount: int(d.amount) ?? 0,
    status: str(d.status) ?? 'unknown',
    reason: str(d.reason),
  };
}

const CHECKOUT: ReadonlySet<string> = new Set<CheckoutEventType>([
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
]);
const DISPUTE: ReadonlySet<string> = new Set<DisputeEventType>(['charge.dispute.created', 'charge.dispute.closed']);

export function toPaymentEvent(event: Stripe.Event): PaymentEvent {
  const base = { id: event.id, createdAt: date(event.created) ?? new Date(0) };
  const object: unknown = (event.data as { object?: unknown } | undefined)?.object;
  const objectType = (object as { object?: unknown } | undefined)?.object;
  if (CHECKOUT.has(event.type) && objectType === 'checkout.session')
    return {
      ...base,
      kind: 'checkout',
      type: event.type as CheckoutEventType,
      session: toCheckoutSessionInfo(object as Stripe.Checkout.Session),
    };
  if (event.type === 'charge.refunded' && objectType === 'charge')
    return { ...base, kind: 'refund', type: 'charge.refunded', charge: toChargeInfo(object as Stripe.Charge) };
  if (DISPUTE.has(event.type) && objectType === 'dispute')
    return {
      ...base,
      kind: 'dispute',
      type: event.type as DisputeEventType,
      dispute: toDisputeInfo(object as Stripe.Dispute),
    };
  return { ...base, kind: 'unhandled', type: String(event.type) };
}

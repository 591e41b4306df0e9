import Stripe from 'stripe';
import { DomainError } from '../../domain/errors.js';
import type {
  CheckoutRequest,
  CheckoutSessionInfo,
  PaymentEvent,
  PaymentProvider,
  SessionPage,
} from '../../domain/payments/payment-provider.port.js';
import { toCheckoutSessionInfo, toPaymentEvent } from './stripe-event.mapper.js';

const PAGE = 100;
const unix = (d: Date): number => Math.floor(d.getTime() / 1000);

/** The PaymentProvider port over stripe-node. Stripe's errors become domain errors here. */
export class StripePaymentProvider implements PaymentProvider {
  constructor(private readonly stripe: Stripe) {}

  async createCustomer(input: { accountId: string; email: string }, idempotencyKey: string): Promise<{ id: string }> {
    const customer = await call(() =>
      this.stripe.customers.create(
        { email: input.email, metadata: { accountId: input.accountId } },
        { idempotencyKey },
      ),
    );
    return { id: customer.id };
  }

  async createCheckoutSession(r: CheckoutRequest, idempotencyKey: string): Promise<CheckoutSessionInfo> {
    const metadata = { accountId: r.accountId, packageId: r.packageId, credits: String(r.credits) };
    const lineItem: Stripe.Checkout.SessionCreateParams.LineItem = r.stripePriceId
      ? { price: r.stripePriceId, quantity: 1 }
      : {
          quantity: 1,
          price_data: {
            currency: r.currency,
            unit_amount: r.amount,
            product_data: { name: r.packageName, metadata: { packageId: r.packageId } },
          },
        };
    const session = await call(() =>
      this.stripe.checkout.sessions.create(
        {
          mode: 'payment',
          customer: r.customerId,
          client_reference_id: r.accountId,
          line_items: [lineItem],
          metadata,
          // Copied onto the charge, so refunds and disputes can be told apart from other products.
          payment_intent_data: { metadata },
          success_url: r.successUrl,
          cancel_url: r.cancelUrl,
        },
        { idempotencyKey },
      ),
    );
    return toCheckoutSessionInfo(session);
  }

  async listCompletedCheckoutSessions(window: { from: Date; to: Date }, after?: string | null): Promise<SessionPage> {
    const page = await call(() =>
      this.stripe.checkout.sessions.list({
        created: { gte: unix(window.from), lte: unix(window.to) },
        status: 'complete',
        limit: PAGE,
        ...(after ? { starting_after: after } : {}),
      }),
    );
    return toPage(page);
  }

  async listCustomerCheckoutSessions(customerId: string, after?: string | null): Promise<SessionPage> {
    const page = await call(() =>
      this.stripe.checkout.sessions.list({
        customer: customerId,
        limit: PAGE,
        ...(after ? { starting_after: after } : {}),
      }),
    );
    return toPage(page);
  }

  async retrieveCheckoutSession(sessionId: string): Promise<CheckoutSessionInfo> {
    return toCheckoutSessionInfo(await call(() => this.stripe.checkout.sessions.retrieve(sessionId)));
  }

  async retrieveEvent(eventId: string): Promise<PaymentEvent> {
    return toPaymentEvent(await call(() => this.stripe.events.retrieve(eventId)));
  }
}

function toPage(page: Stripe.ApiList<Stripe.Checkout.Session>): SessionPage {
  const sessions = page.data.map(toCheckoutSessionInfo);
  const last = page.data[page.data.length - 1];
  return { sessions, nextCursor: page.has_more && last ? last.id : null };
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toDomainError(error);
  }
}

function toDomainError(error: unknown): Error {
  if (!(error instanceof Stripe.errors.StripeError))
    return new DomainError('UPSTREAM_FAILED', `Stripe request failed: ${String(error)}`);
  const details = { stripeCode: error.code, stripeRequestId: error.requestId, statusCode: error.statusCode };
  if (error instanceof Stripe.errors.StripeIdempotencyError)
    return new DomainError('IDEMPOTENCY_KEY_REUSED', 'idempotency key was already used for another request', details);
  if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing')
    return new DomainError('NOT_FOUND', `Stripe: ${error.message}`, details);
  if (error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError)
    return new DomainError('CONFIGURATION', 'Stripe rejected STRIPE_SECRET_KEY', details);
  return new DomainError('UPSTREAM_FAILED', `Stripe: ${error.message}`, details);
}

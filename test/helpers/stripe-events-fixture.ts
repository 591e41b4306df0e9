import { LedgerService } from '../../src/domain/ledger/ledger.service.js';
import { ClawbackService } from '../../src/domain/payments/clawback.service.js';
import type { CheckoutSessionInfo, PaymentEvent } from '../../src/domain/payments/payment-provider.port.js';
import { PurchaseEffectsService } from '../../src/domain/payments/purchase-effects.service.js';
import { StripeEventsService } from '../../src/domain/payments/stripe-events.service.js';
import type { Clock } from '../../src/domain/ports/runtime.port.js';
import type { Store } from '../../src/domain/ports/store.port.js';
import { gateWrites } from '../../src/store/maintenance-gate.js';
import { RecordingAlertSink } from './recording-alert.sink.js';
import { RecordingLogger } from './recording-logger.js';

/** StripeEventsService as `buildServices` composes it: behind the maintenance gate, without Stripe. */
export function stripeEventsOn(store: Store, clock: Clock): StripeEventsService {
  const gated = gateWrites(store);
  const ledger = new LedgerService({ store: gated, clock });
  return new StripeEventsService({
    store: gated,
    clock,
    effects: new PurchaseEffectsService({ store: gated, clock, ledger }),
    clawbacks: new ClawbackService({ store: gated, clock, ledger }),
    alerts: new RecordingAlertSink(),
    logger: new RecordingLogger(),
    provider: null,
  });
}

/** A paid Checkout session of the "starter" package (10 credits), as the Stripe adapter maps it. */
export const paidSession = (accountId: string, id = 'cs_test_1'): CheckoutSessionInfo => ({
  id,
  url: null,
  status: 'complete',
  paymentStatus: 'paid',
  accountId,
  packageId: 'starter',
  credits: 10,
  customerId: null,
  amountTotal: 1900,
  currency: 'usd',
  paymentIntentId: `pi_for_${id}`,
  createdAt: new Date('2024-05-01T02:00:00.000Z'),
  expiresAt: null,
});

export const sessionEvent = (
  session: CheckoutSessionInfo,
  id = 'evt_test_1',
  type: 'checkout.session.completed' | 'checkout.session.async_payment_succeeded' = 'checkout.session.completed',
): PaymentEvent => ({ kind: 'checkout', id, type, createdAt: new Date('2024-05-01T02:59:00.000Z'), session });

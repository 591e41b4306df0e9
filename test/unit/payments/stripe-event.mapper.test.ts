import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { toPaymentEvent } from '../../../src/payments/stripe/stripe-event.mapper.js';

const event = (type: string, object: Record<string, unknown>): Stripe.Event =>
  ({ id: 'evt_1', object: 'event', type, created: 1_700_000_000, data: { object } }) as unknown as Stripe.Event;

describe('toPaymentEvent', () => {
  it('reads a completed session, reducing expanded references to ids', () => {
    const e = toPaymentEvent(
      event('checkout.session.completed', {
        id: 'cs_1',
        object: 'checkout.session',
        status: 'complete',
        payment_status: 'paid',
        client_reference_id: 'acc_1',
        metadata: { accountId: 'acc_1', packageId: 'starter', credits: '10' },
        customer: { id: 'cus_1', object: 'customer' },
        payment_intent: { id: 'pi_1', object: 'payment_intent' },
        amount_total: 1900,
        currency: 'usd',
        created: 1_700_000_000,
        expires_at: 1_700_086_400,
      }),
    );

    expect(e).toMatchObject({
      kind: 'checkout',
      type: 'checkout.session.completed',
      createdAt: new Date(1_700_000_000_000),
      session: {
        id: 'cs_1',
        paymentStatus: 'paid',
        accountId: 'acc_1',
        packageId: 'starter',
        credits: 10,
        customerId: 'cus_1',
        paymentIntentId: 'pi_1',
        amountTotal: 1900,
      },
    });
  });

  it('falls back to metadata.accountId and refuses nonsense credits', () => {
    const e = toPaymentEvent(
      event('checkout.session.async_payment_succeeded', {
        id: 'cs_2',
        object: 'checkout.session',
        payment_status: 'paid',
        client_reference_id: null,
        metadata: { accountId: 'acc_2', packageId: 'starter', credits: '1e9' },
      }),
    );

    expect(e.kind === 'checkout' && e.session).toMatchObject({ accountId: 'acc_2', credits: null });
  });

  it('reads refunds and disputes', () => {
    const refund = toPaymentEvent(
      event('charge.refunded', {
        id: 'ch_1',
        object: 'charge',
        amount: 1900,
        amount_refunded: 950,
        currency: 'usd',
        payment_intent: 'pi_1',
        metadata: { accountId: 'acc_1' },
      }),
    );
    const dispute = toPaymentEvent(
      event('charge.dispute.closed', {
        id: 'dp_1',
        object: 'dispute',
        amount: 1900,
        charge: 'ch_1',
        payment_intent: 'pi_1',
        status: 'lost',
        reason: 'fraudulent',
      }),
    );

    expect(refund).toMatchObject({ kind: 'refund', charge: { id: 'ch_1', amountRefunded: 950, accountId: 'acc_1' } });
    expect(dispute).toMatchObject({ kind: 'dispute', dispute: { id: 'dp_1', chargeId: 'ch_1', status: 'lost' } });
  });

  it('leaves unknown types, and known types carrying an unexpected object, unhandled', () => {
    expect(toPaymentEvent(event('invoice.paid', { id: 'in_1', object: 'invoice' }))).toMatchObject({
      kind: 'unhandled',
      type: 'invoice.paid',
    });
    expect(toPaymentEvent(event('charge.refunded', { id: 'x', object: 'payment_intent' })).kind).toBe('unhandled');
  });
});

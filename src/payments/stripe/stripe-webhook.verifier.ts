import Stripe from 'stripe';

export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type Verification = { ok: true; event: Stripe.Event } | { ok: false; reason: string };

/**
 * Checks `Stripe-Signature` against every configured secret (several during a rotation: the old
 * and the new endpoint secret both verify until the old one is removed), with Stripe's 300 s
 * replay tolerance. Needs no API key, so webhooks verify even where checkout is not configured.
 */
export class StripeWebhookVerifier {
  constructor(
    private readonly secrets: readonly string[],
    private readonly toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
  ) {
    if (secrets.length === 0) throw new Error('StripeWebhookVerifier needs at least one secret');
  }

  verify(body: unknown, header: string | undefined): Verification {
    if (!Buffer.isBuffer(body) || body.length === 0) return { ok: false, reason: 'missing body' };
    if (!header) return { ok: false, reason: 'missing Stripe-Signature header' };
    let reason = 'signature does not match';
    for (const secret of this.secrets) {
      try {
        const event = Stripe.webhooks.constructEvent(body, header, secret, this.toleranceSeconds);
        return isEvent(event) ? { ok: true, event } : { ok: false, reason: 'body is not a Stripe event' };
      } catch (error) {
        if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
          if (/tolerance/i.test(error.message)) reason = 'timestamp outside the tolerance';
          continue;
        }
        // The signature matched but the signed bytes are not JSON.
        return { ok: false, reason: 'body is not JSON' };
      }
    }
    return { ok: false, reason };
  }
}

function isEvent(e: unknown): e is Stripe.Event {
  const x = e as { id?: unknown; type?: unknown; data?: { object?: unknown } } | null;
  return (
    typeof x?.id === 'string' &&
    x.id.startsWith('evt_') &&
    typeof x.type === 'string' &&
    typeof x.data?.object === 'object'
  );
}

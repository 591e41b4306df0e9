import Stripe from 'stripe';
import type { FakeEvent } from './stripe-fake.server.js';

/** Signs exactly as Stripe does (`t=…,v1=…`), via the SDK's own test helper. */
export function signatureHeader(payload: string, secret: string, timestamp?: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });
}

export interface Delivery {
  status: number;
  body: { received?: boolean; status?: string; outcome?: string; error?: string; eventId?: string };
}

/**
 * POSTs an event to the service's webhook endpoint like Stripe does. Options forge what Stripe
 * would never send: another secret, an old timestamp, a raw body or header of the test's choosing.
 */
export async function deliver(
  baseUrl: string,
  event: FakeEvent | null,
  options: { secret: string; timestamp?: number; body?: string; header?: string | null },
): Promise<Delivery> {
  const payload = options.body ?? JSON.stringify(event, null, 2);
  const header =
    options.header === undefined ? signatureHeader(payload, options.secret, options.timestamp) : options.header;
  const res = await fetch(`${baseUrl}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...(header ? { 'stripe-signature': header } : {}) },
    body: payload,
  });
  const text = await res.text();
  let body: Delivery['body'] = {};
  try {
    body = JSON.parse(text) as Delivery['body'];
  } catch {
    body = { error: text };
  }
  return { status: res.status, body };
}

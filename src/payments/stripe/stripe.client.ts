import Stripe from 'stripe';
import type { Config } from '../../config.js';

/**
 * The one Stripe client of a process. STRIPE_API_HOST/PORT/PROTOCOL point it at a local
 * Stripe-compatible server (the test fake, stripe-mock); unset, it talks to api.stripe.com.
 */
export function createStripeClient(
  config: Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_API_HOST' | 'STRIPE_API_PORT' | 'STRIPE_API_PROTOCOL'>,
): Stripe | null {
  if (!config.STRIPE_SECRET_KEY) return null;
  return new Stripe(config.STRIPE_SECRET_KEY, {
    ...(config.STRIPE_API_HOST ? { host: config.STRIPE_API_HOST } : {}),
    ...(config.STRIPE_API_PORT !== undefined ? { port: config.STRIPE_API_PORT } : {}),
    ...(config.STRIPE_API_PROTOCOL ? { protocol: config.STRIPE_API_PROTOCOL } : {}),
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'noi-credits' },
  });
}

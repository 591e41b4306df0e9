import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config.js';

type WebhookSecretConfig = Pick<Config, 'NODE_ENV' | 'DATA_DIR' | 'STRIPE_WEBHOOK_SECRET'>;

export const devWebhookSecretPath = (config: Pick<Config, 'DATA_DIR'>): string =>
  join(config.DATA_DIR, 'dev-stripe-webhook-secret');

/**
 * The secrets Stripe webhooks are verified with: STRIPE_WEBHOOK_SECRET, or — in development only,
 * when it is unset — one generated once into `${DATA_DIR}/dev-stripe-webhook-secret` (0600) that
 * `npm run cli -- dev purchase` signs with, so the purchase path can be tried without a Stripe account.
 */
export function resolveWebhookSecrets(config: WebhookSecretConfig): string[] | null {
  if (config.STRIPE_WEBHOOK_SECRET?.length) return config.STRIPE_WEBHOOK_SECRET;
  if (config.NODE_ENV !== 'development') return null;
  const path = devWebhookSecretPath(config);
  mkdirSync(config.DATA_DIR, { recursive: true });
  try {
    // 'wx': of two processes starting at once, one creates the file and the other reads it.
    writeFileSync(path, `whsec_dev_${randomBytes(24).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return [readFileSync(path, 'utf8').trim()];
}

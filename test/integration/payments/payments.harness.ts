/**
 * One running service (real HTTP on port 0, memory store so tests can inject faults) wired to a
 * local Stripe fake and a local Discord webhook fake, plus the customer-side moves tests need.
 */
import { loadConfig } from '../../../src/config.js';
import type { Account } from '../../../src/domain/accounts/account.types.js';
import type { CheckoutSession } from '../../../src/domain/payments/purchase.types.js';
import { createLogger } from '../../../src/logger.js';
import { startService, type RunningService } from '../../../src/main.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { DiscordWebhookFake } from '../../fakes/discord-webhook/discord-webhook-fake.server.js';
import { StripeFake, type FakeEvent, type FakeSession } from '../../fakes/stripe/stripe-fake.server.js';
import { deliver, type Delivery } from '../../fakes/stripe/stripe-webhook.sender.js';

export const WEBHOOK_SECRET = 'whsec_current_test_secret';
export const OLD_WEBHOOK_SECRET = 'whsec_previous_test_secret';

export interface PaymentsHarness {
  app: RunningService;
  store: MemoryStore;
  stripe: StripeFake;
  discord: DiscordWebhookFake;
  newAccount(): Promise<Account>;
  /** createCheckoutSession through the service, then the customer pays (or not) at the fake. */
  buy(
    accountId: string,
    options?: { packageId?: string; pay?: 'card' | 'async' | 'no' },
  ): Promise<{ checkout: CheckoutSession; session: FakeSession }>;
  send(event: FakeEvent, options?: { secret?: string; timestamp?: number }): Promise<Delivery>;
  balance(accountId: string): Promise<number>;
  close(): Promise<void>;
}

let counter = 0;

export async function startPaymentsHarness(env: Record<string, string> = {}): Promise<PaymentsHarness> {
  const stripe = await StripeFake.start();
  const discord = await DiscordWebhookFake.start();
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    PROCESS_ROLES: 'api',
    LOG_LEVEL: 'silent',
    STRIPE_WEBHOOK_SECRET: `${WEBHOOK_SECRET},${OLD_WEBHOOK_SECRET}`,
    ...stripe.env(),
    ...discord.env(),
    ...env,
  });
  const store = new MemoryStore();
  const app = await startService({ config, store, logger: createLogger('silent') });
  const harness: PaymentsHarness = {
    app,
    store,
    stripe,
    discord,
    newAccount: () =>
      app.services.accounts.findOrCreateBySubject({
        subject: `user-${process.pid}-${++counter}`,
        email: `buyer${counter}-${Date.now()}@example.com`,
      }),
    buy: async (accountId, options = {}) => {
      const checkout = await app.services.payments.createCheckoutSession({
        accountId,
        packageId: options.packageId ?? 'starter',
        idempotencyKey: `buy-${++counter}`,
      });
      const pay = options.pay ?? 'card';
      const session =
        pay === 'no'
          ? (stripe.sessions.get(checkout.id) as FakeSession)
          : stripe.completeSession(checkout.id, { async: pay === 'async' });
      return { checkout, session };
    },
    send: (event, options = {}) => deliver(app.url, event, { secret: options.secret ?? WEBHOOK_SECRET, ...options }),
    balance: async (accountId) => (await app.services.accounts.getById(accountId)).balance,
    close: async () => {
      await app.close();
      await stripe.close();
      await discord.close();
    },
  };
  return harness;
}

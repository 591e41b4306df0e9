import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../helpers/cli-context.js';
import { parseDuration } from '../../../src/cli/commands/reconcile.command.js';
import { buildProgram } from '../../../src/cli/main.js';
import { loadConfig } from '../../../src/config.js';
import { systemClock } from '../../../src/domain/ports/runtime.port.js';
import { createLogger } from '../../../src/logger.js';
import { buildServices } from '../../../src/services.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { StripeFake } from '../../fakes/stripe/stripe-fake.server.js';

describe('reconcile command', () => {
  let stripe: StripeFake;
  beforeAll(async () => {
    stripe = await StripeFake.start();
  });
  afterAll(async () => stripe.close());

  it('grants a paid session whose webhook never arrived and prints what it healed', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
      ...stripe.env(),
    });
    const store = new MemoryStore();
    const logger = createLogger('silent');
    const services = buildServices({ config, store, clock: systemClock, logger });
    const account = await services.accounts.findOrCreateBySubject({ subject: 'cli', email: 'cli@example.com' });
    const checkout = await services.payments.createCheckoutSession({
      accountId: account.id,
      packageId: 'investor',
      idempotencyKey: 'cli-buy',
    });
    stripe.completeSession(checkout.id);
    const { ctx, printed } = cliContext({
      config,
      logger,
      open: async () => ({ store, services, close: async () => undefined }),
    });

    await buildProgram(ctx).parseAsync(['node', 'cli', 'reconcile', '--since', '2h']);

    expect(printed).toHaveLength(1);
    expect(printed[0]?.healed).toEqual([
      expect.objectContaining({ checkoutSessionId: checkout.id, accountId: account.id, credits: 50 }),
    ]);
    expect((await services.accounts.getById(account.id)).balance).toBe(50);
  });

  it('parses 90m, 24h and 7d, and refuses anything else', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('24h')).toBe(24 * 3_600_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    for (const bad of ['24', 'h', '0h', '-1h', '1w']) expect(() => parseDuration(bad)).toThrow(/duration/);
  });
});

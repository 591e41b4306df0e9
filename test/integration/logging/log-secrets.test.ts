import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { slashCommand, supportMember } from '../../fakes/discord/interactions.js';
import { StripeFake } from '../../fakes/stripe/stripe-fake.server.js';
import { deliver } from '../../fakes/stripe/stripe-webhook.sender.js';
import { CapturedLog } from '../../helpers/captured-log.js';
import { BOT_TOKEN, BotHarness } from '../bot/bot-harness.js';

const ALERT_WEBHOOK_ID = '700000000000000001';
const ALERT_WEBHOOK_TOKEN = 'alertToken_' + 'Zq9'.repeat(20);
const WEBHOOK_SECRET = 'whsec_log_secrets_test';

/**
 * Discord answers 404 (a deleted alert webhook) and 500 (an outage) to everything the service
 * sends it; the errors `@discordjs/rest` throws carry the request URL, whose path holds the alert
 * webhook's token or the interaction's token, and the request body. None of it may reach the log.
 */
describe(createLogger.name, () => {
  let h: BotHarness;
  let stripe: StripeFake;
  const log = new CapturedLog();

  beforeAll(async () => {
    stripe = await StripeFake.start();
    h = await BotHarness.start(
      {
        DISCORD_ALERT_WEBHOOK_URL: `https://discord.com/api/webhooks/${ALERT_WEBHOOK_ID}/${ALERT_WEBHOOK_TOKEN}`,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
      { logger: log.logger },
    );
    h.fake.failWith = (r) => (r.path.startsWith(`/webhooks/${ALERT_WEBHOOK_ID}/`) ? 404 : 500);
  });
  afterAll(async () => {
    await h.close();
    await stripe.close();
  });

  it('logs failed alert posts and interaction answers without any token or request body', async () => {
    const event = stripe.event('checkout.session.completed', {
      ...stripe.insertSession({
        amount_total: 1900,
        status: 'complete',
        payment_status: 'paid',
        client_reference_id: 'no-such-account',
        metadata: { accountId: 'no-such-account', packageId: 'starter', credits: '10' },
      }),
    });
    expect((await deliver(h.running.url, event, { secret: WEBHOOK_SECRET })).status).toBe(500);
    await log.waitFor('alert not delivered');

    const account = await h.account(3, `secret-customer-${Date.now()}@example.com`);
    const lookup = slashCommand(supportMember(), 'credits', 'lookup', { email: account.email });
    expect((await h.post(lookup)).status).toBe(200); // deferred over HTTP; the edit then fails with 500
    await log.waitFor('could not answer a discord interaction');
    const viaGateway = slashCommand(supportMember(), 'credits', 'lookup', { email: account.email });
    void h.viaGateway(viaGateway).catch(() => undefined);
    await log.waitFor(viaGateway.id);

    const out = log.output;
    // the failures are in the log, with the URL masked …
    expect(out).toContain(`/webhooks/${ALERT_WEBHOOK_ID}/[redacted]`);
    expect(out).toMatch(/\/webhooks\/\d+\/\[redacted\]\/messages\/(@|%40)original/);
    // … and no secret anywhere
    for (const secret of [ALERT_WEBHOOK_TOKEN, lookup.token, viaGateway.token, BOT_TOKEN, WEBHOOK_SECRET])
      expect(out).not.toContain(secret);
    expect(out).not.toContain('requestBody');
    expect(h.fake.requests.filter((r) => r.token === lookup.token).length).toBeGreaterThan(0);
  });
});

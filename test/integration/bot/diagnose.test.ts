import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaymentSupportService } from '../../../src/domain/support/payment-support.service.js';
import { buttonPress, slashCommand, supportMember, type Who } from '../../fakes/discord/interactions.js';
import { StripeFake, type FakeSession } from '../../fakes/stripe/stripe-fake.server.js';
import { deliver } from '../../fakes/stripe/stripe-webhook.sender.js';
import { BotHarness, field, text, title, type Answer } from './bot-harness.js';

const WEBHOOK_SECRET = 'whsec_discord_diagnose_test';
const grantButton = (a: Answer) => a.components[0]?.components[0];

describe(PaymentSupportService.name, () => {
  let stripe: StripeFake;
  let h: BotHarness;
  beforeAll(async () => {
    stripe = await StripeFake.start();
    h = await BotHarness.start({ ...stripe.env(), STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
  });
  afterAll(async () => {
    await h.close();
    await stripe.close();
  });

  let seq = 0;
  /** Checkout through the service, paid at Stripe; the webhook is NOT delivered. */
  const paidWithoutWebhook = async (accountId: string, packageId = 'starter'): Promise<FakeSession> => {
    const checkout = await h.services.payments.createCheckoutSession({
      accountId,
      packageId,
      idempotencyKey: `buy-${++seq}`,
    });
    return stripe.completeSession(checkout.id);
  };
  const webhook = (session: FakeSession) =>
    deliver(h.running.url, stripe.event('checkout.session.completed', session), { secret: WEBHOOK_SECRET });
  const diagnose = (who: Who, email: string) => h.viaGateway(slashCommand(who, 'credits', 'diagnose', { email }));
  const balance = async (id: string) => (await h.services.accounts.getById(id)).balance;
  const entries = (accountId: string) => h.store.collection('ledgerEntries').count({ accountId });

  describe('diagnose + Grant missing credits', () => {
    it('lists a paid session whose webhook never arrived, grants it once, and nothing after', async () => {
      const member = supportMember('alice');
      const account = await h.account(0);
      const session = await paidWithoutWebhook(account.id, 'investor');

      const d = await diagnose(member, account.email);
      expect(d.via).toBe('edit');
      expect(title(d)).toBe(`Payments of ${account.email}`);
      expect(field(d, 'Paid without credits')).toBe(`\`${session.id}\` · 50 credits`);
      expect(field(d, 'Checkout sessions')).toContain(`⚠️ \`${session.id}\``);
      expect(field(d, 'Checkout sessions')).toContain('Stripe: complete/paid');
      expect(grantButton(d)?.label).toBe('Grant missing credits (50)');
      expect(await balance(account.id)).toBe(0);

      const granted = await h.viaGateway(buttonPress(member, grantButton(d)?.custom_id ?? ''));
      expect(granted.via).toBe('edit');
      expect(title(granted)).toBe('Granted 50 missing credits');
      expect(text(granted)).toContain(`\`${session.id}\` · 50 credits · granted now`);
      expect(granted.components).toEqual([]);
      expect(await balance(account.id)).toBe(50);
      const [audit, ...more] = await h.store.collection('auditLog').find({ 'target.id': account.id });
      expect(more).toEqual([]);
      expect(audit).toMatchObject({
        action: 'payments.grant_missing',
        actor: { type: 'discord', id: member.id, name: 'alice' },
        amount: 50,
        balanceBefore: 0,
        balanceAfter: 50,
        details: { checkoutSessionId: session.id },
      });

      const again = await h.viaGateway(buttonPress(member, grantButton(d)?.custom_id ?? ''));
      expect(title(again)).toBe('Nothing more to grant');
      expect(text(again)).toContain('already granted, nothing changed');

      const late = await webhook(session);
      expect(late).toMatchObject({ status: 200, body: { outcome: 'already_granted' } });

      const after = await diagnose(member, account.email);
      expect(field(after, 'Paid without credits')).toBe('_none: every paid session was granted_');
      expect(after.components).toEqual([]);

      expect(await balance(account.id)).toBe(50);
      expect(await entries(account.id)).toBe(1);
      expect(await h.store.collection('purchases').findOne({ checkoutSessionId: session.id })).toMatchObject({
        status: 'paid',
        creditsGranted: 50,
      });
      expect((await h.services.ledger.verifyLedger()).ok).toBe(true);
    });

    it('grants exactly the sessions it listed: a later purchase is left to its webhook', async () => {
      const member = supportMember();
      const account = await h.account(0);
      const first = await paidWithoutWebhook(account.id);
      const d = await diagnose(member, account.email);
      const second = await paidWithoutWebhook(account.id);

      const granted = await h.viaGateway(buttonPress(member, grantButton(d)?.custom_id ?? ''));
      expect(text(granted)).toContain(first.id);
      expect(text(granted)).not.toContain(second.id);
      expect(await balance(account.id)).toBe(10);
      expect((await webhook(second)).body.outcome).toBe('granted');
      expect(await balance(account.id)).toBe(20);
    });

    it('lists nothing to grant when the webhook did arrive', async () => {
      const account = await h.account(0);
      const session = await paidWithoutWebhook(account.id);
      await webhook(session);
      const d = await diagnose(supportMember(), account.email);
      expect(field(d, 'Checkout sessions')).toContain('ours: paid · granted 10');
      expect(d.components).toEqual([]);
    });

    it('shows the open webhook failure of the session', async () => {
      const account = await h.account(0);
      const session = await paidWithoutWebhook(account.id);
      const event = stripe.event('checkout.session.completed', session);
      h.store.faults.failWrite({ collection: 'ledgerEntries' });
      const failed = await deliver(h.running.url, event, { secret: WEBHOOK_SECRET });
      expect(failed.status).toBe(500);

      const requestsBefore = stripe.requests.length;
      const d = await diagnose(supportMember(), account.email);
      expect(field(d, 'Open webhook failures')).toContain(`\`${event.id}\` checkout.session.completed (${session.id})`);
      expect(field(d, 'Paid without credits')).toContain(session.id);
      // The failure row says whose it is: no event is fetched from Stripe to find out.
      const asked = stripe.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`);
      expect(asked.filter((r) => r.includes('/v1/events'))).toEqual([]);
      expect(asked.filter((r) => r.startsWith('GET /v1/checkout/sessions/'))).toEqual([]);
    });

    it("finds, through the failure row, a paid session Stripe's list for the customer lacks, and grants it", async () => {
      const member = supportMember();
      const account = await h.account(0);
      // Made outside this service's API (e.g. an older deploy): no customer, no purchases row.
      const session = stripe.completeSession(
        stripe.insertSession({
          amount_total: 1900,
          client_reference_id: account.id,
          metadata: { accountId: account.id, packageId: 'starter', credits: '10' },
        }).id,
      );
      const event = stripe.event('checkout.session.completed', session);
      h.store.faults.failWrite({ collection: 'ledgerEntries' });
      expect((await deliver(h.running.url, event, { secret: WEBHOOK_SECRET })).status).toBe(500);
      expect(await h.store.collection('webhookFailures').findOne({ eventId: event.id })).toMatchObject({
        checkoutSessionId: session.id,
        accountId: account.id,
      });

      const requestsBefore = stripe.requests.length;
      const d = await diagnose(member, account.email);
      expect(field(d, 'Open webhook failures')).toContain(`\`${event.id}\` checkout.session.completed (${session.id})`);
      expect(field(d, 'Checkout sessions')).toContain(`⚠️ \`${session.id}\``);
      expect(field(d, 'Paid without credits')).toBe(`\`${session.id}\` · 10 credits`);
      const asked = stripe.requests.slice(requestsBefore).map((r) => `${r.method} ${r.path}`);
      expect(asked).toEqual([`GET /v1/checkout/sessions/${session.id}`]);

      const granted = await h.viaGateway(buttonPress(member, grantButton(d)?.custom_id ?? ''));
      expect(text(granted)).toContain(`\`${session.id}\` · 10 credits · granted now`);
      expect(await balance(account.id)).toBe(10);
      expect((await deliver(h.running.url, event, { secret: WEBHOOK_SECRET })).body.outcome).toBe('already_granted');
      expect(await balance(account.id)).toBe(10);
    });

    it("shows a failed refund of the account's purchase among its open failures", async () => {
      const account = await h.account(0);
      const session = await paidWithoutWebhook(account.id);
      expect((await webhook(session)).status).toBe(200);
      const refund = stripe.event('charge.refunded', stripe.refund(session.id));
      h.store.faults.failWrite({ collection: 'ledgerEntries' });
      expect((await deliver(h.running.url, refund, { secret: WEBHOOK_SECRET })).status).toBe(500);

      const d = await diagnose(supportMember(), account.email);
      expect(field(d, 'Open webhook failures')).toContain(`\`${refund.id}\` charge.refunded (${session.id})`);
    });

    it('refuses the button to anyone but the member who ran the diagnosis', async () => {
      const account = await h.account(0);
      await paidWithoutWebhook(account.id);
      const d = await diagnose(supportMember('alice'), account.email);
      const refused = await h.viaGateway(buttonPress(supportMember('bob'), grantButton(d)?.custom_id ?? ''));
      expect(refused.via).toBe('followup');
      expect(refused.ephemeral).toBe(true);
      expect(title(refused)).toBe('Not allowed');
      expect(await balance(account.id)).toBe(0);
    });

    it('works over the HTTP endpoint too (deferred, then edited)', async () => {
      const member = supportMember();
      const account = await h.account(0);
      await paidWithoutWebhook(account.id);
      const d = await h.viaHttp(slashCommand(member, 'credits', 'diagnose', { email: account.email }));
      expect(d.httpType).toBe(5);
      const granted = await h.viaHttp(buttonPress(member, grantButton(d)?.custom_id ?? ''));
      expect(granted.httpType).toBe(6);
      expect(title(granted)).toBe('Granted 10 missing credits');
      expect(await balance(account.id)).toBe(10);
    });
  });

  describe('/webhooks failures and replay', () => {
    it('lists an open failure; replay applies it once; a redelivered replay changes nothing', async () => {
      const member = supportMember();
      const account = await h.account(0);
      const session = await paidWithoutWebhook(account.id);
      const event = stripe.event('checkout.session.completed', session);
      h.store.faults.failWrite({ collection: 'ledgerEntries' });
      expect((await deliver(h.running.url, event, { secret: WEBHOOK_SECRET })).status).toBe(500);

      const failures = await h.viaGateway(slashCommand(member, 'webhooks', 'failures'));
      expect(text(failures)).toContain(`\`${event.id}\` checkout.session.completed`);

      const replay = slashCommand(member, 'webhooks', 'replay', { event_id: event.id });
      const applied = await h.viaGateway(replay);
      expect(title(applied)).toBe('Event applied');
      expect(text(applied)).toContain('Outcome: granted');
      expect(await balance(account.id)).toBe(10);

      const redelivered = await h.viaGateway(replay);
      expect(title(redelivered)).toBe('Event applied');
      const again = await h.viaGateway(slashCommand(member, 'webhooks', 'replay', { event_id: event.id }));
      expect(title(again)).toBe('Already applied before: nothing changed');

      expect(await balance(account.id)).toBe(10);
      expect(await entries(account.id)).toBe(1);
      expect(await h.store.collection('auditLog').count({ action: 'webhooks.replay', 'target.id': event.id })).toBe(2);
      const after = await h.viaGateway(slashCommand(member, 'webhooks', 'failures'));
      expect(text(after)).not.toContain(event.id);
    });

    it('shows the 15 most recent open failures and says when there are more', async () => {
      for (let i = 0; i < 16; i += 1) {
        h.store.faults.failWrite({ collection: 'processedEvents' });
        const event = { id: `evt_test_many_${i}`, type: 'customer.updated', kind: 'unhandled' as const };
        expect((await h.services.stripeEvents.handle({ ...event, createdAt: new Date() })).status).toBe('failed');
      }
      const answer = await h.viaGateway(slashCommand(supportMember(), 'webhooks', 'failures'));
      expect(title(answer)).toBe('The 15 most recent open webhook failures (there are more)');
      expect(text(answer)).toContain('`evt_test_many_15` customer.updated');
      expect(text(answer)).not.toContain('`evt_test_many_0`');
    });

    it('answers a malformed event id with a friendly error', async () => {
      const answer = await h.viaGateway(slashCommand(supportMember(), 'webhooks', 'replay', { event_id: 'nope' }));
      expect(title(answer)).toBe('Please check the input');
      expect(text(answer)).toMatch(/Stripe event id/);
    });
  });

  describe('without Stripe configured', () => {
    it('shows our own records and offers nothing to grant', async () => {
      const other = await BotHarness.start();
      try {
        const account = await other.account(0);
        const d = await other.viaGateway(
          slashCommand(supportMember(), 'credits', 'diagnose', { email: account.email }),
        );
        expect(text(d)).toContain('Stripe is not configured on this server');
        expect(d.components).toEqual([]);
      } finally {
        await other.close();
      }
    });
  });
});

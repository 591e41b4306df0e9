import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../../src/domain/errors.js';
import { IdempotencyKeyRepository } from '../../../src/domain/idempotency-key.repository.js';
import { tempDir } from '../../helpers/backup-fixtures.js';
import { slashCommand, snowflake, supportMember } from '../../fakes/discord/interactions.js';
import { StripeFake } from '../../fakes/stripe/stripe-fake.server.js';
import { deliver } from '../../fakes/stripe/stripe-webhook.sender.js';
import { BotHarness, title } from './bot-harness.js';

const WEBHOOK_SECRET = 'whsec_concurrent_replay_test';
const REPLAYS = 50;

/** Every delivery either answers the one result or hears the request is still running; none acts again. */
const outcomes = <T>(settled: PromiseSettledResult<T>[]) => ({
  answered: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
  refused: settled.flatMap((s) =>
    s.status === 'rejected' ? [isDomainError(s.reason) ? s.reason.code : String(s.reason)] : [],
  ),
});

describe(IdempotencyKeyRepository.name, () => {
  let stripe: StripeFake;
  let dir: { path: string; remove(): Promise<void> };
  let h: BotHarness;
  beforeAll(async () => {
    stripe = await StripeFake.start();
    dir = await tempDir('noi-concurrent-replay-');
    h = await BotHarness.start({ ...stripe.env(), STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, BACKUP_DIR: dir.path });
  });
  afterAll(async () => {
    await h.close();
    await stripe.close();
    await dir.remove();
  });

  const actor = { type: 'discord' as const, id: 'support-1', name: 'alice' };

  it(`applies ${REPLAYS} concurrent deliveries of one /webhooks replay interaction once`, async () => {
    const account = await h.account(0);
    const checkout = await h.services.payments.createCheckoutSession({
      accountId: account.id,
      packageId: 'starter',
      idempotencyKey: 'buy-concurrent',
    });
    const event = stripe.event('checkout.session.completed', await stripe.completeSession(checkout.id));
    h.store.faults.failWrite({ collection: 'ledgerEntries' });
    expect((await deliver(h.running.url, event, { secret: WEBHOOK_SECRET })).status).toBe(500);

    const interaction = `discord:${snowflake()}`;
    const settled = await Promise.allSettled(
      Array.from({ length: REPLAYS }, () =>
        h.services.paymentSupport.replayWebhook({ eventId: event.id, actor, idempotencyKey: interaction }),
      ),
    );

    const { answered, refused } = outcomes(settled);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(new Set(answered.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify(answered[0])]));
    expect(answered[0]).toMatchObject({ eventId: event.id, status: 'processed', outcome: 'granted' });
    expect(refused.every((code) => code === 'CONFLICT')).toBe(true);
    expect(await h.store.collection('auditLog').count({ action: 'webhooks.replay', 'target.id': event.id })).toBe(1);
    expect((await h.services.accounts.getById(account.id)).balance).toBe(10);
    expect(await h.store.collection('ledgerEntries').count({ accountId: account.id })).toBe(1);

    const later = await h.services.paymentSupport.replayWebhook({
      eventId: event.id,
      actor,
      idempotencyKey: interaction,
    });
    expect(later).toEqual(answered[0]);
  });

  it(`runs one backup for ${REPLAYS} concurrent deliveries of one /backup run interaction`, async () => {
    const interaction = `discord:${snowflake()}`;
    const admin = { type: 'discord' as const, id: 'admin-1', name: 'root' };
    const settled = await Promise.allSettled(
      Array.from({ length: REPLAYS }, () =>
        h.services.backupSupport.run({ actor: admin, idempotencyKey: interaction }),
      ),
    );

    const { answered, refused } = outcomes(settled);
    expect(answered.filter((r) => !r.replayed)).toHaveLength(1);
    expect(refused.every((code) => code === 'CONFLICT')).toBe(true);
    expect(await h.services.backups.list()).toHaveLength(1);
    expect(await h.store.collection('jobRuns').count({ job: 'backup' })).toBe(1);
    expect(await h.store.collection('auditLog').count({ action: 'backup.run' })).toBe(1);
  });

  it(`adds once for ${REPLAYS} concurrent deliveries of one /credits add interaction`, async () => {
    const account = await h.account(0);
    const add = slashCommand(supportMember(), 'credits', 'add', { amount: 3, reason: 'r', email: account.email });
    const answers = await Promise.all(Array.from({ length: REPLAYS }, () => h.viaHttp(add)));
    expect(answers.every((a) => title(a) === 'Added 3 credits')).toBe(true);
    expect((await h.services.accounts.getById(account.id)).balance).toBe(3);
    expect(await h.store.collection('ledgerEntries').count({ accountId: account.id })).toBe(1);
    expect(await h.store.collection('auditLog').count({ 'target.id': account.id })).toBe(1);
  });
});

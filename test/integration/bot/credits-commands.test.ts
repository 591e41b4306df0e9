import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionDispatcher } from '../../../src/bot/interaction.dispatcher.js';
import { slashCommand, supportMember, snowflake } from '../../fakes/discord/interactions.js';
import { BotHarness, field, text, title } from './bot-harness.js';

describe(InteractionDispatcher.name, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await BotHarness.start();
  });
  afterAll(async () => {
    await h.close();
  });

  const audit = (accountId: string) => h.running.store.collection('auditLog').find({ 'target.id': accountId });

  describe('/credits add (gateway)', () => {
    it('adds credits, shows the new balance, and audits the member as actor', async () => {
      const member = supportMember('alice');
      const account = await h.account(0);
      const payload = slashCommand(member, 'credits', 'add', {
        amount: 50,
        reason: 'goodwill after outage',
        email: account.email,
      });
      const answer = await h.viaGateway(payload);

      expect(answer.via).toBe('reply');
      expect(answer.ephemeral).toBe(true);
      expect(title(answer)).toBe('Added 50 credits');
      expect(field(answer, 'Balance before → after')).toBe('0 → 50');
      expect(field(answer, 'Balance')).toBe('50');
      expect((await h.services.accounts.getById(account.id)).balance).toBe(50);

      const [row, ...more] = await audit(account.id);
      expect(more).toHaveLength(0);
      expect(row).toMatchObject({
        action: 'credits.adjust',
        actor: { type: 'discord', id: member.id, name: 'alice' },
        amount: 50,
        balanceBefore: 0,
        balanceAfter: 50,
        reason: 'goodwill after outage',
      });
      const entry = await h.running.store.collection('ledgerEntries').findOne({ _id: row!.ledgerEntryId });
      expect(entry?.idempotencyKey).toBe(`discord:${payload.id}`);
      expect(field(answer, 'Ledger entry')).toBe(`\`${entry?._id}\``);
    });
  });

  describe('/credits remove (gateway)', () => {
    it('removes credits below the threshold at once', async () => {
      const member = supportMember();
      const account = await h.account(80);
      const answer = await h.viaGateway(
        slashCommand(member, 'credits', 'remove', { amount: 30, reason: 'double grant', email: account.email }),
      );
      expect(title(answer)).toBe('Removed 30 credits');
      expect(field(answer, 'Balance before → after')).toBe('80 → 50');
      expect((await h.services.accounts.getById(account.id)).balance).toBe(50);
      const rows = await audit(account.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ amount: -30, balanceBefore: 80, balanceAfter: 50, actor: { id: member.id } });
    });
  });

  describe('/credits lookup (gateway)', () => {
    it('defers, then edits the reply with email, status, balances and the recent ledger', async () => {
      const member = supportMember();
      const account = await h.account(25);
      await h.viaGateway(slashCommand(member, 'credits', 'add', { amount: 5, reason: 'bonus', email: account.email }));
      const payload = slashCommand(member, 'credits', 'lookup', { account_id: account.id });
      const answer = await h.viaGateway(payload);

      const [deferral] = h.fake.forToken(payload.token);
      expect(deferral?.body).toEqual({ type: 5, data: { flags: 64 } });
      expect(answer.via).toBe('edit');
      expect(answer.ephemeral).toBe(true);
      expect(title(answer)).toBe(account.email);
      expect(field(answer, 'Status')).toBe('active');
      expect(field(answer, 'Balance')).toBe('30');
      expect(field(answer, 'Reserved')).toBe('0');
      const ledger = field(answer, 'Last 10 ledger entries') ?? '';
      expect(ledger.split('\n')).toHaveLength(2);
      expect(ledger).toContain('`+5` adjustment → 30');
      expect(ledger).toContain('`+25` purchase → 25');
      expect(field(answer, 'Last purchases')).toBe('_no purchases_');
    });
  });

  describe('/credits link + user: (gateway)', () => {
    it('links a member, after which user: names the account', async () => {
      const member = supportMember();
      const customer = snowflake();
      const account = await h.account(0);
      const linked = await h.viaGateway(
        slashCommand(member, 'credits', 'link', { user: customer, email: account.email }),
      );
      expect(title(linked)).toBe('Member linked');
      expect((await h.services.accounts.getById(account.id)).discordUserId).toBe(customer);

      const added = await h.viaGateway(
        slashCommand(member, 'credits', 'add', { amount: 7, reason: 'r', user: customer }),
      );
      expect(field(added, 'Balance before → after')).toBe('0 → 7');

      const again = await h.viaGateway(
        slashCommand(member, 'credits', 'link', { user: customer, email: account.email }),
      );
      expect(title(again)).toBe('Already linked');
      expect((await audit(account.id)).filter((r) => r.action === 'account.link_discord')).toHaveLength(1);
    });
  });

  describe('/credits history (gateway)', () => {
    it('pages through the ledger newest first, ten entries a page', async () => {
      const member = supportMember();
      const account = await h.account(1);
      for (let i = 1; i <= 11; i += 1)
        await h.services.ledger.adjust({
          accountId: account.id,
          amount: i,
          reason: `step ${i}`,
          idempotencyKey: `h-${i}`,
          actor: { type: 'system', id: 't' },
        });
      const first = await h.viaGateway(slashCommand(member, 'credits', 'history', { email: account.email }));
      const lines1 = (first.embeds[0]?.description ?? '').split('\n');
      expect(lines1).toHaveLength(10);
      expect(lines1[0]).toContain('step 11');
      expect(first.embeds[0]?.footer?.text).toBe('More on page 2');

      const second = await h.viaGateway(slashCommand(member, 'credits', 'history', { email: account.email, page: 2 }));
      const lines2 = (second.embeds[0]?.description ?? '').split('\n');
      expect(lines2).toHaveLength(2);
      expect(text(second)).toContain('test purchase');
      expect(second.embeds[0]?.footer?.text).toBe('End of the ledger');
    });
  });
});

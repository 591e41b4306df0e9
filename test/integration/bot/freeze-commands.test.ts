import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionDispatcher } from '../../../src/bot/interaction.dispatcher.js';
import { slashCommand, supportMember } from '../../fakes/discord/interactions.js';
import { BotHarness, text, title } from './bot-harness.js';

describe(InteractionDispatcher.name, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await BotHarness.start();
  });
  afterAll(async () => {
    await h.close();
  });

  describe('/credits freeze and /credits unfreeze', () => {
    it('freezes then unfreezes the named account, each audited with the member and the reason', async () => {
      const member = supportMember('bob');
      const account = await h.account(10);
      const frozen = await h.viaGateway(
        slashCommand(member, 'credits', 'freeze', { email: account.email, reason: 'chargeback pending' }),
      );
      expect(title(frozen)).toBe('Account frozen');
      expect(text(frozen)).toContain('**frozen**');
      expect((await h.services.accounts.getById(account.id)).status).toBe('frozen');

      const active = await h.viaGateway(
        slashCommand(member, 'credits', 'unfreeze', { account_id: account.id, reason: 'dispute won' }),
      );
      expect(title(active)).toBe('Account unfrozen');
      expect((await h.services.accounts.getById(account.id)).status).toBe('active');

      const rows = await h.running.store
        .collection('auditLog')
        .find({ 'target.id': account.id }, { sort: { createdAt: 1, _id: 1 } });
      expect(rows.map((r) => [r.action, r.reason, r.actor.id])).toEqual([
        ['account.freeze', 'chargeback pending', member.id],
        ['account.unfreeze', 'dispute won', member.id],
      ]);
    });

    it('refuses a blank reason and changes nothing', async () => {
      const account = await h.account(0);
      const answer = await h.viaGateway(
        slashCommand(supportMember(), 'credits', 'freeze', { email: account.email, reason: '   ' }),
      );
      expect(answer.ephemeral).toBe(true);
      expect(text(answer)).toMatch(/reason: must not be empty/i);
      expect((await h.services.accounts.getById(account.id)).status).toBe('active');
    });
  });
});

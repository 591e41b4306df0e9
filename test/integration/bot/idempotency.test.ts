import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionDispatcher } from '../../../src/bot/interaction.dispatcher.js';
import { slashCommand, supportMember } from '../../fakes/discord/interactions.js';
import { BotHarness, field, text, title } from './bot-harness.js';

describe(InteractionDispatcher.name, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await BotHarness.start();
  });
  afterAll(async () => {
    await h.close();
  });

  const state = async (accountId: string) => ({
    balance: (await h.services.accounts.getById(accountId)).balance,
    entries: await h.running.store.collection('ledgerEntries').count({ accountId }),
    audit: await h.running.store.collection('auditLog').count({ 'target.id': accountId }),
  });

  describe('the same interaction delivered twice', () => {
    it('adds once when the gateway delivers an add twice', async () => {
      const account = await h.account(0);
      const add = slashCommand(supportMember(), 'credits', 'add', { amount: 50, reason: 'r', email: account.email });
      const first = await h.viaGateway(add);
      const second = await h.viaGateway(add);
      expect(field(first, 'Balance before → after')).toBe('0 → 50');
      expect(field(second, 'Balance before → after')).toBe('0 → 50');
      expect(text(second)).toContain('This request was already applied; nothing changed this time.');
      expect(await state(account.id)).toEqual({ balance: 50, entries: 1, audit: 1 });
    });

    it('adds once when the gateway and the HTTP endpoint both deliver it', async () => {
      const account = await h.account(0);
      const add = slashCommand(supportMember(), 'credits', 'add', { amount: 9, reason: 'r', email: account.email });
      await h.viaGateway(add);
      const overHttp = await h.viaHttp(add);
      expect(title(overHttp)).toBe('Added 9 credits');
      expect(await state(account.id)).toEqual({ balance: 9, entries: 1, audit: 1 });
    });

    it('adds once when 20 deliveries race over HTTP', async () => {
      const account = await h.account(0);
      const add = slashCommand(supportMember(), 'credits', 'add', { amount: 4, reason: 'r', email: account.email });
      const answers = await Promise.all(Array.from({ length: 20 }, () => h.viaHttp(add)));
      expect(answers.every((a) => title(a) === 'Added 4 credits')).toBe(true);
      expect(await state(account.id)).toEqual({ balance: 4, entries: 1, audit: 1 });
    });

    it('removes once when a removal is delivered twice, even though the second would now need confirming', async () => {
      const account = await h.account(30);
      const remove = slashCommand(supportMember(), 'credits', 'remove', {
        amount: 20,
        reason: 'r',
        email: account.email,
      });
      await h.viaGateway(remove);
      const second = await h.viaGateway(remove);
      expect(title(second)).toBe('Removed 20 credits');
      expect(text(second)).toContain('already applied');
      expect(await state(account.id)).toEqual({ balance: 10, entries: 2, audit: 1 });
    });

    it('opens one prompt when a removal that needs confirming is delivered twice', async () => {
      const account = await h.account(30);
      const remove = slashCommand(supportMember(), 'credits', 'remove', {
        amount: 200,
        reason: 'r',
        email: account.email,
      });
      const [a, b] = await Promise.all([h.viaHttp(remove), h.viaHttp(remove)]);
      expect(a.components).toEqual(b.components);
      expect(await h.running.store.collection('pendingConfirmations').count({ accountId: account.id })).toBe(1);
      expect(await state(account.id)).toEqual({ balance: 30, entries: 1, audit: 0 });
    });
  });
});

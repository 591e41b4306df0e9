import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionDispatcher } from '../../../src/bot/interaction.dispatcher.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { buttonPress, slashCommand, supportMember, type Who } from '../../fakes/discord/interactions.js';
import { BotHarness, field, text, title, type Answer } from './bot-harness.js';

const buttons = (a: Answer) => a.components.flatMap((row) => row.components);
const confirmId = (a: Answer) => buttons(a).find((b) => b.custom_id?.includes(':confirm:'))?.custom_id ?? '';
const cancelId = (a: Answer) => buttons(a).find((b) => b.custom_id?.includes(':cancel:'))?.custom_id ?? '';

/**
 * Documented behaviour (SupportService): removing more than the available balance asks first; a
 * confirmed removal takes what is available then (clamped), never going below zero; with nothing
 * available the confirmation is refused.
 */
describe(InteractionDispatcher.name, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await BotHarness.start();
  });
  afterAll(async () => {
    await h.close();
  });

  const balance = async (id: string) => (await h.services.accounts.getById(id)).balance;
  const remove = (who: Who, email: string, amount: number) =>
    slashCommand(who, 'credits', 'remove', { amount, reason: 'chargeback', email });

  describe('/credits remove confirmation', () => {
    it('asks before removing more than the balance, refuses other members, clamps for the requester', async () => {
      const requester = supportMember('alice');
      const colleague = supportMember('bob');
      const account = await h.account(40);

      const request = remove(requester, account.email, 100);
      const prompt = await h.viaGateway(request);
      expect(title(prompt)).toBe('Confirm removing 100 credits?');
      expect(text(prompt)).toContain('100 is more than the 40 available; confirming removes 40');
      expect(buttons(prompt).map((b) => b.label)).toEqual(['Remove 40', 'Cancel']);
      expect(await balance(account.id)).toBe(40);

      const refused = await h.viaGateway(buttonPress(colleague, confirmId(prompt)));
      expect(refused.via).toBe('reply');
      expect(refused.ephemeral).toBe(true);
      expect(title(refused)).toBe('Not allowed');
      expect(text(refused)).toMatch(/only the person who asked/i);
      expect(await balance(account.id)).toBe(40);

      const done = await h.viaGateway(buttonPress(requester, confirmId(prompt)));
      expect(done.via).toBe('update');
      expect(done.components).toEqual([]);
      expect(title(done)).toBe('Removed 40 credits');
      expect(text(done)).toContain('Asked to remove 100; only 40 were available, so 40 were removed.');
      expect(field(done, 'Balance before → after')).toBe('40 → 0');
      expect(await balance(account.id)).toBe(0);

      const again = await h.viaGateway(buttonPress(requester, confirmId(prompt)));
      expect(title(again)).toBe('Removed 40 credits');
      expect(text(again)).toContain('already applied');
      const redelivered = await h.viaGateway(request);
      expect(text(redelivered)).toContain('already applied');

      expect(await balance(account.id)).toBe(0);
      const audit = await h.running.store.collection('auditLog').find({ 'target.id': account.id });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        amount: -40,
        balanceBefore: 40,
        balanceAfter: 0,
        actor: { type: 'discord', id: requester.id, name: 'alice' },
        details: { requested: -100, clamped: true },
      });
      expect((await h.services.ledger.verifyLedger()).ok).toBe(true);
    });

    it('asks above SUPPORT_CONFIRM_ABOVE even when the balance covers it, then removes it all', async () => {
      const requester = supportMember();
      const account = await h.account(500);
      const prompt = await h.viaGateway(remove(requester, account.email, 150));
      expect(text(prompt)).toContain('150 is above the confirmation threshold');
      expect(await balance(account.id)).toBe(500);
      const done = await h.viaGateway(buttonPress(requester, confirmId(prompt)));
      expect(title(done)).toBe('Removed 150 credits');
      expect(await balance(account.id)).toBe(350);
    });

    it('removes at the threshold without asking', async () => {
      const account = await h.account(100);
      const done = await h.viaGateway(remove(supportMember(), account.email, 100));
      expect(title(done)).toBe('Removed 100 credits');
      expect(await balance(account.id)).toBe(0);
    });

    it('refuses a confirmation when nothing is available, leaving the balance at zero', async () => {
      const requester = supportMember();
      const account = await h.account(0);
      const prompt = await h.viaGateway(remove(requester, account.email, 5));
      expect(buttons(prompt)[0]?.label).toBe('Remove 0');
      const refused = await h.viaGateway(buttonPress(requester, confirmId(prompt)));
      expect(refused.via).toBe('reply');
      expect(title(refused)).toBe('Not enough credits');
      expect(await balance(account.id)).toBe(0);
    });

    it('never removes reserved credits', async () => {
      const requester = supportMember();
      const account = await h.account(30);
      await h.services.ledger.reserve({
        accountId: account.id,
        amount: 20,
        reason: 'analysis running',
        idempotencyKey: 'r1',
        actor: { type: 'system', id: 't' },
      });
      const prompt = await h.viaGateway(remove(requester, account.email, 30));
      const done = await h.viaGateway(buttonPress(requester, confirmId(prompt)));
      expect(title(done)).toBe('Removed 10 credits');
      expect(await h.services.accounts.getById(account.id)).toMatchObject({ balance: 20, reserved: 20 });
    });

    it('expires: a late confirmation changes nothing', async () => {
      const requester = supportMember();
      const account = await h.account(40);
      const prompt = await h.viaGateway(remove(requester, account.email, 60));
      h.clock.advance(5 * 60_000 + 1);
      const late = await h.viaGateway(buttonPress(requester, confirmId(prompt)));
      expect(title(late)).toBe('Could not do that');
      expect(text(late)).toMatch(/expired/);
      expect(await balance(account.id)).toBe(40);
      const doc = await h.running.store.collection('pendingConfirmations').findOne({ accountId: account.id });
      expect(doc?.status).toBe('expired');
    });

    it('cancel closes the prompt; confirming afterwards changes nothing', async () => {
      const requester = supportMember();
      const account = await h.account(40);
      const prompt = await h.viaGateway(remove(requester, account.email, 60));
      const cancelled = await h.viaGateway(buttonPress(requester, cancelId(prompt)));
      expect(cancelled.via).toBe('update');
      expect(title(cancelled)).toBe('Removal cancelled');
      expect(cancelled.components).toEqual([]);
      const late = await h.viaGateway(buttonPress(requester, confirmId(prompt)));
      expect(text(late)).toMatch(/cancelled/);
      expect(await balance(account.id)).toBe(40);
    });

    it('refuses a button action it does not know: nothing is removed and the prompt still works', async () => {
      const requester = supportMember();
      const account = await h.account(40);
      const prompt = await h.viaGateway(remove(requester, account.email, 60));
      const id = confirmId(prompt).split(':').at(-1);
      for (const action of ['yes', 'CONFIRM', 'confirm2', '']) {
        const crafted = await h.viaGateway(buttonPress(requester, `credits-remove:${action}:${id}`));
        expect(crafted.via).toBe('reply');
        expect(text(crafted)).toMatch(/not known/);
        expect(await balance(account.id)).toBe(40);
      }
      expect(await h.running.store.collection('auditLog').count({ 'target.id': account.id })).toBe(0);
      const cancelled = await h.viaGateway(buttonPress(requester, cancelId(prompt)));
      expect(title(cancelled)).toBe('Removal cancelled');
      expect(await balance(account.id)).toBe(40);
    });

    it('works across replicas: prompted over HTTP on one, confirmed over HTTP on another', async () => {
      const store = new MemoryStore();
      const a = await BotHarness.start({}, { store });
      const b = await BotHarness.start({}, { store });
      try {
        const requester = supportMember();
        const account = await a.account(10);
        const prompt = await a.viaHttp(remove(requester, account.email, 25));
        expect(prompt.httpType).toBe(4);
        expect(title(prompt)).toBe('Confirm removing 25 credits?');

        const other = await b.viaHttp(buttonPress(supportMember('eve'), confirmId(prompt)));
        expect(other.httpType).toBe(4);
        expect(title(other)).toBe('Not allowed');

        const done = await b.viaHttp(buttonPress(requester, confirmId(prompt)));
        expect(done.httpType).toBe(7);
        expect(title(done)).toBe('Removed 10 credits');
        expect((await b.services.accounts.getById(account.id)).balance).toBe(0);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});

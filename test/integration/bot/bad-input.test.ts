import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractionDispatcher } from '../../../src/bot/interaction.dispatcher.js';
import { slashCommand, snowflake, supportMember } from '../../fakes/discord/interactions.js';
import { BotHarness, text, title } from './bot-harness.js';

describe(InteractionDispatcher.name, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await BotHarness.start();
  });
  afterAll(async () => {
    await h.close();
  });

  describe('bad input', () => {
    const cases: Array<[string, (email: string) => Record<string, string | number>, string, RegExp]> = [
      [
        'an unknown email',
        () => ({ amount: 5, reason: 'r', email: 'nobody@example.com' }),
        'Not found',
        /account not found/i,
      ],
      [
        'a malformed email',
        () => ({ amount: 5, reason: 'r', email: 'not-an-email' }),
        'Please check the input',
        /email: must be an email address/i,
      ],
      [
        'amount 0',
        (email) => ({ amount: 0, reason: 'r', email }),
        'Please check the input',
        /amount: must be at least 1/i,
      ],
      [
        'a negative amount',
        (email) => ({ amount: -5, reason: 'r', email }),
        'Please check the input',
        /amount: must be at least 1/i,
      ],
      [
        'an amount above the range',
        (email) => ({ amount: 100_001, reason: 'r', email }),
        'Please check the input',
        /amount: must be at most 100000/i,
      ],
      [
        'an empty reason',
        (email) => ({ amount: 5, reason: '', email }),
        'Please check the input',
        /reason: must not be empty/i,
      ],
      [
        'a blank reason',
        (email) => ({ amount: 5, reason: '   ', email }),
        'Please check the input',
        /reason: must not be empty/i,
      ],
      [
        'a reason over 500 characters',
        (email) => ({ amount: 5, reason: 'x'.repeat(501), email }),
        'Please check the input',
        /reason: must be at most 500/i,
      ],
      ['no account named', () => ({ amount: 5, reason: 'r' }), 'Please check the input', /exactly one of/],
      [
        'two ways to name the account',
        (email) => ({ amount: 5, reason: 'r', email, user: snowflake() }),
        'Please check the input',
        /exactly one of/,
      ],
      [
        'a member who is not linked',
        () => ({ amount: 5, reason: 'r', user: snowflake() }),
        'Not found',
        /no account is linked to that member/i,
      ],
    ];
    for (const sub of ['add', 'remove'] as const) {
      for (const [what, options, expectedTitle, message] of cases) {
        it(`answers /credits ${sub} with ${what} with a friendly error and changes nothing`, async () => {
          const account = await h.account(10);
          const answer = await h.viaGateway(slashCommand(supportMember(), 'credits', sub, options(account.email)));
          expect(answer.ephemeral).toBe(true);
          expect(title(answer)).toBe(expectedTitle);
          expect(text(answer)).toMatch(message);
          expect((await h.services.accounts.getById(account.id)).balance).toBe(10);
          expect(await h.running.store.collection('auditLog').count({ 'target.id': account.id })).toBe(0);
          expect(await h.running.store.collection('pendingConfirmations').count({ accountId: account.id })).toBe(0);
        });
      }
    }

    it('answers /credits lookup for an unknown account id with Not found', async () => {
      const answer = await h.viaHttp(slashCommand(supportMember(), 'credits', 'lookup', { account_id: 'nope' }));
      expect(title(answer)).toBe('Not found');
    });

    it('answers /credits history with page 0 with a friendly error', async () => {
      const account = await h.account(1);
      const answer = await h.viaGateway(
        slashCommand(supportMember(), 'credits', 'history', { email: account.email, page: 0 }),
      );
      expect(text(answer)).toMatch(/page: /i);
    });

    it('answers an unknown subcommand without running anything', async () => {
      const answer = await h.viaGateway(slashCommand(supportMember(), 'credits', 'mint', { amount: 5 }));
      expect(title(answer)).toBe('Not found');
      expect(text(answer)).toMatch(/not known to this version/);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubcommandDefinition } from '../../../src/bot/command.types.js';
import { notice } from '../../../src/bot/embeds.js';
import { createGatewayClient } from '../../../src/bot/gateway.client.js';
import { InteractionDispatcher } from '../../../src/bot/interaction.dispatcher.js';
import { createLogger } from '../../../src/logger.js';
import {
  ADMIN_ROLE_ID,
  GUILD_ID,
  OTHER_GUILD_ID,
  OTHER_ROLE_ID,
  SUPPORT_ROLE_ID,
  buttonPress,
  slashCommand,
  snowflake,
  type Who,
} from '../../fakes/discord/interactions.js';
import { BotHarness, text, title, type Answer } from './bot-harness.js';

describe(InteractionDispatcher.name, () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await BotHarness.start();
  });
  afterAll(async () => {
    await h.close();
  });

  const cases: Array<[string, Who, RegExp]> = [
    [
      'a member without a support role',
      { id: snowflake(), username: 'mallory', roles: [OTHER_ROLE_ID] },
      /support role/,
    ],
    ['a member with no roles at all', { id: snowflake(), username: 'nobody', roles: [] }, /support role/],
    ['a DM', { id: snowflake(), username: 'dm-user', roles: null }, /not in DMs/],
    [
      'a support member of another guild',
      { id: snowflake(), username: 'elsewhere', roles: [SUPPORT_ROLE_ID], guildId: OTHER_GUILD_ID },
      /only in its support server/,
    ],
  ];

  /** Every transport, every kind of change: refused with an ephemeral "Not allowed", nothing stored. */
  describe('authorization', () => {
    for (const [who, sender, reason] of cases) {
      for (const transport of ['gateway', 'http'] as const) {
        it(`refuses ${who} (${transport}) and changes nothing`, async () => {
          const account = await h.account(500);
          const send = (p: Parameters<BotHarness['viaGateway']>[0]): Promise<Answer> =>
            transport === 'gateway' ? h.viaGateway(p) : h.viaHttp(p);
          const answers = [
            await send(slashCommand(sender, 'credits', 'add', { amount: 10, reason: 'x', email: account.email })),
            await send(slashCommand(sender, 'credits', 'remove', { amount: 10, reason: 'x', email: account.email })),
            await send(slashCommand(sender, 'credits', 'link', { user: snowflake(), email: account.email })),
            await send(slashCommand(sender, 'credits', 'lookup', { email: account.email })),
          ];
          for (const a of answers) {
            expect(a.ephemeral).toBe(true);
            expect(title(a)).toBe('Not allowed');
            expect(text(a)).toMatch(reason);
            expect(text(a)).not.toContain(account.email);
          }
          const after = await h.services.accounts.getById(account.id);
          expect(after).toMatchObject({ balance: 500, discordUserId: undefined });
          expect(await h.running.store.collection('auditLog').count({ 'target.id': account.id })).toBe(0);
          expect(await h.running.store.collection('pendingConfirmations').count({ accountId: account.id })).toBe(0);
        });
      }
    }

    it('refuses a button press from a member without the role', async () => {
      const member = { id: snowflake(), username: 'mallory', roles: [OTHER_ROLE_ID] };
      const answer = await h.viaGateway(buttonPress(member, 'credits-remove:confirm:whatever'));
      expect(answer.via).toBe('reply');
      expect(title(answer)).toBe('Not allowed');
    });

    it('lets an admin role use support commands', async () => {
      const admin = { id: snowflake(), username: 'root', roles: [ADMIN_ROLE_ID] };
      const account = await h.account(0);
      const answer = await h.viaGateway(
        slashCommand(admin, 'credits', 'add', { amount: 3, reason: 'admin fix', email: account.email }),
      );
      expect(title(answer)).toBe('Added 3 credits');
    });

    it('runs an admin command only for ADMIN_ROLE_IDS', async () => {
      let runs = 0;
      const adminOnly: SubcommandDefinition = {
        parent: 'backup',
        name: 'status',
        access: 'admin',
        data: (b) => b.setName('status').setDescription('test'),
        execute: async () => {
          runs += 1;
          return notice('ran', 'ok');
        },
      };
      const dispatcher = new InteractionDispatcher({
        guildId: GUILD_ID,
        supportRoleIds: [SUPPORT_ROLE_ID],
        adminRoleIds: [ADMIN_ROLE_ID],
        services: h.services,
        logger: createLogger('silent'),
        subcommands: [adminOnly],
      });
      const client = createGatewayClient({ apiBase: h.fake.apiBase, dispatcher, logger: createLogger('silent') });
      const deliver = async (who: Who) => {
        const payload = slashCommand(who, 'backup', 'status');
        (
          client as unknown as { actions: { InteractionCreate: { handle(d: unknown): void } } }
        ).actions.InteractionCreate.handle(payload);
        const r = await h.fake.answerTo(payload.token);
        return (r.body as { data: { embeds: Array<{ title: string; description: string }> } }).data.embeds[0];
      };
      try {
        const support = await deliver({ id: snowflake(), username: 's', roles: [SUPPORT_ROLE_ID] });
        expect(support).toMatchObject({ title: 'Not allowed', description: 'This command needs an admin role' });
        expect(runs).toBe(0);
        expect(await deliver({ id: snowflake(), username: 'a', roles: [ADMIN_ROLE_ID] })).toMatchObject({
          title: 'ran',
        });
        expect(runs).toBe(1);
      } finally {
        await client.destroy();
      }
    });

    it('refuses everything when DISCORD_GUILD_ID is not configured', async () => {
      const other = await BotHarness.start({ DISCORD_GUILD_ID: '' });
      try {
        const account = await other.account(5);
        const member = { id: snowflake(), username: 'alice', roles: [SUPPORT_ROLE_ID] };
        const answer = await other.viaGateway(
          slashCommand(member, 'credits', 'add', { amount: 1, reason: 'x', email: account.email }),
        );
        expect(title(answer)).toBe('Not allowed');
        expect((await other.services.accounts.getById(account.id)).balance).toBe(5);
      } finally {
        await other.close();
      }
    });
  });
});

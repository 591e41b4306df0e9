import { GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../../src/bot/gateway.client.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { startService, type RunningService } from '../../../src/main.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { FakeDiscord } from '../../fakes/discord/discord.fake.js';
import {
  APP_ID,
  GUILD_ID,
  SUPPORT_ROLE_ID,
  slashCommand,
  snowflake,
  supportMember,
} from '../../fakes/discord/interactions.js';
import { BOT_TOKEN } from './bot-harness.js';

/** The `bot` role as main.ts starts it: log in, connect to the gateway, serve INTERACTION_CREATE. */
describe(createGatewayClient.name, () => {
  let fake: FakeDiscord;
  let running: RunningService;
  beforeAll(async () => {
    fake = await FakeDiscord.start({ applicationId: APP_ID, botToken: BOT_TOKEN });
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      PROCESS_ROLES: 'bot',
      LOG_LEVEL: 'silent',
      DISCORD_TOKEN: BOT_TOKEN,
      DISCORD_GUILD_ID: GUILD_ID,
      SUPPORT_ROLE_IDS: SUPPORT_ROLE_ID,
      DISCORD_API_BASE: fake.apiBase,
    });
    running = await startService({ config, store: new MemoryStore(), logger: createLogger('silent') });
    await fake.gateway.ready();
  });
  afterAll(async () => {
    await running.close();
    await fake.close();
  });

  it('logs in with DISCORD_TOKEN asking only for the Guilds intent', () => {
    expect(fake.gateway.identified).toEqual({ token: BOT_TOKEN, intents: GatewayIntentBits.Guilds });
    expect(running.url).toBe('');
  });

  it('answers a slash command that arrives over the gateway, through the REST API', async () => {
    const account = await running.services.accounts.findOrCreateByEmail(`gw-${snowflake()}@example.com`);
    const payload = slashCommand(supportMember('alice'), 'credits', 'add', {
      amount: 12,
      reason: 'over the gateway',
      email: account.email,
    });
    fake.gateway.dispatch('INTERACTION_CREATE', payload);
    const answer = await fake.answerTo(payload.token);
    expect(answer.path).toBe(`/interactions/${payload.id}/${payload.token}/callback`);
    expect(answer.body).toMatchObject({ type: 4, data: { flags: 64, embeds: [{ title: 'Added 12 credits' }] } });
    expect((await running.services.accounts.getById(account.id)).balance).toBe(12);
  });

  it('disconnects on shutdown', async () => {
    expect(fake.gateway.closed).toBe(false);
    await running.close();
    expect(fake.gateway.closed).toBe(true);
  });
});

import { spawn } from 'node:child_process';
import { REST } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordChannelAlertSink, createChannelAlertSink } from '../../../src/alerts/discord-channel.sink.js';
import { registerGuildCommands } from '../../../src/bot/command-registration.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { FakeDiscord } from '../../fakes/discord/discord.fake.js';
import { APP_ID, GUILD_ID } from '../../fakes/discord/interactions.js';
import { BOT_TOKEN } from './bot-harness.js';

interface CommandBody {
  name: string;
  contexts: number[];
  integration_types: number[];
  default_member_permissions: string;
  options: Array<{ name: string; type: number; options: Array<Record<string, unknown>> }>;
}

describe(registerGuildCommands.name, () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start({ applicationId: APP_ID, botToken: BOT_TOKEN });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('PUTs the guild-only commands with default member permissions and returns what Discord registered', async () => {
    const rest = new REST({ api: fake.apiBase }).setToken(BOT_TOKEN);
    const from = fake.requests.length;
    const result = await registerGuildCommands({ rest, guildId: GUILD_ID, applicationId: APP_ID });

    const put = await fake.waitFor((r) => r.method === 'PUT', from);
    expect(put.path).toBe(`/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(put.authorization).toBe(`Bot ${BOT_TOKEN}`);
    const [credits, webhooks, backup, ...others] = put.body as CommandBody[];
    expect(others).toEqual([]);
    expect(backup?.name).toBe('backup');
    expect(backup?.options.map((o) => o.name)).toEqual(['status', 'run']);
    expect(webhooks?.name).toBe('webhooks');
    expect(webhooks?.options.map((o) => o.name)).toEqual(['failures', 'replay']);
    expect(credits).toMatchObject({ name: 'credits', contexts: [0], integration_types: [0] });
    for (const command of [credits, webhooks, backup])
      expect(command).toMatchObject({ contexts: [0], integration_types: [0], default_member_permissions: '32' });
    expect(credits?.options.map((o) => o.name)).toEqual([
      'add',
      'remove',
      'lookup',
      'history',
      'link',
      'diagnose',
      'freeze',
      'unfreeze',
    ]);
    const amount = credits?.options[0]?.options.find((o) => o.name === 'amount');
    expect(amount).toMatchObject({ required: true, min_value: 1, max_value: 100000 });

    expect(result.commands).toEqual([
      {
        id: expect.any(String),
        name: 'credits',
        subcommands: ['add', 'remove', 'lookup', 'history', 'link', 'diagnose', 'freeze', 'unfreeze'],
      },
      { id: expect.any(String), name: 'webhooks', subcommands: ['failures', 'replay'] },
      { id: expect.any(String), name: 'backup', subcommands: ['status', 'run'] },
    ]);
  });

  it('looks the application id up when it is not configured', async () => {
    const rest = new REST({ api: fake.apiBase }).setToken(BOT_TOKEN);
    const result = await registerGuildCommands({ rest, guildId: GUILD_ID });
    expect(result.applicationId).toBe(APP_ID);
  });

  it('runs as `bot:deploy`, printing what it registered', async () => {
    const from = fake.requests.length;
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/bot/deploy-commands.ts'], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DISCORD_TOKEN: BOT_TOKEN,
          DISCORD_GUILD_ID: GUILD_ID,
          DISCORD_APPLICATION_ID: APP_ID,
          DISCORD_API_BASE: fake.apiBase,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Registered 3 command(s) in guild ${GUILD_ID}`);
    expect(out.stdout).toContain('/credits (add, remove, lookup, history, link, diagnose, freeze, unfreeze)');
    expect(out.stdout).toContain('/webhooks (failures, replay)');
    expect(out.stdout).toContain('/backup (status, run)');
    expect(fake.requests.slice(from).filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});

describe(DiscordChannelAlertSink.name, () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start({ applicationId: APP_ID, botToken: BOT_TOKEN });
  });
  afterAll(async () => {
    await fake.close();
  });

  const logger = createLogger('silent');
  const config = (env: Record<string, string>) =>
    loadConfig({ NODE_ENV: 'test', DISCORD_API_BASE: fake.apiBase, ...env });
  const channel = { DISCORD_TOKEN: BOT_TOKEN, DISCORD_ALERT_CHANNEL_ID: '600000000000000001' };

  it('posts the alert to the channel through the bot, with what support should do next', async () => {
    const sink = createChannelAlertSink(config(channel), logger);
    expect(sink).not.toBeNull();
    const from = fake.requests.length;
    await sink!.send({
      severity: 'critical',
      title: 'Stripe webhook failed',
      body: 'event evt_123 for account acc_9: store unavailable',
      action: 'Run /credits diagnose email:… or /webhooks replay event_id:evt_123',
      key: 'webhook:evt_123',
    });
    const post = await fake.waitFor((r) => r.path === '/channels/600000000000000001/messages', from);
    expect(post.method).toBe('POST');
    expect(post.authorization).toBe(`Bot ${BOT_TOKEN}`);
    expect(post.body).toMatchObject({
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: 'CRITICAL: Stripe webhook failed',
          description: 'event evt_123 for account acc_9: store unavailable',
          fields: [
            { name: 'What to do next', value: 'Run /credits diagnose email:… or /webhooks replay event_id:evt_123' },
          ],
          footer: { text: 'webhook:evt_123' },
        },
      ],
    });
  });

  it('never throws when Discord refuses the post', async () => {
    const sink = createChannelAlertSink(config({ ...channel, DISCORD_TOKEN: 'wrong-token' }), logger);
    await expect(sink!.send({ severity: 'warning', title: 't', body: 'b' })).resolves.toBeUndefined();
    expect(fake.requests.filter((r) => r.authorization === 'Bot wrong-token')).toHaveLength(1);
  });

  it('is built only with a channel id and a token, and not when an alert webhook URL is configured', () => {
    expect(createChannelAlertSink(config({ DISCORD_TOKEN: BOT_TOKEN }), logger)).toBeNull();
    expect(createChannelAlertSink(config({ DISCORD_ALERT_CHANNEL_ID: '600000000000000001' }), logger)).toBeNull();
    const webhook = { DISCORD_ALERT_WEBHOOK_URL: 'https://discord.com/api/webhooks/1/abc' };
    expect(createChannelAlertSink(config({ ...channel, ...webhook }), logger)).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertSink } from '../../../src/alerts/alert-sinks.js';
import { DiscordWebhookAlertSink } from '../../../src/alerts/discord-webhook-alert.sink.js';
import { createLogger } from '../../../src/logger.js';
import {
  DiscordWebhookFake,
  FAKE_WEBHOOK_ID,
  FAKE_WEBHOOK_TOKEN,
} from '../../fakes/discord-webhook/discord-webhook-fake.server.js';

describe(DiscordWebhookAlertSink.name, () => {
  let discord: DiscordWebhookFake;
  beforeAll(async () => {
    discord = await DiscordWebhookFake.start();
  });
  afterAll(async () => discord.close());

  const config = () => {
    const env = discord.env();
    return {
      DISCORD_ALERT_WEBHOOK_URL: env.DISCORD_ALERT_WEBHOOK_URL,
      DISCORD_API_BASE: env.DISCORD_API_BASE as string,
    };
  };

  describe('send', () => {
    it('posts an embed through discord.js WebhookClient, without allowing mentions', async () => {
      const sink = new DiscordWebhookAlertSink({
        url: config().DISCORD_ALERT_WEBHOOK_URL!,
        apiBase: config().DISCORD_API_BASE,
      });
      try {
        await sink.send({
          severity: 'critical',
          title: 'Stripe webhook failed',
          body: 'evt_1 failed @everyone',
          action: 'replay it',
        });
      } finally {
        sink.close();
      }

      const post = await discord.waitForPostContaining('evt_1 failed');
      expect(post).toMatchObject({ webhookId: FAKE_WEBHOOK_ID, token: FAKE_WEBHOOK_TOKEN });
      expect(post.body).toMatchObject({
        allowed_mentions: { parse: [] },
        embeds: [
          {
            title: '[CRITICAL] Stripe webhook failed',
            fields: [{ name: 'What to do', value: 'replay it' }],
          },
        ],
      });
    });
  });

  describe('createAlertSink', () => {
    it('turns a storm of 200 alerts into one message plus one summary', async () => {
      const before = discord.posts.length;
      const sink = createAlertSink(config(), createLogger('silent'));
      try {
        await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            sink.send({ severity: 'critical', title: `storm ${i}`, body: `storm body ${i}`, key: 'storm' }),
          ),
        );
        await sink.flush();
      } finally {
        await sink.close();
      }

      await discord.waitForPostContaining('199 more like');
      const storm = discord.posts.slice(before);
      expect(storm).toHaveLength(2);
    });

    it('refuses a webhook URL that is not a Discord webhook, naming the variable', () => {
      expect(() =>
        createAlertSink({ ...config(), DISCORD_ALERT_WEBHOOK_URL: 'https://example.com/hook' }, createLogger('silent')),
      ).toThrow(/DISCORD_ALERT_WEBHOOK_URL/);
    });
  });
});

import { REST, Routes, type APIEmbed } from 'discord.js';
import type { Config } from '../config.js';
import type { Alert, AlertSink, Logger } from '../domain/ports/runtime.port.js';

const COLORS: Record<Alert['severity'], number> = { info: 0x3498db, warning: 0xf1c40f, critical: 0xe74c3c };

/**
 * Posts alerts to a channel through the bot (`POST /channels/{id}/messages`, bot token), used when
 * no alert webhook URL is configured. The bot needs View Channel, Send Messages and Embed Links there.
 * A failed post is logged, never thrown: an alert must not break the work that raised it.
 */
export class DiscordChannelAlertSink implements AlertSink {
  constructor(private readonly options: { rest: REST; channelId: string; logger: Logger }) {}

  async send(alert: Alert): Promise<void> {
    const { rest, channelId, logger } = this.options;
    try {
      await rest.post(Routes.channelMessages(channelId), {
        body: { embeds: [alertEmbed(alert)], allowed_mentions: { parse: [] } },
      });
    } catch (err) {
      logger.error({ err, alert: alert.title, channelId }, 'could not post an alert to the Discord channel');
    }
  }
}

/**
 * The bot's channel sink when the configuration asks for it: DISCORD_ALERT_CHANNEL_ID and
 * DISCORD_TOKEN set, and no DISCORD_ALERT_WEBHOOK_URL (the webhook takes precedence).
 */
export function createChannelAlertSink(
  config: Pick<Config, 'DISCORD_ALERT_CHANNEL_ID' | 'DISCORD_TOKEN' | 'DISCORD_ALERT_WEBHOOK_URL' | 'DISCORD_API_BASE'>,
  logger: Logger,
): DiscordChannelAlertSink | null {
  if (!config.DISCORD_ALERT_CHANNEL_ID || !config.DISCORD_TOKEN || config.DISCORD_ALERT_WEBHOOK_URL) return null;
  const rest = new REST({ api: config.DISCORD_API_BASE }).setToken(config.DISCORD_TOKEN);
  return new DiscordChannelAlertSink({ rest, channelId: config.DISCORD_ALERT_CHANNEL_ID, logger });
}

export function alertEmbed(alert: Alert): APIEmbed {
  return {
    title: cut(`${alert.severity.toUpperCase()}: ${alert.title}`, 256),
    description: cut(alert.body, 4000),
    color: COLORS[alert.severity],
    fields: alert.action ? [{ name: 'What to do next', value: cut(alert.action, 1024) }] : [],
    footer: alert.key ? { text: cut(alert.key, 2048) } : undefined,
  };
}

const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

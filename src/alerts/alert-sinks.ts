import type { Counter } from 'prom-client';
import type { Config } from '../config.js';
import type { AlertSink, Logger } from '../domain/ports/runtime.port.js';
import { CoalescingAlertSink, type CoalescingOptions } from './coalescing-alert.sink.js';
import { DiscordWebhookAlertSink } from './discord-webhook-alert.sink.js';
import { FanOutAlertSink, LogAlertSink } from './log-alert.sink.js';

/** The process's alert sink plus what shutdown needs. */
export interface ManagedAlertSink extends AlertSink {
  /** Sends pending coalesced summaries now. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every alert is logged; the chat sinks (the Discord webhook when DISCORD_ALERT_WEBHOOK_URL is set,
 * plus any `extra`, e.g. the bot's channel sink) are coalesced so a storm posts a summary.
 */
export function createAlertSink(
  config: Pick<Config, 'DISCORD_ALERT_WEBHOOK_URL' | 'DISCORD_API_BASE'>,
  logger: Logger,
  options: { extra?: AlertSink[]; coalescing?: CoalescingOptions; results?: Counter<'result'> } = {},
): ManagedAlertSink {
  const discord = config.DISCORD_ALERT_WEBHOOK_URL ? discordSink(config.DISCORD_ALERT_WEBHOOK_URL, config) : null;
  const chat = [...(discord ? [discord] : []), ...(options.extra ?? [])];
  const coalesced = chat.length > 0 ? new CoalescingAlertSink(new FanOutAlertSink(chat), options.coalescing) : null;
  const sink = new FanOutAlertSink([new LogAlertSink(logger), ...(coalesced ? [coalesced] : [])]);
  return {
    send: async (alert) => {
      try {
        await sink.send(alert);
        options.results?.inc({ result: 'sent' });
      } catch (error) {
        options.results?.inc({ result: 'failed' });
        throw error;
      }
    },
    flush: async () => coalesced?.flush(),
    close: async () => {
      await coalesced?.flush().catch((err: unknown) => logger.warn({ err }, 'pending alert summaries not sent'));
      discord?.close();
    },
  };
}

function discordSink(url: string, config: Pick<Config, 'DISCORD_API_BASE'>): DiscordWebhookAlertSink {
  try {
    return new DiscordWebhookAlertSink({ url, apiBase: config.DISCORD_API_BASE });
  } catch {
    throw new Error(
      'DISCORD_ALERT_WEBHOOK_URL: must be a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)',
    );
  }
}

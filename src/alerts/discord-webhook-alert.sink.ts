import { WebhookClient } from 'discord.js';
import type { Alert, AlertSeverity, AlertSink } from '../domain/ports/runtime.port.js';

export interface DiscordWebhookAlertSinkOptions {
  /** DISCORD_ALERT_WEBHOOK_URL: https://discord.com/api/webhooks/<id>/<token> */
  url: string;
  /** DISCORD_API_BASE: where the REST calls really go (tests point it at a local fake). */
  apiBase?: string;
  username?: string;
}

const COLOR: Record<AlertSeverity, number> = { info: 0x3498db, warning: 0xf1c40f, critical: 0xe74c3c };
const clip = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Posts alerts to a Discord channel through an incoming webhook (no bot needed). */
export class DiscordWebhookAlertSink implements AlertSink {
  private readonly client: WebhookClient;
  private readonly username: string;

  constructor(options: DiscordWebhookAlertSinkOptions) {
    this.client = new WebhookClient(
      { url: options.url },
      { rest: options.apiBase ? { api: options.apiBase } : {}, allowedMentions: { parse: [] } },
    );
    this.username = options.username ?? 'NOI credits alerts';
  }

  async send(alert: Alert): Promise<void> {
    await this.client.send({
      username: this.username,
      // Error texts are untrusted: never let them ping anyone.
      allowedMentions: { parse: [] },
      embeds: [
        {
          title: clip(`[${alert.severity.toUpperCase()}] ${alert.title}`, 256),
          description: clip(alert.body, 4000),
          color: COLOR[alert.severity],
          fields: alert.action ? [{ name: 'What to do', value: clip(alert.action, 1024) }] : [],
          timestamp: new Date().toISOString(),
        },
      ],
    });
  }

  close(): void {
    this.client.destroy();
  }
}

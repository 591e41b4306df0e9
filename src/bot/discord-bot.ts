import { REST, type Client } from 'discord.js';
import type { Express } from 'express';
import type { Config } from '../config.js';
import type { Clock, Logger } from '../domain/ports/runtime.port.js';
import type { BotServices } from './command.types.js';
import { discordInteractionsRoute } from './discord-interactions.route.js';
import { createGatewayClient } from './gateway.client.js';
import { InteractionDispatcher } from './interaction.dispatcher.js';

/** The Discord side of a process: one dispatcher, fed by the gateway client and/or the HTTP endpoint. */
export interface DiscordBot {
  dispatcher: InteractionDispatcher;
  /** REST client on DISCORD_API_BASE (with the bot token when one is configured). */
  rest: REST;
  /** Mounts POST /discord/interactions; null without DISCORD_PUBLIC_KEY. */
  httpMount: ((app: Express) => void) | null;
  /** Logs the gateway client in (DISCORD_TOKEN required); `destroy()` the client to disconnect. */
  startGateway(): Client;
}

export function createDiscordBot(options: {
  config: Config;
  services: BotServices;
  clock: Clock;
  logger: Logger;
}): DiscordBot {
  const { config, services, clock, logger } = options;
  const dispatcher = new InteractionDispatcher({
    guildId: config.DISCORD_GUILD_ID,
    supportRoleIds: config.SUPPORT_ROLE_IDS,
    adminRoleIds: config.ADMIN_ROLE_IDS,
    services,
    logger,
  });
  const rest = new REST({ api: config.DISCORD_API_BASE });
  if (config.DISCORD_TOKEN) rest.setToken(config.DISCORD_TOKEN);
  return {
    dispatcher,
    rest,
    httpMount: config.DISCORD_PUBLIC_KEY
      ? discordInteractionsRoute({ publicKey: config.DISCORD_PUBLIC_KEY, dispatcher, rest, clock, logger })
      : null,
    startGateway() {
      if (!config.DISCORD_TOKEN) throw new Error('DISCORD_TOKEN is required to connect the bot');
      const client = createGatewayClient({ apiBase: config.DISCORD_API_BASE, dispatcher, logger });
      // In the background: a Discord outage must not keep the API role from starting.
      client
        .login(config.DISCORD_TOKEN)
        .then(() => logger.info({ user: client.user?.tag }, 'discord bot connected'))
        .catch((err: unknown) => logger.error({ err }, 'discord bot could not log in; check DISCORD_TOKEN'));
      return client;
    },
  };
}

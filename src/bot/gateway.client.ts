import {
  ApplicationCommandOptionType,
  Client,
  Events,
  GatewayIntentBits,
  GuildMember,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
} from 'discord.js';
import type { Logger } from '../domain/ports/runtime.port.js';
import type { BotInteraction, BotMessage, InteractionResponder } from './bot-interaction.js';
import type { InteractionDispatcher } from './interaction.dispatcher.js';

export interface GatewayClientOptions {
  /** DISCORD_API_BASE: where discord.js sends its REST calls (interaction callbacks, webhook edits). */
  apiBase: string;
  dispatcher: InteractionDispatcher;
  logger: Logger;
}

/**
 * The gateway transport: a discord.js client whose interactions go to the dispatcher. Only the
 * `Guilds` intent is needed (no privileged intents): interactions carry the member's roles.
 * The caller logs in (`client.login(DISCORD_TOKEN)`) and destroys it on shutdown.
 */
export function createGatewayClient(options: GatewayClientOptions): Client {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: options.apiBase } });
  client.on(Events.InteractionCreate, (interaction) => {
    const adapted = fromDiscordJs(interaction);
    if (!adapted) return;
    options.dispatcher
      .dispatch(adapted, new DiscordJsResponder(interaction as ChatInputCommandInteraction | ButtonInteraction))
      .catch((err: unknown) => options.logger.error({ err }, 'discord interaction dispatch failed'));
  });
  client.on(Events.Error, (err) => options.logger.error({ err }, 'discord client error'));
  return client;
}

export function fromDiscordJs(i: Interaction): BotInteraction | null {
  if (!i.isChatInputCommand() && !i.isButton()) return null;
  const member = i.member;
  const memberRoleIds = !member ? null : member instanceof GuildMember ? [...member.roles.cache.keys()] : member.roles;
  const base = {
    id: i.id,
    applicationId: i.applicationId,
    guildId: i.guildId,
    user: { id: i.user.id, tag: i.user.tag },
    memberRoleIds,
  };
  if (i.isButton()) return { ...base, kind: 'button', customId: i.customId, options: {} };
  const flat = flatten(i.options.data);
  return {
    ...base,
    kind: 'command',
    command: { name: i.commandName, subcommand: i.options.getSubcommand(false) ?? undefined },
    options: Object.fromEntries(flat.flatMap((o) => (o.value === undefined ? [] : [[o.name, o.value]]))),
  };
}

const flatten = (options: readonly CommandInteractionOption[]): CommandInteractionOption[] =>
  options.flatMap((o) =>
    o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup
      ? flatten(o.options ?? [])
      : [o],
  );

/** Answers through discord.js, which calls Discord's REST API (interaction callback, webhook edits). */
class DiscordJsResponder implements InteractionResponder {
  private state: 'fresh' | 'deferred-reply' | 'deferred-update' | 'answered' = 'fresh';

  constructor(private readonly i: ChatInputCommandInteraction | ButtonInteraction) {}

  async defer(mode: 'reply' | 'update'): Promise<void> {
    if (this.state !== 'fresh') return;
    if (mode === 'update' && this.i.isButton()) {
      await this.i.deferUpdate();
      this.state = 'deferred-update';
    } else {
      await this.i.deferReply({ flags: MessageFlags.Ephemeral });
      this.state = 'deferred-reply';
    }
  }

  async reply(m: BotMessage): Promise<void> {
    if (this.state === 'fresh') await this.i.reply({ ...m, flags: MessageFlags.Ephemeral });
    else if (this.state === 'deferred-reply') await this.i.editReply(m);
    else await this.i.followUp({ ...m, flags: MessageFlags.Ephemeral });
    this.state = 'answered';
  }

  async update(m: BotMessage): Promise<void> {
    if (this.state === 'fresh' && this.i.isButton()) await this.i.update(m);
    else if (this.state === 'deferred-update' || this.state === 'deferred-reply') await this.i.editReply(m);
    else return this.reply(m);
    this.state = 'answered';
  }
}

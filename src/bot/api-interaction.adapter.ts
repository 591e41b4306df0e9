import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionType,
  type APIApplicationCommandInteractionDataOption,
  type APIInteraction,
} from 'discord.js';
import { userTag, type BotInteraction } from './bot-interaction.js';

/** A raw interaction payload (HTTP transport) as the dispatcher sees it; null for kinds we do not serve. */
export function fromApiInteraction(p: APIInteraction): BotInteraction | null {
  const user = p.member?.user ?? p.user;
  if (!user) return null;
  const base = {
    id: p.id,
    applicationId: p.application_id,
    guildId: p.guild_id ?? null,
    user: { id: user.id, tag: userTag(user) },
    memberRoleIds: p.member ? p.member.roles : null,
  };
  if (p.type === InteractionType.MessageComponent && p.data.component_type === ComponentType.Button)
    return { ...base, kind: 'button', customId: p.data.custom_id, options: {} };
  if (p.type === InteractionType.ApplicationCommand && p.data.type === ApplicationCommandType.ChatInput) {
    const top = p.data.options ?? [];
    const sub = top.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
    return {
      ...base,
      kind: 'command',
      command: { name: p.data.name, subcommand: sub?.name },
      options: Object.fromEntries(flatten(top).map((o) => [o.name, o.value])),
    };
  }
  return null;
}

type Leaf = { name: string; value: string | number | boolean };

function flatten(options: readonly APIApplicationCommandInteractionDataOption[]): Leaf[] {
  return options.flatMap((o): Leaf[] => {
    if (o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup)
      return flatten(o.options ?? []);
    return 'value' in o ? [{ name: o.name, value: o.value }] : [];
  });
}

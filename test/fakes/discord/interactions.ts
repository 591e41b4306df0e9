import { randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionContextType,
  InteractionType,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIChatInputApplicationCommandInteraction,
  type APIInteractionGuildMember,
  type APIMessageComponentButtonInteraction,
  type APIPingInteraction,
  type APIUser,
} from 'discord.js';

/** Raw interaction payloads exactly as Discord sends them (gateway INTERACTION_CREATE or HTTP POST). */

export const APP_ID = '300000000000000001';
export const GUILD_ID = '100000000000000001';
export const OTHER_GUILD_ID = '100000000000000999';
export const SUPPORT_ROLE_ID = '200000000000000001';
export const ADMIN_ROLE_ID = '200000000000000002';
export const OTHER_ROLE_ID = '200000000000000003';
const CHANNEL_ID = '400000000000000001';

let counter = 0n;
/** Unique snowflake-shaped ids for each test interaction. */
export const snowflake = (): string =>
  String(1_200_000_000_000_000_000n + BigInt(Date.now()) * 1000n + (counter += 1n));

export interface Who {
  id: string;
  username: string;
  /** Role ids; `null` sends the interaction from a DM (no member, no guild). */
  roles: string[] | null;
  guildId?: string;
}

export const supportMember = (username = 'alice'): Who => ({ id: snowflake(), username, roles: [SUPPORT_ROLE_ID] });

const apiUser = (who: Who): APIUser => ({
  id: who.id,
  username: who.username,
  discriminator: '0',
  global_name: who.username,
  avatar: null,
});

function context(who: Who) {
  const user = apiUser(who);
  if (who.roles === null)
    return {
      user,
      channel_id: CHANNEL_ID,
      channel: { id: CHANNEL_ID, type: ChannelType.DM } as never,
      context: InteractionContextType.BotDM,
      authorizing_integration_owners: { 1: who.id },
    };
  const member: APIInteractionGuildMember = {
    user,
    roles: who.roles,
    joined_at: '2024-01-01T00:00:00.000Z',
    deaf: false,
    mute: false,
    flags: 0 as APIInteractionGuildMember['flags'],
    permissions: '2147483647',
  };
  return {
    guild_id: who.guildId ?? GUILD_ID,
    member,
    channel_id: CHANNEL_ID,
    context: InteractionContextType.Guild,
    authorizing_integration_owners: { 0: who.guildId ?? GUILD_ID },
  };
}

const common = () => ({
  id: snowflake(),
  application_id: APP_ID,
  token: `tok-${randomBytes(12).toString('hex')}`,
  version: 1 as const,
  app_permissions: '2147483647',
  locale: 'en-US' as const,
  guild_locale: 'en-US' as const,
  entitlements: [],
  attachment_size_limit: 8_388_608,
});

const optionType = (name: string, value: string | number): ApplicationCommandOptionType =>
  name === 'user'
    ? ApplicationCommandOptionType.User
    : typeof value === 'number'
      ? ApplicationCommandOptionType.Integer
      : ApplicationCommandOptionType.String;

/** `/command subcommand name:value …` (an option named `user` is a User option carrying the id). */
export function slashCommand(
  who: Who,
  command: string,
  subcommand: string,
  options: Record<string, string | number> = {},
): APIChatInputApplicationCommandInteraction {
  const leafs = Object.entries(options).map(
    ([name, value]) =>
      ({ name, type: optionType(name, value), value }) as APIApplicationCommandInteractionDataBasicOption,
  );
  const users = Object.fromEntries(
    Object.entries(options)
      .filter(([n]) => n === 'user')
      .map(([, id]) => [
        String(id),
        { id: String(id), username: `member-${id}`, discriminator: '0', avatar: null, global_name: null },
      ]),
  );
  return {
    ...common(),
    ...context(who),
    type: InteractionType.ApplicationCommand,
    data: {
      id: '500000000000000001',
      name: command,
      type: ApplicationCommandType.ChatInput,
      options: [{ name: subcommand, type: ApplicationCommandOptionType.Subcommand, options: leafs }],
      resolved: Object.keys(users).length > 0 ? { users } : undefined,
    },
  } as APIChatInputApplicationCommandInteraction;
}

/** A press of the button `customId` on an ephemeral message the bot sent. */
export function buttonPress(who: Who, customId: string): APIMessageComponentButtonInteraction {
  return {
    ...common(),
    ...context(who),
    type: InteractionType.MessageComponent,
    data: { custom_id: customId, component_type: ComponentType.Button },
    message: {
      id: snowflake(),
      channel_id: CHANNEL_ID,
      type: 0,
      content: '',
      author: {
        id: APP_ID,
        username: 'support-bot',
        discriminator: '0000',
        avatar: null,
        global_name: null,
        bot: true,
      },
      embeds: [],
      components: [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: 64,
    },
  } as APIMessageComponentButtonInteraction;
}

export const ping = (): APIPingInteraction =>
  ({
    id: snowflake(),
    application_id: APP_ID,
    type: InteractionType.Ping,
    token: 'ping',
    version: 1,
  }) as APIPingInteraction;

/** The two headers Discord adds: Ed25519 over `timestamp + body`. */
export function signatureHeaders(privateKey: KeyObject, body: string, timestamp: number): Record<string, string> {
  const ts = String(timestamp);
  return {
    'x-signature-ed25519': sign(null, Buffer.from(ts + body), privateKey).toString('hex'),
    'x-signature-timestamp': ts,
  };
}

import type { APIActionRowComponent, APIButtonComponent, APIEmbed } from 'discord.js';

/**
 * An interaction as the dispatcher sees it, whichever transport delivered it (the gateway client or
 * the HTTP interactions endpoint). Built from raw API payloads or from discord.js objects.
 */
export interface BotInteraction {
  id: string;
  applicationId: string;
  kind: 'command' | 'button';
  /** `/credits add` → { name: 'credits', subcommand: 'add' }. */
  command?: { name: string; subcommand?: string };
  /** Button custom id, e.g. `credits-remove:confirm:<id>`. */
  customId?: string;
  /** Option values by name; a `user` option carries the user id. */
  options: Readonly<Record<string, string | number | boolean>>;
  /** Null in a DM. */
  guildId: string | null;
  user: { id: string; tag: string };
  /** Role ids of the member; null when not invoked by a guild member (DM). */
  memberRoleIds: readonly string[] | null;
}

/** What a command answers. The dispatcher always sends it ephemerally. */
export interface BotMessage {
  embeds: APIEmbed[];
  components?: APIActionRowComponent<APIButtonComponent>[];
}

/**
 * How an answer reaches Discord. Discord's 3-second rule: the first response must arrive within three
 * seconds, so slow work calls `defer` first and `reply`/`update` then edit the original response.
 */
export interface InteractionResponder {
  /** `reply`: a new ephemeral message will follow; `update`: the button's message will be edited. */
  defer(mode: 'reply' | 'update'): Promise<void>;
  /** Answers with a new ephemeral message (or fills the deferred one). */
  reply(message: BotMessage): Promise<void>;
  /** Replaces the message the pressed button belongs to (or fills the deferred update). */
  update(message: BotMessage): Promise<void>;
}

export const userTag = (u: { username: string; discriminator?: string | null }): string =>
  !u.discriminator || u.discriminator === '0' ? u.username : `${u.username}#${u.discriminator}`;

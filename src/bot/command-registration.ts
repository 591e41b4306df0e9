import {
  ApplicationCommandOptionType,
  Routes,
  type REST,
  type RESTGetCurrentApplicationResult,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  type RESTPutAPIApplicationGuildCommandsResult,
} from 'discord.js';
import { commandData } from './commands/index.js';

export interface RegisteredCommand {
  id: string;
  name: string;
  subcommands: string[];
}

/**
 * Replaces the guild's commands with ours (PUT is a bulk overwrite: commands we no longer define
 * disappear). Guild commands update at once, unlike global ones.
 */
export async function registerGuildCommands(input: {
  rest: REST;
  guildId: string;
  applicationId?: string;
  commands?: RESTPostAPIChatInputApplicationCommandsJSONBody[];
}): Promise<{ applicationId: string; commands: RegisteredCommand[] }> {
  const applicationId =
    input.applicationId ?? ((await input.rest.get(Routes.currentApplication())) as RESTGetCurrentApplicationResult).id;
  const registered = (await input.rest.put(Routes.applicationGuildCommands(applicationId, input.guildId), {
    body: input.commands ?? commandData(),
  })) as RESTPutAPIApplicationGuildCommandsResult;
  return {
    applicationId,
    commands: registered.map((c) => ({
      id: c.id,
      name: c.name,
      subcommands: (c.options ?? [])
        .filter((o) => o.type === ApplicationCommandOptionType.Subcommand)
        .map((o) => o.name),
    })),
  };
}

import { pathToFileURL } from 'node:url';
import { REST } from 'discord.js';
import { ConfigError, loadConfig, takeDefaultEnv, withEnvFile } from '../config.js';
import { registerGuildCommands } from './command-registration.js';

/** `npm run bot:deploy`: registers the slash commands in DISCORD_GUILD_ID and prints them. */
async function main(): Promise<void> {
  const config = loadConfig(withEnvFile(), takeDefaultEnv(process.argv.slice(2)));
  const missing = (['DISCORD_TOKEN', 'DISCORD_GUILD_ID'] as const).filter((k) => !config[k]);
  if (missing.length > 0) throw new ConfigError(missing.map((k) => `${k}: required by bot:deploy`));
  const rest = new REST({ api: config.DISCORD_API_BASE }).setToken(config.DISCORD_TOKEN ?? '');
  const guildId = config.DISCORD_GUILD_ID ?? '';
  const result = await registerGuildCommands({ rest, guildId, applicationId: config.DISCORD_APPLICATION_ID });
  process.stdout.write(
    `Registered ${result.commands.length} command(s) in guild ${guildId} (application ${result.applicationId}):\n`,
  );
  for (const c of result.commands)
    process.stdout.write(`  /${c.name} ${c.subcommands.length ? `(${c.subcommands.join(', ')})` : ''} id=${c.id}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`bot:deploy failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

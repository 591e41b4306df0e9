import {
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { ButtonHandler, SubcommandDefinition } from '../command.types.js';
import { backupRunCommand } from './backup-run.command.js';
import { backupStatusCommand } from './backup-status.command.js';
import { creditsAddCommand } from './credits-add.command.js';
import { creditsDiagnoseButtons, creditsDiagnoseCommand } from './credits-diagnose.command.js';
import { creditsFreezeCommand, creditsUnfreezeCommand } from './credits-freeze.command.js';
import { creditsHistoryCommand } from './credits-history.command.js';
import { creditsLinkCommand } from './credits-link.command.js';
import { creditsLookupCommand } from './credits-lookup.command.js';
import { creditsRemoveButtons, creditsRemoveCommand } from './credits-remove.command.js';
import { webhooksFailuresCommand } from './webhooks-failures.command.js';
import { webhooksReplayCommand } from './webhooks-replay.command.js';

export const SUBCOMMANDS: readonly SubcommandDefinition[] = [
  creditsAddCommand,
  creditsRemoveCommand,
  creditsLookupCommand,
  creditsHistoryCommand,
  creditsLinkCommand,
  creditsDiagnoseCommand,
  creditsFreezeCommand,
  creditsUnfreezeCommand,
  webhooksFailuresCommand,
  webhooksReplayCommand,
  backupStatusCommand,
  backupRunCommand,
];

export const BUTTONS: readonly ButtonHandler[] = [creditsRemoveButtons, creditsDiagnoseButtons];

const DESCRIPTIONS: Record<SubcommandDefinition['parent'], string> = {
  credits: 'Support: credits of a customer account',
  webhooks: 'Support: Stripe webhook failures',
  backup: 'Admin: database backups',
};

/**
 * The top-level commands as registered with Discord. Guild-only (no DMs, guild install), and
 * `default_member_permissions` = Manage Server so nobody else even sees them until the server admin
 * grants the support role in Server Settings → Integrations. The dispatcher re-checks roles anyway.
 */
export function commandData(
  subcommands: readonly SubcommandDefinition[] = SUBCOMMANDS,
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const parents = [...new Set(subcommands.map((s) => s.parent))];
  return parents.map((parent) => {
    const b = new SlashCommandBuilder()
      .setName(parent)
      .setDescription(DESCRIPTIONS[parent])
      .setContexts(InteractionContextType.Guild)
      .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
      .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild);
    for (const s of subcommands.filter((x) => x.parent === parent)) b.addSubcommand((sub) => s.data(sub));
    return b.toJSON();
  });
}

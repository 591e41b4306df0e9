import type { SlashCommandSubcommandBuilder } from 'discord.js';

/** `user` / `email` (and optionally `account_id`): how a command names an account. */
export function addTargetOptions(
  b: SlashCommandSubcommandBuilder,
  withAccountId = false,
): SlashCommandSubcommandBuilder {
  b.addUserOption((o) => o.setName('user').setDescription('The member (linked with /credits link)'));
  b.addStringOption((o) => o.setName('email').setDescription('The account email').setMaxLength(254));
  if (withAccountId)
    b.addStringOption((o) => o.setName('account_id').setDescription('The account id').setMaxLength(100));
  return b;
}

export const addAmountAndReason = (b: SlashCommandSubcommandBuilder, max: number): SlashCommandSubcommandBuilder =>
  b
    .addIntegerOption((o) =>
      o.setName('amount').setDescription('Credits').setRequired(true).setMinValue(1).setMaxValue(max),
    )
    .addStringOption((o) =>
      o.setName('reason').setDescription('Why (kept in the audit log)').setRequired(true).setMaxLength(500),
    );

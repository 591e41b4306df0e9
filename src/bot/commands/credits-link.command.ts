import type { SubcommandDefinition } from '../command.types.js';
import { COLORS, accountLine, notice } from '../embeds.js';

/** `/credits link user email` — so that `user:` works in the other commands. */
export const creditsLinkCommand: SubcommandDefinition = {
  parent: 'credits',
  name: 'link',
  access: 'support',
  data: (b) =>
    b
      .setName('link')
      .setDescription('Link a Discord member to an account')
      .addUserOption((o) => o.setName('user').setDescription('The member').setRequired(true))
      .addStringOption((o) =>
        o.setName('email').setDescription('The account email').setRequired(true).setMaxLength(254),
      ),
  async execute({ services, actor, options }) {
    const member = options.user('user') ?? '';
    const r = await services.support.linkDiscordUser({
      discordUserId: member,
      email: options.string('email') ?? '',
      actor,
    });
    return notice(
      r.changed ? 'Member linked' : 'Already linked',
      `<@${member}> → ${accountLine(r.account)}`,
      r.changed ? COLORS.ok : COLORS.info,
    );
  },
};

import type { SubcommandDefinition } from '../command.types.js';
import { COLORS, accountLine, notice } from '../embeds.js';
import { addTargetOptions } from './target-options.js';

/** `/credits freeze|unfreeze user|email|account_id reason` — the same AccountService rule as the console. */
function statusCommand(frozen: boolean): SubcommandDefinition {
  const name = frozen ? 'freeze' : 'unfreeze';
  return {
    parent: 'credits',
    name,
    access: 'support',
    data: (b) =>
      addTargetOptions(
        b
          .setName(name)
          .setDescription(frozen ? 'Freeze an account: no spending or buying' : 'Make a frozen account active again')
          .addStringOption((o) =>
            o.setName('reason').setDescription('Why (kept in the audit log)').setRequired(true).setMaxLength(500),
          ),
        true,
      ),
    async execute({ services, actor, options }) {
      const account = await services.support.setFrozen({
        target: options.target(),
        frozen,
        reason: options.string('reason') ?? '',
        actor,
      });
      return notice(
        frozen ? 'Account frozen' : 'Account unfrozen',
        `${accountLine(account)} is now **${account.status}**.`,
        frozen ? COLORS.warn : COLORS.ok,
      );
    },
  };
}

export const creditsFreezeCommand = statusCommand(true);
export const creditsUnfreezeCommand = statusCommand(false);

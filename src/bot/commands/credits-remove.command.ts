import { SUPPORT_MAX_CREDITS } from '../../domain/support/support.service.js';
import type { ButtonHandler, SubcommandDefinition } from '../command.types.js';
import { COLORS, REMOVE_PREFIX, accountLine, balanceChangeMessage, confirmationMessage, notice } from '../embeds.js';
import { addAmountAndReason, addTargetOptions } from './target-options.js';

/**
 * `/credits remove amount reason user|email`. Large removals, and removals above what the account
 * has, come back as a prompt with Confirm / Cancel buttons (see SupportService for the rule).
 */
export const creditsRemoveCommand: SubcommandDefinition = {
  parent: 'credits',
  name: 'remove',
  access: 'support',
  data: (b) =>
    addTargetOptions(
      addAmountAndReason(
        b.setName('remove').setDescription('Remove credits from an account (never below zero)'),
        SUPPORT_MAX_CREDITS,
      ),
    ),
  async execute({ interaction, services, actor, options }) {
    const outcome = await services.support.removeCredits({
      target: options.target(),
      amount: options.integer('amount') ?? Number.NaN,
      reason: options.string('reason') ?? '',
      idempotencyKey: `discord:${interaction.id}`,
      actor,
    });
    return outcome.status === 'removed'
      ? balanceChangeMessage(outcome.change)
      : confirmationMessage(outcome.confirmation);
  },
};

/** The prompt's buttons: `credits-remove:confirm:<id>` and `credits-remove:cancel:<id>`. */
export const creditsRemoveButtons: ButtonHandler = {
  prefix: REMOVE_PREFIX,
  actions: ['confirm', 'cancel'],
  access: 'support',
  async execute({ services, actor, action, arg }) {
    if (action === 'cancel') {
      const { account } = await services.support.cancelRemoval({ confirmationId: arg, actor });
      return notice('Removal cancelled', `${accountLine(account)}\nNothing was removed.`, COLORS.info);
    }
    return balanceChangeMessage(await services.support.confirmRemoval({ confirmationId: arg, actor }));
  },
};

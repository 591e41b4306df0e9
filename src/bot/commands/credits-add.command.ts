import { SUPPORT_MAX_CREDITS } from '../../domain/support/support.service.js';
import type { SubcommandDefinition } from '../command.types.js';
import { balanceChangeMessage } from '../embeds.js';
import { addAmountAndReason, addTargetOptions } from './target-options.js';

/** `/credits add amount reason user|email` */
export const creditsAddCommand: SubcommandDefinition = {
  parent: 'credits',
  name: 'add',
  access: 'support',
  data: (b) =>
    addTargetOptions(
      addAmountAndReason(b.setName('add').setDescription('Add credits to an account'), SUPPORT_MAX_CREDITS),
    ),
  async execute({ interaction, services, actor, options }) {
    const change = await services.support.addCredits({
      target: options.target(),
      amount: options.integer('amount') ?? Number.NaN,
      reason: options.string('reason') ?? '',
      idempotencyKey: `discord:${interaction.id}`,
      actor,
    });
    return balanceChangeMessage(change);
  },
};

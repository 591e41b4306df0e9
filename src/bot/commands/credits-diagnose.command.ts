import type { ButtonHandler, SubcommandDefinition } from '../command.types.js';
import { DIAGNOSE_PREFIX, diagnosisMessage, grantResultMessage } from '../payment-embeds.js';
import { addTargetOptions } from './target-options.js';

/**
 * `/credits diagnose user|email`: "credits not added after payment", done by the system. Lists the
 * account's Checkout sessions (ours and Stripe's), the paid ones without a grant, and open webhook
 * failures; offers "Grant missing credits" when something is missing.
 */
export const creditsDiagnoseCommand: SubcommandDefinition = {
  parent: 'credits',
  name: 'diagnose',
  access: 'support',
  // Asks Stripe (sessions, events): acknowledge first.
  defer: true,
  data: (b) =>
    addTargetOptions(b.setName('diagnose').setDescription('Why credits are missing after a payment, and the fix')),
  async execute({ interaction, services, actor, options }) {
    const diagnosis = await services.paymentSupport.diagnose({
      target: options.target(),
      actor,
      idempotencyKey: `discord:${interaction.id}`,
    });
    return diagnosisMessage(diagnosis);
  },
};

/** `credits-diagnose:grant:<prompt id>`: grants exactly the sessions the diagnosis listed. */
export const creditsDiagnoseButtons: ButtonHandler = {
  prefix: DIAGNOSE_PREFIX,
  actions: ['grant'],
  access: 'support',
  defer: true,
  async execute({ services, actor, arg }) {
    return grantResultMessage(await services.paymentSupport.grantMissing({ confirmationId: arg, actor }));
  },
};

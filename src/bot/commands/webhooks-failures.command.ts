import type { SubcommandDefinition } from '../command.types.js';
import { failuresMessage } from '../payment-embeds.js';

/** `/webhooks failures`: Stripe events that could not be applied and are not resolved yet. */
export const webhooksFailuresCommand: SubcommandDefinition = {
  parent: 'webhooks',
  name: 'failures',
  access: 'support',
  data: (b) => b.setName('failures').setDescription('Open Stripe webhook failures'),
  async execute({ services }) {
    const page = await services.stripeEvents.listFailures({}, { first: 15 });
    return failuresMessage(page.items, page.hasNextPage);
  },
};

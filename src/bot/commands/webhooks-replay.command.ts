import type { SubcommandDefinition } from '../command.types.js';
import { replayMessage } from '../payment-embeds.js';

/** `/webhooks replay event_id`: fetches the event from Stripe and runs the webhook handler again. */
export const webhooksReplayCommand: SubcommandDefinition = {
  parent: 'webhooks',
  name: 'replay',
  access: 'support',
  defer: true,
  data: (b) =>
    b
      .setName('replay')
      .setDescription('Run a Stripe event again (idempotent)')
      .addStringOption((o) =>
        o.setName('event_id').setDescription('The Stripe event id (evt_…)').setRequired(true).setMaxLength(255),
      ),
  async execute({ interaction, services, actor, options }) {
    const result = await services.paymentSupport.replayWebhook({
      eventId: options.string('event_id') ?? '',
      actor,
      idempotencyKey: `discord:${interaction.id}`,
    });
    return replayMessage(result);
  },
};

import type { SubcommandDefinition } from '../command.types.js';
import { overviewMessage } from '../embeds.js';
import { addTargetOptions } from './target-options.js';

/** `/credits lookup user|email|account_id` */
export const creditsLookupCommand: SubcommandDefinition = {
  parent: 'credits',
  name: 'lookup',
  access: 'support',
  // Several reads (account, ledger, purchases): acknowledge first rather than risk the 3-second limit.
  defer: true,
  data: (b) => addTargetOptions(b.setName('lookup').setDescription('Balance, recent ledger and purchases'), true),
  async execute({ services, options }) {
    return overviewMessage(await services.support.overview(options.target()));
  },
};

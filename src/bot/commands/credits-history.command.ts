import type { SubcommandDefinition } from '../command.types.js';
import { historyMessage } from '../embeds.js';
import { addTargetOptions } from './target-options.js';

/** `/credits history user|email [page]` */
export const creditsHistoryCommand: SubcommandDefinition = {
  parent: 'credits',
  name: 'history',
  access: 'support',
  defer: true,
  data: (b) =>
    addTargetOptions(b.setName('history').setDescription('The ledger of an account, newest first')).addIntegerOption(
      (o) => o.setName('page').setDescription('Page (10 entries each)').setMinValue(1).setMaxValue(10_000),
    ),
  async execute({ services, options }) {
    return historyMessage(await services.support.history(options.target(), options.integer('page')));
  },
};

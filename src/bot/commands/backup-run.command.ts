import { backupRunMessage } from '../backup-embeds.js';
import type { SubcommandDefinition } from '../command.types.js';

/** `/backup run` (admin): the scheduled backup job, now (backup → verify → prune), under its lease. */
export const backupRunCommand: SubcommandDefinition = {
  parent: 'backup',
  name: 'run',
  access: 'admin',
  // A backup takes as long as the database is large: acknowledge at once, edit the reply when done.
  defer: true,
  data: (b) => b.setName('run').setDescription('Back up the database now, verify it, prune old backups'),
  async execute({ interaction, services, actor }) {
    return backupRunMessage(await services.backupSupport.run({ actor, idempotencyKey: `discord:${interaction.id}` }));
  },
};

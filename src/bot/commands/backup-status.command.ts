import { backupStatusMessage } from '../backup-embeds.js';
import type { SubcommandDefinition } from '../command.types.js';

/** `/backup status` (admin): the newest backups and the backup job's last runs. */
export const backupStatusCommand: SubcommandDefinition = {
  parent: 'backup',
  name: 'status',
  access: 'admin',
  defer: true,
  data: (b) => b.setName('status').setDescription('Newest backups and the last runs of the backup job'),
  async execute({ services }) {
    return backupStatusMessage(await services.backupSupport.status());
  },
};

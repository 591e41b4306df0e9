import type { Config } from '../config.js';
import type { BackupService } from '../domain/backups/backup.service.js';
import type { JobDefinition } from './job-definition.js';

/**
 * `backup` then `prune` (BACKUP_CRON): the service verifies the new backup before pruning older ones.
 * It runs in maintenance too: its first step finishes a restore that a crash interrupted.
 */
export function backupJob(config: Pick<Config, 'BACKUP_CRON'>, backups: BackupService): JobDefinition {
  return {
    name: 'backup',
    cron: config.BACKUP_CRON,
    cronVariable: 'BACKUP_CRON',
    duringMaintenance: true,
    run: async (signal) => {
      const { backup, prune } = await backups.runScheduled(signal);
      return {
        summary: {
          backup: backup.name,
          documents: backup.documents,
          bytes: backup.bytes,
          deleted: prune.deleted,
          spared: prune.spared,
        },
      };
    },
  };
}

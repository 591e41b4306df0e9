import type { Config } from '../config.js';
import type { Services } from '../services.js';
import { backupJob } from './backup.job.js';
import type { JobDefinition } from './job-definition.js';
import { verifyLedgerJob } from './verify-ledger.job.js';

/**
 * Every scheduled job of the `jobs` role. `reconcile-stripe` (hourly, RECONCILE_CRON) belongs here
 * once the Stripe work provides its service method:
 *   { name: 'reconcile-stripe', cron: config.RECONCILE_CRON, cronVariable: 'RECONCILE_CRON',
 *     run: async () => ({ summary: { ...(await services.<payments>.reconcile()) } }) }
 * Jobs passed in `extra` are scheduled too, under the same lease and run records.
 */
export function defineJobs(config: Config, services: Services, extra: readonly JobDefinition[] = []): JobDefinition[] {
  return [backupJob(config, services.backups), verifyLedgerJob(config, services.ledger), ...extra];
}

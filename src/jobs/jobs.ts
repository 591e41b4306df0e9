import type { Config } from '../config.js';
import type { Clock } from '../domain/ports/runtime.port.js';
import type { Services } from '../services.js';
import { backupJob } from './backup.job.js';
import type { JobDefinition } from './job-definition.js';
import { reconcileStripeJob } from './reconcile-stripe.job.js';
import { releaseAbandonedAnalysesJob } from './release-abandoned-analyses.job.js';
import { verifyLedgerJob } from './verify-ledger.job.js';

/**
 * Every scheduled job of the `jobs` role. `reconcile-stripe` runs only when Stripe is configured
 * (without STRIPE_SECRET_KEY it could only fail every hour). Jobs passed in `extra` are scheduled
 * too, under the same lease and run records.
 */
export function defineJobs(
  config: Config,
  services: Services,
  clock: Clock,
  extra: readonly JobDefinition[] = [],
): JobDefinition[] {
  return [
    backupJob(config, services.backups),
    verifyLedgerJob(config, services.ledger),
    releaseAbandonedAnalysesJob(config, services.analyses, clock),
    ...(config.STRIPE_SECRET_KEY ? [reconcileStripeJob(config, services.reconciliation, clock)] : []),
    ...extra,
  ];
}

import type { Config } from '../config.js';
import type { ReconciliationService } from '../domain/payments/reconciliation.service.js';
import type { Clock } from '../domain/ports/runtime.port.js';
import type { JobDefinition } from './job-definition.js';

/**
 * How far back each hourly run looks. Runs overlap on purpose: a session missed by one run is seen
 * by the next 23, and the grant path is idempotent (one grant per Checkout session).
 */
export const RECONCILE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Hourly (RECONCILE_CRON): grant paid Checkout sessions the ledger lacks; failures fail the run and alert. */
export function reconcileStripeJob(
  config: Pick<Config, 'RECONCILE_CRON'>,
  reconciliation: ReconciliationService,
  clock: Clock,
): JobDefinition {
  return {
    name: 'reconcile-stripe',
    cron: config.RECONCILE_CRON,
    cronVariable: 'RECONCILE_CRON',
    run: async () => {
      const report = await reconciliation.run({ since: new Date(clock.now().getTime() - RECONCILE_WINDOW_MS) });
      const summary = {
        scanned: report.scanned,
        healed: report.healed.length,
        alreadyGranted: report.alreadyGranted,
        failed: report.failures.length,
      };
      if (report.failures.length === 0) return { summary };
      const first = report.failures[0]!;
      return {
        summary,
        problem: `${report.failures.length} Checkout session(s) could not be reconciled, e.g. ${first.checkoutSessionId}: ${first.error}`,
      };
    },
  };
}

import type { Config } from '../config.js';
import type { LedgerService } from '../domain/ledger/ledger.service.js';
import type { JobDefinition } from './job-definition.js';

const SHOWN = 5;

/** Nightly (VERIFY_LEDGER_CRON): drift between balances and ledger entries fails the run, which alerts. */
export function verifyLedgerJob(config: Pick<Config, 'VERIFY_LEDGER_CRON'>, ledger: LedgerService): JobDefinition {
  return {
    name: 'verify-ledger',
    cron: config.VERIFY_LEDGER_CRON,
    cronVariable: 'VERIFY_LEDGER_CRON',
    run: async () => {
      const report = await ledger.verifyLedger();
      const summary = { accountsChecked: report.accountsChecked, drifted: report.drift.length };
      if (report.ok) return { summary };
      const shown = report.drift
        .slice(0, SHOWN)
        .map((d) => `${d.accountId}${d.email ? ` (${d.email})` : ''}: ${d.problems.join(', ')}`);
      const more = report.drift.length > SHOWN ? `; and ${report.drift.length - SHOWN} more` : '';
      return { summary, problem: `ledger drift on ${report.drift.length} account(s): ${shown.join('; ')}${more}` };
    },
  };
}

import { CHECK_FAILED_EXIT } from '../exit-codes.js';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

export function registerVerifyLedgerCommand(program: Command, ctx: CliContext): void {
  program
    .command('verify-ledger')
    .description("check every account's balance against the sum of its ledger entries")
    .action(async () => {
      const { services, close } = await ctx.open();
      try {
        const report = await services.ledger.verifyLedger();
        ctx.print(
          { ...report },
          report.ok
            ? `ledger OK (${report.accountsChecked} accounts)`
            : `LEDGER DRIFT: ${JSON.stringify(report.drift, null, 2)}`,
        );
        if (!report.ok) process.exitCode = CHECK_FAILED_EXIT;
      } finally {
        await close();
      }
    });
}

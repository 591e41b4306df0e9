import { CHECK_FAILED_EXIT } from '../exit-codes.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { CliContext } from '../cli-context.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `24h`, `90m`, `7d` → milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d{1,4})([mhd])$/.exec(value.trim());
  if (!m || Number(m[1]) === 0) throw new InvalidArgumentError('use a duration like 90m, 24h or 7d');
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

export function registerReconcileCommand(program: Command, ctx: CliContext): void {
  program
    .command('reconcile')
    .description('grant every paid Stripe Checkout session of the window that the ledger lacks (missed webhooks)')
    .addOption(
      new Option('--since <duration>', 'how far back to look (90m, 24h, 7d)')
        .argParser(parseDuration)
        .default(UNIT_MS.h * 24, '24h'),
    )
    .option('--account <accountId>', "only this account's Stripe customer (ignores --since)")
    .action(async (options: { since: number; account?: string }) => {
      const { services, close } = await ctx.open();
      try {
        const report = options.account
          ? await services.reconciliation.runForAccount(options.account)
          : await services.reconciliation.run({ since: new Date(Date.now() - options.since) });
        const healed = report.healed.map((h) => `  + ${h.credits} credits → ${h.accountId} (${h.checkoutSessionId})`);
        const failed = report.failures.map((f) => `  ! ${f.checkoutSessionId}: ${f.error}`);
        ctx.print(
          { ...report },
          [
            `reconciled ${report.from.toISOString()} … ${report.to.toISOString()}: ${report.scanned} completed session(s), ` +
              `${report.healed.length} healed, ${report.alreadyGranted} already granted, ${report.skipped} skipped, ` +
              `${report.failures.length} failed`,
            ...healed,
            ...failed,
          ].join('\n'),
        );
        if (report.failures.length > 0) process.exitCode = CHECK_FAILED_EXIT;
      } finally {
        await services.alerts.close();
        await close();
      }
    });
}

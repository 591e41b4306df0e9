import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { registerBackupCommand } from './backup.command.js';
import { registerDevCommand } from './dev.command.js';
import { registerReconcileCommand } from './reconcile.command.js';
import { registerTokenCommand } from './token.command.js';
import { registerVerifyLedgerCommand } from './verify-ledger.command.js';

/** Every CLI command, one file each; add a line here when adding one. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerVerifyLedgerCommand(program, ctx);
  registerBackupCommand(program, ctx);
  registerTokenCommand(program, ctx);
  registerReconcileCommand(program, ctx);
  registerDevCommand(program, ctx);
}

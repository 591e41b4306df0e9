import { CHECK_FAILED_EXIT } from '../exit-codes.js';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { BackupSummary, BackupVerification } from '../../domain/backups/backup.types.js';
import { DomainError } from '../../domain/errors.js';
import type { Services } from '../../services.js';
import { InMemoryEngineError, type CliContext } from '../cli-context.js';
import { createProgress } from '../progress.js';

/** Printed instead of the generic message: with the memory engine only the server can back itself up. */
const MEMORY_ENGINE_HINT =
  'no database configured: with the in-memory engine the data lives inside the running server process, so ' +
  'this command cannot reach it. Use the running server instead: admin GraphQL (query { backups { name } }, ' +
  'mutation { createBackup { name } }, verifyBackup(name), restoreBackup(name, confirm: true)) or the Discord ' +
  'commands /backup run and /backup status. To use this command, set MONGODB_URI (or MONGOMS_SYSTEM_BINARY). ' +
  '(`backup verify <name>` needs no database: it reads the files in BACKUP_DIR.)';

/** Why a command other than verify stops on a configuration problem (production without MONGODB_URI, …). */
const needsDatabase = (detail: string): string =>
  `this backup command needs the database and a complete configuration: ${detail}\n` +
  '(`backup verify <name>` needs no database: it reads the files in BACKUP_DIR.)';

const operator = () => ({ type: 'admin' as const, id: `cli:${userInfo().username}` });

const describeBackup = (b: BackupSummary): string => {
  const verified = b.lastVerification ? `${b.lastVerification.ok ? 'verified' : 'FAILED verify'}` : 'not verified';
  return `${b.name}  ${b.documents} documents  ${b.bytes} bytes  ${verified}`;
};

const describeVerification = (v: BackupVerification): string =>
  v.ok
    ? `backup ${v.name} OK (${v.collections.reduce((n, c) => n + c.count, 0)} documents)`
    : [
        `backup ${v.name} FAILED verify:`,
        ...v.problems.map((p) => `  ${p.file}${p.line ? `:${p.line}` : ''}  ${p.problem}`),
      ].join('\n');

/**
 * `backup create | list | verify <name> | restore <name> [--drop] | prune`: each parses its
 * arguments, calls one BackupService method and prints the result.
 */
export function registerBackupCommand(program: Command, ctx: CliContext): void {
  const withServices = async (fn: (services: Services) => Promise<void>): Promise<void> => {
    const opened = await ctx.open().catch((error: unknown) => {
      if (error instanceof InMemoryEngineError) throw new DomainError('CONFIGURATION', MEMORY_ENGINE_HINT);
      if (error instanceof DomainError && error.code === 'CONFIGURATION')
        throw new DomainError('CONFIGURATION', needsDatabase(error.message));
      throw error;
    });
    try {
      await fn(opened.services);
    } finally {
      await opened.close();
    }
  };
  const progress = () => createProgress(Boolean(process.stderr.isTTY), (line) => process.stdout.write(`${line}\n`));

  const backup = program.command('backup').description(`backups of the database (kept in BACKUP_DIR)`);

  backup
    .command('create')
    .description('write a new backup (a consistent snapshot of every collection)')
    .action(() =>
      withServices(async ({ backups }) => {
        const bar = progress();
        const created = await backups.create({ onProgress: bar.listener }).finally(() => bar.stop());
        ctx.print(
          { event: 'created', backup: created, location: backups.location },
          `created ${describeBackup(created)}`,
        );
      }),
    );

  backup
    .command('list')
    .description('complete backups, newest first')
    .action(() =>
      withServices(async ({ backups }) => {
        const all = await backups.list();
        if (all.length === 0) ctx.print({ event: 'list', backups: [] }, `no backups in ${backups.location}`);
        for (const b of all) ctx.print({ event: 'backup', backup: b }, describeBackup(b));
      }),
    );

  backup
    .command('verify <name>')
    .description('check checksums, every line, counts and the ledger invariants inside a backup (no database needed)')
    .action(async (name: string) => {
      const bar = progress();
      const v = await ctx
        .backupFiles()
        .verify({ name, onProgress: bar.listener })
        .finally(() => bar.stop());
      ctx.print({ event: 'verified', verification: v }, describeVerification(v));
      if (!v.ok) process.exitCode = CHECK_FAILED_EXIT;
    });

  backup
    .command('restore <name>')
    .description('verify, then replace the database with a backup (all collections at once)')
    .option('--drop', 'replace collections that hold data (without it, only empty collections are restored)', false)
    .action((name: string, options: { drop: boolean }) =>
      withServices(async ({ backups }) => {
        const bar = progress();
        const r = await backups
          .restore({ name, drop: options.drop, actor: operator(), onProgress: bar.listener })
          .finally(() => bar.stop());
        ctx.print({ event: 'restored', restore: r }, `restored ${r.name}: ${r.documents} documents`);
      }),
    );

  backup
    .command('prune')
    .description('delete backups beyond BACKUP_RETENTION (never the only verified one)')
    .action(() =>
      withServices(async ({ backups }) => {
        const r = await backups.prune();
        ctx.print(
          { event: 'pruned', prune: r },
          `kept ${r.kept.length}, deleted ${r.deleted.length}${r.spared.length ? `, kept the only verified ${r.spared[0]}` : ''}`,
        );
      }),
    );
}

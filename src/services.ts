import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LogAlertSink } from './alerts/log-alert.sink.js';
import { FsBackupRepository } from './backups/fs-backup.repository.js';
import type { Config } from './config.js';
import { AccountService } from './domain/accounts/account.service.js';
import { BackupService } from './domain/backups/backup.service.js';
import { JobService } from './domain/jobs/job.service.js';
import { LedgerService } from './domain/ledger/ledger.service.js';
import { AnalysisService } from './domain/noi/analysis.service.js';
import type { StatementExtractor } from './domain/noi/statement-extractor.port.js';
import type { AlertSink, Clock, Logger } from './domain/ports/runtime.port.js';
import type { Store } from './domain/ports/store.port.js';
import { TOOL_VERSION } from './version.js';

/** Every domain service of a process, built once by the composition root. */
export interface Services {
  accounts: AccountService;
  ledger: LedgerService;
  analyses: AnalysisService;
  backups: BackupService;
  jobs: JobService;
}

export interface ServiceDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Reads pasted statements (OpenAI); absent without OPENAI_API_KEY. Built by the composition root. */
  statementExtractor?: StatementExtractor;
  /** Where failures are posted (the Discord sink when configured); the log otherwise. */
  alerts?: AlertSink;
}

export function buildServices(deps: ServiceDeps): Services {
  const { store, clock, config, logger } = deps;
  const ledger = new LedgerService({ store, clock });
  const alerts = deps.alerts ?? new LogAlertSink(logger);
  return {
    accounts: new AccountService({ store, clock }),
    ledger,
    analyses: new AnalysisService({
      store,
      clock,
      ledger,
      extractor: deps.statementExtractor,
      costCredits: config.ANALYSIS_COST_CREDITS,
      logger,
    }),
    backups: new BackupService({
      store,
      clock,
      logger,
      repository: new FsBackupRepository(config.backupDir),
      toolVersion: TOOL_VERSION,
      gzip: config.BACKUP_GZIP,
      retention: config.BACKUP_RETENTION,
    }),
    jobs: new JobService({
      store,
      clock,
      logger,
      alerts,
      holder: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    }),
  };
}

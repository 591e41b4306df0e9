import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Counter } from 'prom-client';
import { createAlertSink, type ManagedAlertSink } from './alerts/alert-sinks.js';
import { createChannelAlertSink } from './alerts/discord-channel.sink.js';
import { FsBackupRepository } from './backups/fs-backup.repository.js';
import { writtenCheckFor } from './backups/worker-written.check.js';
import type { Config } from './config.js';
import { AccountService } from './domain/accounts/account.service.js';
import { BackupCatalog } from './domain/backups/backup-catalog.js';
import { BackupService } from './domain/backups/backup.service.js';
import { JobService } from './domain/jobs/job.service.js';
import { CreditOverviewService } from './domain/ledger/credit-overview.service.js';
import { LedgerService } from './domain/ledger/ledger.service.js';
import { gateWrites } from './store/maintenance-gate.js';
import { MaintenanceService } from './domain/maintenance/maintenance.service.js';
import { AnalysisService } from './domain/noi/analysis.service.js';
import type { StatementExtractor } from './domain/noi/statement-extractor.port.js';
import { ClawbackService } from './domain/payments/clawback.service.js';
import type { PaymentProvider } from './domain/payments/payment-provider.port.js';
import { PaymentsService } from './domain/payments/payments.service.js';
import { PurchaseEffectsService } from './domain/payments/purchase-effects.service.js';
import { ReconciliationService } from './domain/payments/reconciliation.service.js';
import { StripeEventsService } from './domain/payments/stripe-events.service.js';
import type { Clock, Logger } from './domain/ports/runtime.port.js';
import type { Store } from './domain/ports/store.port.js';
import { BackupSupportService } from './domain/support/backup-support.service.js';
import { PaymentSupportService } from './domain/support/payment-support.service.js';
import { SupportService } from './domain/support/support.service.js';
import { createStripeClient } from './payments/stripe/stripe.client.js';
import { StripePaymentProvider } from './payments/stripe/stripe-payment.provider.js';
import { TOOL_VERSION } from './version.js';

/** Every domain service of a process, built once by the composition root. */
export interface Services {
  accounts: AccountService;
  ledger: LedgerService;
  analyses: AnalysisService;
  payments: PaymentsService;
  stripeEvents: StripeEventsService;
  reconciliation: ReconciliationService;
  backups: BackupService;
  jobs: JobService;
  maintenance: MaintenanceService;
  /** Alerts for on-call (log + Discord, coalesced); close it on shutdown. */
  alerts: ManagedAlertSink;
  support: SupportService;
  paymentSupport: PaymentSupportService;
  backupSupport: BackupSupportService;
  creditOverview: CreditOverviewService;
}

export interface ServiceDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Reads pasted statements (OpenAI); absent without OPENAI_API_KEY. Built by the composition root. */
  statementExtractor?: StatementExtractor;
  /** Defaults: built from config (Stripe when STRIPE_SECRET_KEY is set; log + Discord webhook alerts). */
  paymentProvider?: PaymentProvider | null;
  alerts?: ManagedAlertSink;
  /** Alerts sent / failed, for /metrics. */
  alertResults?: Counter<'result'>;
}

export function buildServices(deps: ServiceDeps): Services {
  const { config, clock, logger } = deps;
  // Every service writes through the maintenance gate; only backups (restore journal, audit of the
  // restore, staging) and the switch itself see the store without it.
  const raw = deps.store;
  const store = gateWrites(raw);
  const maintenance = new MaintenanceService({ store: raw, clock, logger });
  const accounts = new AccountService({ store, clock });
  const ledger = new LedgerService({ store, clock });
  const channel = createChannelAlertSink(config, logger);
  const alerts =
    deps.alerts ?? createAlertSink(config, logger, { extra: channel ? [channel] : [], results: deps.alertResults });
  const provider = deps.paymentProvider !== undefined ? deps.paymentProvider : stripeProvider(config);
  const effects = new PurchaseEffectsService({ store, clock, ledger });
  const clawbacks = new ClawbackService({ store, clock, ledger });
  const stripeEvents = new StripeEventsService({ store, clock, effects, clawbacks, alerts, logger, provider });
  const support = new SupportService({ store, clock, accounts, ledger, confirmAbove: config.SUPPORT_CONFIRM_ABOVE });
  const jobs = new JobService({
    store,
    clock,
    logger,
    alerts,
    maintenance,
    runRetentionDays: config.JOB_RUNS_RETENTION_DAYS,
    holder: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
  });
  const backups = new BackupService({
    store: raw,
    lease: jobs,
    maintenance,
    clock,
    logger,
    repository: new FsBackupRepository(config.backupDir),
    toolVersion: TOOL_VERSION,
    gzip: config.BACKUP_GZIP,
    retention: config.BACKUP_RETENTION,
    writtenCheck: writtenCheckFor,
  });
  return {
    accounts,
    ledger,
    analyses: new AnalysisService({
      store,
      clock,
      ledger,
      extractor: deps.statementExtractor,
      costCredits: config.ANALYSIS_COST_CREDITS,
      logger,
    }),
    payments: new PaymentsService({
      store,
      clock,
      provider,
      packages: config.creditPackages,
      successUrl: config.CHECKOUT_SUCCESS_URL,
      cancelUrl: config.CHECKOUT_CANCEL_URL,
    }),
    stripeEvents,
    reconciliation: new ReconciliationService({ store, clock, effects, alerts, logger, provider }),
    backups,
    jobs,
    maintenance,
    alerts,
    support,
    paymentSupport: new PaymentSupportService({ store, clock, support, provider, effects, stripeEvents }),
    backupSupport: new BackupSupportService({ store, clock, backups, jobs }),
    creditOverview: new CreditOverviewService({ store, clock }),
  };
}

/** The backups of BACKUP_DIR as their files tell (list, verify), for a process without a database. */
export function buildBackupCatalog(config: Config, deps: { clock: Clock; logger: Logger }): BackupCatalog {
  return new BackupCatalog({
    ...deps,
    repository: new FsBackupRepository(config.backupDir),
    toolVersion: TOOL_VERSION,
  });
}

function stripeProvider(config: Config): PaymentProvider | null {
  const stripe = createStripeClient(config);
  return stripe ? new StripePaymentProvider(stripe) : null;
}

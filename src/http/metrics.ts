import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobService } from '../domain/jobs/job.service.js';
import type { JobRun } from '../domain/jobs/job.types.js';

/**
 * One registry per process (GET /metrics). Every label has a closed set of values: routes come from
 * the matched express route (anything unmatched is one `unmatched` value), GraphQL operations from
 * the schema's root fields (`other` otherwise), so a scanner cannot create new series.
 */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  graphqlDuration: Histogram<'operation' | 'outcome'>;
  ledgerMovements: Counter<'kind'>;
  webhookEvents: Counter<'outcome'>;
  jobRuns: Counter<'job' | 'outcome'>;
  alerts: Counter<'result'>;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, matched route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: SECONDS,
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL operation duration by root field (other: several fields, unknown or invalid) and outcome',
      labelNames: ['operation', 'outcome'] as const,
      buckets: SECONDS,
      registers,
    }),
    ledgerMovements: new Counter({
      name: 'ledger_movements_total',
      help: 'Committed ledger entries by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    webhookEvents: new Counter({
      name: 'stripe_webhook_events_total',
      help: 'Stripe webhook deliveries by outcome (processed, duplicate, ignored, failed, rejected, unconfigured, maintenance)',
      labelNames: ['outcome'] as const,
      registers,
    }),
    jobRuns: new Counter({
      name: 'job_runs_total',
      help: 'Scheduled job runs of this process by job and outcome',
      labelNames: ['job', 'outcome'] as const,
      registers,
    }),
    alerts: new Counter({
      name: 'alerts_total',
      help: 'Alerts for on-call by result (sent, failed)',
      labelNames: ['result'] as const,
      registers,
    }),
  };
}

/**
 * The last successful backup, read at scrape time: whichever process ran it (the worker), every API
 * replica reports the same value. Both gauges of one scrape share one read.
 */
export function watchBackups(metrics: Metrics, jobs: Pick<JobService, 'lastSucceeded'>): void {
  let reading: Promise<JobRun | null> | null = null;
  const last = () =>
    (reading ??= jobs.lastSucceeded('backup').finally(() => {
      reading = null;
    }));
  new Gauge({
    name: 'backup_last_success_timestamp_seconds',
    help: 'When the last successful backup started (0: none yet)',
    registers: [metrics.registry],
    async collect() {
      const run = await last();
      this.set(run ? run.startedAt.getTime() / 1000 : 0);
    },
  });
  new Gauge({
    name: 'backup_last_success_bytes',
    help: 'Size of the last successful backup',
    registers: [metrics.registry],
    async collect() {
      const bytes = (await last())?.summary?.bytes;
      this.set(typeof bytes === 'number' ? bytes : 0);
    },
  });
}

import { DomainError, badInput } from '../errors.js';
import type { ExclusiveOptions, LeaseRunner } from '../ports/lease.port.js';
import type { JobRunDoc } from '../ports/documents.js';
import type { AlertSink, Clock, Logger } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { ActiveRuns, type ShutdownReport } from './active-runs.js';
import { JobLeases, type Acquired } from './job-lease.js';
import { JobRepository } from './job.repository.js';
import { toJobRun, type JobRun, type JobWork, type ListRunsInput, type RunOptions } from './job.types.js';

export interface JobServiceOptions {
  store: Store;
  clock: Clock;
  alerts: AlertSink;
  logger: Logger;
  /** Who this instance is, in leases and runs (host:pid:random by default at the composition root). */
  holder: string;
  /** How long a lease lasts without renewal: a crashed holder blocks its job at most this long. */
  leaseMs?: number;
  /** How often a running job renews its lease (default a third of `leaseMs`). */
  renewEveryMs?: number;
  /** Reads the maintenance switch: scheduled work is skipped while it is on. */
  maintenance?: { current(): Promise<{ reason: string } | null> };
  /** How long a finished run stays in `jobRuns` before the TTL index deletes it (JOB_RUNS_RETENTION_DAYS). */
  runRetentionDays?: number;
}

/** After a shutdown aborts a run's signal, how long the work gets to stop by itself before it is cut loose. */
export const ABORT_SETTLE_MS = 1000;
const DAY_MS = 86_400_000;

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Runs scheduled jobs so that each runs once across every instance sharing the database: a run
 * takes the job's lease in `jobLocks` with one conditional upsert (it wins only if the lease has
 * expired and its schedule slot has not run yet), renews it while working, and gives it back at
 * the end. Every run — succeeded, failed or skipped — is recorded in `jobRuns`; failures alert.
 */
export class JobService implements LeaseRunner {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly alerts: AlertSink;
  private readonly logger: Logger;
  readonly holder: string;
  private readonly renewEveryMs: number;
  private readonly running = new Set<string>();
  private readonly active = new ActiveRuns();
  private readonly maintenance: JobServiceOptions['maintenance'];
  private readonly retentionMs: number;
  private readonly repo: JobRepository;
  private readonly leases: JobLeases;

  constructor(options: JobServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.alerts = options.alerts;
    this.logger = options.logger;
    this.holder = options.holder;
    const leaseMs = options.leaseMs ?? 5 * 60_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(leaseMs / 3);
    this.maintenance = options.maintenance;
    this.retentionMs = (options.runRetentionDays ?? 90) * DAY_MS;
    this.repo = new JobRepository(options);
    this.leases = new JobLeases({ ...options, repo: this.repo, leaseMs });
  }

  async run(job: string, work: JobWork, options: RunOptions = {}): Promise<JobRun> {
    const startedAt = this.clock.now();
    const leaseName = options.lease ?? job;
    if (this.active.closing) return this.skip(job, startedAt, 'this instance is shutting down');
    if (this.running.has(leaseName))
      return this.skip(job, startedAt, `the previous ${leaseName} run on this instance is still going`);
    this.running.add(leaseName);
    try {
      let lease: Acquired;
      try {
        const paused = options.duringMaintenance ? null : await this.maintenance?.current();
        if (paused) return await this.skip(job, startedAt, `maintenance: ${paused.reason}`);
        lease = await this.leases.acquire(leaseName, options.slot ?? startedAt, startedAt);
      } catch (error) {
        return await this.failBeforeStart(job, startedAt, error);
      }
      if (!lease.acquired) return await this.skip(job, startedAt, lease.reason);
      return await this.execute(job, leaseName, work, startedAt, options.alert ?? true);
    } finally {
      this.running.delete(leaseName);
    }
  }

  async exclusive<T>(
    lease: string,
    work: (signal: AbortSignal) => Promise<T>,
    options: ExclusiveOptions<T> = {},
  ): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined;
    const run = await this.run(
      options.run ?? lease,
      async (signal) => {
        try {
          const value = await work(signal);
          outcome = { value };
          return { summary: options.summary?.(value) };
        } catch (error) {
          outcome = { error };
          throw error;
        }
      },
      { lease, duringMaintenance: options.duringMaintenance, alert: false },
    );
    if (outcome && 'value' in outcome) return outcome.value;
    if (outcome) throw outcome.error;
    if (run.outcome === 'skipped')
      throw new DomainError('CONFLICT', `${lease} is busy: ${String(run.summary?.reason ?? 'lease held')}`);
    throw new DomainError('INTERNAL', `${run.job} did not complete: ${run.error ?? 'unknown error'}`);
  }

  /**
   * Graceful shutdown: refuses new runs at once, waits up to `graceMs` for the runs in progress, then
   * aborts their signals, records them as failed (interrupted) and gives their leases back, so another
   * instance can take the job at once instead of waiting for the lease to expire.
   */
  async shutdown(graceMs: number, settleMs = ABORT_SETTLE_MS): Promise<ShutdownReport> {
    const report = await this.active.drain(graceMs, settleMs);
    for (const r of report.interrupted)
      this.logger.warn(
        { job: r.job, runId: r.runId, leaseReleased: r.leaseReleased },
        `job ${r.job} interrupted by shutdown; ${r.leaseReleased ? 'lease released' : 'lease NOT released: it will expire'}`,
      );
    return report;
  }

  /** Newest first. */
  async listRuns(input: ListRunsInput = {}): Promise<JobRun[]> {
    const first = input.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first: must be between 1 and 100');
    return (await this.repo.listRuns(input.job, first)).map(toJobRun);
  }

  /** The newest successful run of a job (what the backup metrics report), whichever instance ran it. */
  async lastSucceeded(job: string): Promise<JobRun | null> {
    const doc = await this.repo.lastSucceeded(job);
    return doc && toJobRun(doc);
  }

  async getRun(id: string): Promise<JobRun | null> {
    const doc = await this.repo.run(id);
    return doc && toJobRun(doc);
  }

  private async execute(job: string, lease: string, work: JobWork, startedAt: Date, alert: boolean): Promise<JobRun> {
    const run: JobRunDoc = { _id: this.store.newId(), job, lease, holder: this.holder, startedAt, outcome: 'running' };
    const fence = new AbortController();
    const tracked = this.active.track(job, run._id, fence);
    let released = false;
    try {
      const renewal = setInterval(() => void this.leases.renew(lease, fence), this.renewEveryMs);
      renewal.unref();
      try {
        await this.closeAbandoned(lease, startedAt);
        await this.repo.insertRun(run);
        const result = (await tracked.race(work(fence.signal))) ?? {};
        run.outcome = result.problem ? 'failed' : 'succeeded';
        if (result.problem) run.error = result.problem;
        if (result.summary) run.summary = result.summary;
      } catch (error) {
        run.outcome = 'failed';
        run.error = describe(error);
      } finally {
        clearInterval(renewal);
      }
      const finishedAt = this.clock.now();
      Object.assign(run, {
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        expireAt: this.expireAt(finishedAt),
      });
      // Recorded before the lease is given back: whoever takes it next sees this run closed.
      await this.repo
        .finishRun(run)
        .catch((e: unknown) => this.logger.error({ err: e, job }, 'could not record the job run'));
      released = await this.leases.release(lease);
      const log = { job, runId: run._id, outcome: run.outcome, durationMs: run.durationMs, summary: run.summary };
      if (run.outcome === 'failed') {
        this.logger.error({ ...log, error: run.error }, `job ${job} failed`);
        if (alert) await this.alert(job, run);
      } else this.logger.info(log, `job ${job} succeeded`);
      return toJobRun(run);
    } finally {
      tracked.end(released);
    }
  }

  /**
   * Runs of this lease still marked running by another holder: that holder stopped renewing the
   * lease (this instance could not have taken it otherwise), so they will never finish. Closed as
   * failed with the reason; best effort, the run taking over goes ahead either way.
   */
  private async closeAbandoned(lease: string, now: Date): Promise<void> {
    try {
      for (const open of await this.repo.openRunsOf(lease, this.holder)) {
        const error = `abandoned: ${open.holder} stopped renewing the ${lease} lease during this run; closed by ${this.holder} when it took the lease`;
        const closed = await this.repo.closeOpenRun(open._id, {
          outcome: 'failed',
          error,
          finishedAt: now,
          expireAt: this.expireAt(now),
        });
        if (!closed) continue;
        this.logger.warn({ job: open.job, runId: open._id, holder: open.holder }, `job ${open.job} run abandoned`);
        await this.alert(open.job, { ...open, error }, 'warning');
      }
    } catch (error) {
      this.logger.warn({ err: error, lease }, 'could not close the runs a previous holder left open');
    }
  }

  private expireAt(finishedAt: Date): Date {
    return new Date(finishedAt.getTime() + this.retentionMs);
  }

  private async skip(job: string, at: Date, reason: string): Promise<JobRun> {
    this.logger.info({ job, outcome: 'skipped', reason }, `job ${job} skipped`);
    const run = this.instantRun(job, at, { outcome: 'skipped', summary: { reason } });
    await this.record(run);
    return toJobRun(run);
  }

  /** The lease could not even be asked for (database down…): nothing ran, but someone must know. */
  private async failBeforeStart(job: string, at: Date, error: unknown): Promise<JobRun> {
    this.logger.error({ job, err: error }, `job ${job} failed before starting`);
    const run = this.instantRun(job, at, {
      outcome: 'failed',
      error: `could not take the job lease: ${describe(error)}`,
    });
    await this.record(run);
    await this.alert(job, run);
    return toJobRun(run);
  }

  /** A run that took no time: skipped, or failed before starting. */
  private instantRun(job: string, at: Date, result: Pick<JobRunDoc, 'outcome' | 'summary' | 'error'>): JobRunDoc {
    return {
      _id: this.store.newId(),
      job,
      holder: this.holder,
      startedAt: at,
      finishedAt: at,
      durationMs: 0,
      expireAt: this.expireAt(at),
      ...result,
    };
  }

  /** Recording a run that did nothing is best effort: the log line above already tells. */
  private async record(run: JobRunDoc): Promise<void> {
    await this.repo
      .insertRun(run)
      .catch((e: unknown) => this.logger.warn({ err: e, job: run.job }, 'could not record the job run'));
  }

  private async alert(job: string, run: JobRunDoc, severity: 'critical' | 'warning' = 'critical'): Promise<void> {
    try {
      await this.alerts.send({
        severity,
        title: `Scheduled job ${job} failed`,
        body: `${run.error ?? 'unknown error'} (run ${run._id} on ${run.holder}${run.durationMs === undefined ? '' : `, ${run.durationMs} ms`})`,
        action: `Check the logs for run ${run._id}; the job runs again at its next slot.`,
        key: `job:${job}`,
      });
    } catch (error) {
      this.logger.error({ err: error, job }, 'could not post the job failure alert');
    }
  }
}

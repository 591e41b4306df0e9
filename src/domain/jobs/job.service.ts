import { DomainError, badInput } from '../errors.js';
import type { ExclusiveOptions, LeaseRunner } from '../ports/lease.port.js';
import type { JobRunDoc } from '../ports/documents.js';
import type { AlertSink, Clock, Logger } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
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
}

type Acquired = { acquired: true } | { acquired: false; reason: string };

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
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly running = new Set<string>();
  private readonly maintenance: JobServiceOptions['maintenance'];
  private readonly repo: JobRepository;

  constructor(options: JobServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.alerts = options.alerts;
    this.logger = options.logger;
    this.holder = options.holder;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.leaseMs / 3);
    this.maintenance = options.maintenance;
    this.repo = new JobRepository(options);
  }

  async run(job: string, work: JobWork, options: RunOptions = {}): Promise<JobRun> {
    const startedAt = this.clock.now();
    const leaseName = options.lease ?? job;
    if (this.running.has(leaseName))
      return this.skip(job, startedAt, `the previous ${leaseName} run on this instance is still going`);
    this.running.add(leaseName);
    try {
      let lease: Acquired;
      try {
        const paused = options.duringMaintenance ? null : await this.maintenance?.current();
        if (paused) return await this.skip(job, startedAt, `maintenance: ${paused.reason}`);
        lease = await this.acquire(leaseName, options.slot ?? startedAt, startedAt);
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
    throw new DomainError('INTERNAL', `${run.job} could not start: ${run.error ?? 'unknown error'}`);
  }

  /** Newest first. */
  async listRuns(input: ListRunsInput = {}): Promise<JobRun[]> {
    const first = input.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > 100) throw badInput('first: must be between 1 and 100');
    return (await this.repo.listRuns(input.job, first)).map(toJobRun);
  }

  async getRun(id: string): Promise<JobRun | null> {
    const doc = await this.repo.run(id);
    return doc && toJobRun(doc);
  }

  private async execute(job: string, lease: string, work: JobWork, startedAt: Date, alert: boolean): Promise<JobRun> {
    const run: JobRunDoc = { _id: this.store.newId(), job, holder: this.holder, startedAt, outcome: 'running' };
    const fence = new AbortController();
    const renewal = setInterval(() => void this.renew(lease, fence), this.renewEveryMs);
    renewal.unref();
    try {
      await this.repo.insertRun(run);
      const result = (await work(fence.signal)) ?? {};
      run.outcome = result.problem ? 'failed' : 'succeeded';
      if (result.problem) run.error = result.problem;
      if (result.summary) run.summary = result.summary;
    } catch (error) {
      run.outcome = 'failed';
      run.error = describe(error);
    } finally {
      clearInterval(renewal);
      await this.release(lease);
    }
    const finishedAt = this.clock.now();
    Object.assign(run, { finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime() });
    await this.repo
      .finishRun(run)
      .catch((e: unknown) => this.logger.error({ err: e, job }, 'could not record the job run'));
    const log = { job, runId: run._id, outcome: run.outcome, durationMs: run.durationMs, summary: run.summary };
    if (run.outcome === 'failed') {
      this.logger.error({ ...log, error: run.error }, `job ${job} failed`);
      if (alert) await this.alert(job, run);
    } else this.logger.info(log, `job ${job} succeeded`);
    return toJobRun(run);
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
      ...result,
    };
  }

  /** Recording a run that did nothing is best effort: the log line above already tells. */
  private async record(run: JobRunDoc): Promise<void> {
    await this.repo
      .insertRun(run)
      .catch((e: unknown) => this.logger.warn({ err: e, job: run.job }, 'could not record the job run'));
  }

  private async acquire(job: string, slot: Date, now: Date): Promise<Acquired> {
    if (await this.repo.takeLease(job, { holder: this.holder, now, expiresAt: this.expiry(), slot }))
      return { acquired: true };
    const lock = await this.repo.lease(job);
    if (lock && lock.expiresAt > now)
      return { acquired: false, reason: `lease held by ${lock.holder} until ${lock.expiresAt.toISOString()}` };
    return { acquired: false, reason: `slot ${slot.toISOString()} already ran` };
  }

  private expiry(): Date {
    return new Date(this.clock.now().getTime() + this.leaseMs);
  }

  /**
   * A renewal that fails means another holder may take the lease once it expires: the work is told
   * to stop (its signal aborts) rather than risk two holders running the same job.
   */
  private async renew(job: string, fence: AbortController): Promise<void> {
    if (fence.signal.aborted) return;
    try {
      const kept = await this.repo.extendLease(job, this.holder, this.expiry());
      if (kept) return;
      this.logger.warn({ job, holder: this.holder }, 'job lease lost while running; stopping the work');
      fence.abort(new DomainError('CONFLICT', `the ${job} lease was lost while running`));
    } catch (error) {
      this.logger.warn({ err: error, job }, 'could not renew the job lease; stopping the work');
      fence.abort(new DomainError('CONFLICT', `the ${job} lease could not be renewed`));
    }
  }

  private async release(job: string): Promise<void> {
    await this.repo
      .extendLease(job, this.holder, this.clock.now())
      .catch((e: unknown) => this.logger.warn({ err: e, job }, 'could not release the job lease; it will expire'));
  }

  private async alert(job: string, run: JobRunDoc): Promise<void> {
    try {
      await this.alerts.send({
        severity: 'critical',
        title: `Scheduled job ${job} failed`,
        body: `${run.error ?? 'unknown error'} (run ${run._id} on ${run.holder}, ${run.durationMs} ms)`,
        action: `Check the logs for run ${run._id}; the job runs again at its next slot.`,
        key: `job:${job}`,
      });
    } catch (error) {
      this.logger.error({ err: error, job }, 'could not post the job failure alert');
    }
  }
}

import { badInput } from '../errors.js';
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
}

type Acquired = { acquired: true } | { acquired: false; reason: string };

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Runs scheduled jobs so that each runs once across every instance sharing the database: a run
 * takes the job's lease in `jobLocks` with one conditional upsert (it wins only if the lease has
 * expired and its schedule slot has not run yet), renews it while working, and gives it back at
 * the end. Every run — succeeded, failed or skipped — is recorded in `jobRuns`; failures alert.
 */
export class JobService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly alerts: AlertSink;
  private readonly logger: Logger;
  readonly holder: string;
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly running = new Set<string>();
  private readonly repo: JobRepository;

  constructor(options: JobServiceOptions) {
    this.store = options.store;
    this.clock = options.clock;
    this.alerts = options.alerts;
    this.logger = options.logger;
    this.holder = options.holder;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.renewEveryMs = options.renewEveryMs ?? Math.floor(this.leaseMs / 3);
    this.repo = new JobRepository(options);
  }

  async run(job: string, work: JobWork, options: RunOptions = {}): Promise<JobRun> {
    const startedAt = this.clock.now();
    if (this.running.has(job)) return this.skip(job, startedAt, 'the previous run on this instance is still going');
    this.running.add(job);
    try {
      let lease: Acquired;
      try {
        lease = await this.acquire(job, options.slot ?? startedAt, startedAt);
      } catch (error) {
        return await this.failBeforeStart(job, startedAt, error);
      }
      if (!lease.acquired) return await this.skip(job, startedAt, lease.reason);
      return await this.execute(job, work, startedAt);
    } finally {
      this.running.delete(job);
    }
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

  private async execute(job: string, work: JobWork, startedAt: Date): Promise<JobRun> {
    const run: JobRunDoc = { _id: this.store.newId(), job, holder: this.holder, startedAt, outcome: 'running' };
    const renewal = setInterval(() => void this.renew(job), this.renewEveryMs);
    renewal.unref();
    try {
      await this.repo.insertRun(run);
      const result = (await work()) ?? {};
      run.outcome = result.problem ? 'failed' : 'succeeded';
      if (result.problem) run.error = result.problem;
      if (result.summary) run.summary = result.summary;
    } catch (error) {
      run.outcome = 'failed';
      run.error = describe(error);
    } finally {
      clearInterval(renewal);
      await this.release(job);
    }
    const finishedAt = this.clock.now();
    Object.assign(run, { finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime() });
    await this.repo
      .finishRun(run)
      .catch((e: unknown) => this.logger.error({ err: e, job }, 'could not record the job run'));
    const log = { job, runId: run._id, outcome: run.outcome, durationMs: run.durationMs, summary: run.summary };
    if (run.outcome === 'failed') {
      this.logger.error({ ...log, error: run.error }, `job ${job} failed`);
      await this.alert(job, run);
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

  private async renew(job: string): Promise<void> {
    try {
      const kept = await this.repo.extendLease(job, this.holder, this.expiry());
      if (!kept) this.logger.warn({ job, holder: this.holder }, 'job lease lost while running');
    } catch (error) {
      this.logger.warn({ err: error, job }, 'could not renew the job lease');
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

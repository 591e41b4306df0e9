import { DuplicateKeyError } from '../errors.js';
import type { JobLockDoc, JobRunDoc } from '../ports/documents.js';
import type { Store } from '../ports/store.port.js';

/**
 * `jobLocks` (one lease document per job) and `jobRuns` (the history). A lease is taken with one
 * conditional upsert: it matches only an expired lease whose last slot is older, and otherwise the
 * upsert collides with the existing `_id` — the losing instance sees DuplicateKeyError.
 */
export class JobRepository {
  constructor(private readonly o: { store: Store }) {}

  private get locks() {
    return this.o.store.collection('jobLocks');
  }

  private get runs() {
    return this.o.store.collection('jobRuns');
  }

  /** True when this holder now has the lease; false when another holds it or the slot already ran. */
  async takeLease(job: string, lease: { holder: string; now: Date; expiresAt: Date; slot: Date }): Promise<boolean> {
    try {
      await this.locks.updateOne(
        {
          _id: job,
          expiresAt: { $lte: lease.now },
          $or: [{ lastSlot: { $exists: false } }, { lastSlot: { $lt: lease.slot } }],
        },
        { $set: { holder: lease.holder, acquiredAt: lease.now, expiresAt: lease.expiresAt, lastSlot: lease.slot } },
        { upsert: true },
      );
      return true;
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      return false;
    }
  }

  lease(job: string): Promise<JobLockDoc | null> {
    return this.locks.findOne({ _id: job });
  }

  /** Moves the holder's lease expiry; null when the holder no longer has it. */
  extendLease(job: string, holder: string, expiresAt: Date): Promise<JobLockDoc | null> {
    return this.locks.updateOne({ _id: job, holder }, { $set: { expiresAt } });
  }

  async insertRun(run: JobRunDoc): Promise<void> {
    await this.runs.insertOne(run);
  }

  async finishRun(run: JobRunDoc): Promise<void> {
    const { _id, ...finished } = run;
    await this.runs.updateOne({ _id }, { $set: finished });
  }

  /**
   * Runs of a lease still marked running by a holder other than `holder`. Runs recorded before runs
   * named their lease are matched by job name (a job's lease is named after it by default).
   */
  openRunsOf(lease: string, holder: string): Promise<JobRunDoc[]> {
    return this.runs.find(
      { outcome: 'running', holder: { $ne: holder }, $or: [{ lease }, { lease: { $exists: false }, job: lease }] },
      { sort: { startedAt: 1, _id: 1 } },
    );
  }

  /** Closes a run only if it is still running: a holder that finishes it itself keeps its own outcome. */
  async closeOpenRun(id: string, closed: Pick<JobRunDoc, 'outcome' | 'error' | 'finishedAt' | 'expireAt'>) {
    return (await this.runs.updateOne({ _id: id, outcome: 'running' }, { $set: closed })) !== null;
  }

  run(id: string): Promise<JobRunDoc | null> {
    return this.runs.findOne({ _id: id });
  }

  /** The newest run of `job` that succeeded, if any. */
  lastSucceeded(job: string): Promise<JobRunDoc | null> {
    return this.runs.findOne({ job, outcome: 'succeeded' }, { sort: { startedAt: -1, _id: -1 } });
  }

  /** Newest first. */
  listRuns(job: string | undefined, limit: number): Promise<JobRunDoc[]> {
    return this.runs.find(job ? { job } : {}, { sort: { startedAt: -1, _id: -1 }, limit });
  }
}

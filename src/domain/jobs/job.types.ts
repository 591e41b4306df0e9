import type { JobRunDoc } from '../ports/documents.js';

/** What a job reports: a summary for `jobRuns`, and a problem when it ran but found something wrong. */
export interface JobResult {
  summary?: Record<string, unknown>;
  /** Set when the job ran to the end but its outcome needs a human (ledger drift…): the run fails and alerts. */
  problem?: string;
}
/** `signal` aborts when the lease could not be renewed: stop before the next irreversible step. */
export type JobWork = (signal: AbortSignal) => Promise<JobResult | void>;

export interface JobRun {
  id: string;
  job: string;
  holder: string;
  startedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  outcome: JobRunDoc['outcome'];
  error: string | null;
  summary: Record<string, unknown> | null;
}

export const toJobRun = (d: JobRunDoc): JobRun => ({
  id: d._id,
  job: d.job,
  holder: d.holder,
  startedAt: d.startedAt,
  finishedAt: d.finishedAt ?? null,
  durationMs: d.durationMs ?? null,
  outcome: d.outcome,
  error: d.error ?? null,
  summary: d.summary ?? null,
});

export interface RunOptions {
  /**
   * The schedule slot this run is for (the time the cron expression matched). Instances firing for
   * the same slot run it once between them; a run on demand uses the current time.
   */
  slot?: Date;
  /** The `jobLocks` lease the run takes (defaults to the job's name): a restore shares the backup's. */
  lease?: string;
  /** Run even while maintenance is on (the restore itself, recovery from an interrupted one). */
  duringMaintenance?: boolean;
  /** Alert on-call when the run fails (default true; false when the caller gets the error itself). */
  alert?: boolean;
}

export interface ListRunsInput {
  job?: string;
  first?: number;
}

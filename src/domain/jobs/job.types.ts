import type { JobRunDoc } from '../ports/documents.js';

/** What a job reports: a summary for `jobRuns`, and a problem when it ran but found something wrong. */
export interface JobResult {
  summary?: Record<string, unknown>;
  /** Set when the job ran to the end but its outcome needs a human (ledger drift…): the run fails and alerts. */
  problem?: string;
}
export type JobWork = () => Promise<JobResult | void>;

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
}

export interface ListRunsInput {
  job?: string;
  first?: number;
}

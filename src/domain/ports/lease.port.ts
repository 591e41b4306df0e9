/**
 * Exclusive work under a job lease (`jobLocks`), as services that are not jobs need it: a manual
 * backup, a restore. The JobService provides it; declared as a port because services must not
 * import the jobs folder.
 */
export interface ExclusiveOptions<T> {
  /** Name of the run in `jobRuns` (defaults to the lease name). */
  run?: string;
  /** Runs even while maintenance is on (the restore that turned it on, or recovers from it). */
  duringMaintenance?: boolean;
  /** What `jobRuns` records of the result. */
  summary?: (result: T) => Record<string, unknown>;
}

export interface LeaseRunner {
  /**
   * Runs `work` while holding the lease `lease` on every instance, recorded in `jobRuns`. `signal`
   * aborts when the lease can no longer be renewed: work must stop before its next irreversible
   * step. Fails with CONFLICT when another holder has the lease; rethrows what `work` throws.
   */
  exclusive<T>(lease: string, work: (signal: AbortSignal) => Promise<T>, options?: ExclusiveOptions<T>): Promise<T>;
}

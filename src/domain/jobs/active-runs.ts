/** What a shutdown did with the runs that were going on this instance when it began. */
export interface ShutdownReport {
  /** Runs that ended on their own within the grace period (their own outcome is recorded). */
  finished: Array<{ job: string; runId: string }>;
  /** Runs still going when the grace period ended: aborted, recorded as failed, lease given back. */
  interrupted: Array<{ job: string; runId: string; leaseReleased: boolean }>;
}

interface Active {
  job: string;
  runId: string;
  fence: AbortController;
  interrupt: (reason: Error) => void;
  settled: Promise<void>;
  done: boolean;
  leaseReleased: boolean;
}

/** The handle `execute` keeps on its run. */
export interface TrackedRun {
  /** The work's result, unless a shutdown interrupts the wait first (then it rejects with the reason). */
  race<T>(work: Promise<T>): Promise<T>;
  /** The run is recorded and its lease handled: a waiting shutdown may go on. */
  end(leaseReleased: boolean): void;
}

/** Resolves true when `p` settles within `ms`, false otherwise; never rejects. */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    void p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * The runs in progress on this instance. A shutdown first refuses new runs, waits a bounded time for
 * these to end, then aborts their signals; work that ignores its signal is no longer waited for —
 * the run is recorded as interrupted and its lease given back at once, so another instance can take
 * the job without waiting for the lease to expire.
 */
export class ActiveRuns {
  private readonly runs = new Map<string, Active>();
  private closingSince: Promise<ShutdownReport> | null = null;

  get closing(): boolean {
    return this.closingSince !== null;
  }

  track(job: string, runId: string, fence: AbortController): TrackedRun {
    let interrupt!: (reason: Error) => void;
    const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
    // Interrupted before the work started (recording the run was slow): nothing else listens yet.
    interrupted.catch(() => undefined);
    let end!: () => void;
    const settled = new Promise<void>((resolve) => (end = resolve));
    const entry: Active = { job, runId, fence, interrupt, settled, done: false, leaseReleased: false };
    this.runs.set(runId, entry);
    return {
      race: (work) => Promise.race([work, interrupted]),
      end: (leaseReleased) => {
        entry.done = true;
        entry.leaseReleased = leaseReleased;
        this.runs.delete(runId);
        end();
      },
    };
  }

  /** Idempotent: a second signal gets the first shutdown's report. */
  drain(graceMs: number, settleMs: number): Promise<ShutdownReport> {
    this.closingSince ??= this.waitThenInterrupt(graceMs, settleMs);
    return this.closingSince;
  }

  private async waitThenInterrupt(graceMs: number, settleMs: number): Promise<ShutdownReport> {
    const all = [...this.runs.values()];
    await within(Promise.all(all.map((r) => r.settled)), graceMs);
    const late = all.filter((r) => !r.done);
    const reason = new Error(
      `interrupted: this instance shut down before the run finished (it waited ${graceMs} ms for it)`,
    );
    for (const r of late) r.fence.abort(reason);
    // Work that honours its signal stops at its next step and records why; the rest is cut loose.
    await within(Promise.all(late.map((r) => r.settled)), settleMs);
    for (const r of late) if (!r.done) r.interrupt(reason);
    await Promise.all(late.map((r) => r.settled));
    return {
      finished: all.filter((r) => !late.includes(r)).map((r) => ({ job: r.job, runId: r.runId })),
      interrupted: late.map((r) => ({ job: r.job, runId: r.runId, leaseReleased: r.leaseReleased })),
    };
  }
}

import { DomainError } from '../errors.js';
import type { Clock } from '../ports/runtime.port.js';

/** The window is the least history MongoDB keeps, not a promise: stop with a tenth of it to spare. */
const MARGIN = 0.9;
/** Project the duration only once enough has been read for the rate to mean something. */
const MIN_SAMPLE = 1_000;

export function snapshotWindowError(windowSeconds: number, seconds: number, projected: boolean): DomainError {
  const took = projected ? `would take about ${Math.ceil(seconds)} s` : `has been running ${Math.ceil(seconds)} s`;
  return new DomainError(
    'CONFIGURATION',
    `backup stopped: it ${took}, longer than MongoDB keeps a snapshot readable ` +
      `(minSnapshotHistoryWindowInSeconds = ${windowSeconds} s). Raise minSnapshotHistoryWindowInSeconds ` +
      'on the server (more history in the WiredTiger cache), or back up this database with ' +
      'mongodump --oplog from a secondary. No backup was written.',
    { windowSeconds, seconds: Math.ceil(seconds), projected },
  );
}

/**
 * Stops a backup before it outlasts the snapshot it reads (a read past the window fails with
 * SnapshotTooOld, after minutes of work): after each batch, if the time spent so far, or the time
 * projected from the documents read so far, is beyond the window.
 */
export class SnapshotWindowGuard {
  constructor(
    private readonly o: {
      windowSeconds: number | null;
      totalDocuments: number;
      startedAt: Date;
      clock: Clock;
      signal?: AbortSignal;
    },
  ) {}

  check(documentsDone: number): void {
    this.o.signal?.throwIfAborted();
    const window = this.o.windowSeconds;
    if (window === null) return;
    const budget = window * MARGIN;
    const elapsed = (this.o.clock.now().getTime() - this.o.startedAt.getTime()) / 1000;
    if (elapsed > budget) throw snapshotWindowError(window, elapsed, false);
    const sample = Math.max(MIN_SAMPLE, Math.ceil(this.o.totalDocuments * 0.05));
    if (documentsDone < sample || documentsDone >= this.o.totalDocuments) return;
    const projected = (elapsed / documentsDone) * this.o.totalDocuments;
    if (projected > budget) throw snapshotWindowError(window, projected, true);
  }
}

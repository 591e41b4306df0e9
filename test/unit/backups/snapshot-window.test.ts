import { describe, expect, it } from 'vitest';
import { SnapshotWindowGuard } from '../../../src/domain/backups/snapshot-window.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const guard = (windowSeconds: number | null, totalDocuments: number, clock: ManualClock) =>
  new SnapshotWindowGuard({ windowSeconds, totalDocuments, startedAt: clock.now(), clock });

describe(SnapshotWindowGuard.name, () => {
  it('stops a backup whose projected duration outlasts the snapshot window, naming the parameter', () => {
    const clock = new ManualClock();
    const g = guard(300, 1_000_000, clock);
    clock.advance(20_000);
    // 50,000 documents in 20 s → 400 s for all of them, beyond 90 % of 300 s.
    expect(() => g.check(50_000)).toThrow(
      /would take about 400 s.*minSnapshotHistoryWindowInSeconds = 300 s.*mongodump --oplog/,
    );
  });

  it('stops once the time spent passes 90 % of the window', () => {
    const clock = new ManualClock();
    const g = guard(300, 500, clock);
    clock.advance(271_000);
    expect(() => g.check(10)).toThrow(/has been running 271 s/);
  });

  it('lets a backup that fits run, and never limits an engine without a window', () => {
    const clock = new ManualClock();
    const fits = guard(300, 1_000_000, clock);
    const unbounded = guard(null, 1_000_000, clock);
    clock.advance(10_000);
    expect(() => fits.check(100_000)).not.toThrow();
    clock.advance(10_000_000);
    expect(() => unbounded.check(1)).not.toThrow();
  });

  it('stops when the lease was lost', () => {
    const clock = new ManualClock();
    const fence = new AbortController();
    const g = new SnapshotWindowGuard({
      windowSeconds: null,
      totalDocuments: 1,
      startedAt: clock.now(),
      clock,
      signal: fence.signal,
    });
    fence.abort(new Error('lease lost'));
    expect(() => g.check(1)).toThrow('lease lost');
  });
});

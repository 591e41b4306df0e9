import { describe, expect, it } from 'vitest';
import type { JobRun } from '../../../src/domain/jobs/job.types.js';
import { createMetrics, watchBackups } from '../../../src/http/metrics.js';

const run = (over: Partial<JobRun> = {}): JobRun => ({
  id: 'r1',
  job: 'backup',
  holder: 'worker-1',
  startedAt: new Date('2026-11-29T03:00:00Z'),
  finishedAt: new Date('2026-11-29T03:01:00Z'),
  durationMs: 60_000,
  outcome: 'succeeded',
  error: null,
  summary: { bytes: 4096 },
  ...over,
});

describe('backup metrics', () => {
  it('reads the last successful backup once per scrape and reports its start and size', async () => {
    const metrics = createMetrics();
    const asked: string[] = [];
    let last: JobRun | null = run();
    watchBackups(metrics, {
      lastSucceeded: async (job) => {
        asked.push(job);
        return last;
      },
    });
    const text = await metrics.registry.metrics();
    expect(asked).toEqual(['backup']);
    expect(text).toMatch(/^backup_last_success_timestamp_seconds 1795921200$/m);
    expect(text).toMatch(/^backup_last_success_bytes 4096$/m);

    last = null;
    const none = await metrics.registry.metrics();
    expect(asked).toEqual(['backup', 'backup']);
    expect(none).toMatch(/^backup_last_success_timestamp_seconds 0$/m);
    expect(none).toMatch(/^backup_last_success_bytes 0$/m);
  });
});

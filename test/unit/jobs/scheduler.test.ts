import type { TaskContext } from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { JobService } from '../../../src/domain/jobs/job.service.js';
import type { JobRun } from '../../../src/domain/jobs/job.types.js';
import type { JobDefinition } from '../../../src/jobs/job-definition.js';
import { Scheduler } from '../../../src/jobs/scheduler.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { RecordingAlertSink } from '../../helpers/recording-alert.sink.js';
import { RecordingLogger } from '../../helpers/recording-logger.js';

const EVERY_SECOND = '* * * * * *';
const NIGHTLY = '0 3 * * *';
const started: Scheduler[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) await s.stop();
});

function world() {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const alerts = new RecordingAlertSink();
  const logger = new RecordingLogger();
  const scheduler = (holder: string, jobs: JobDefinition[]) => {
    const runner = new JobService({ store, clock, alerts, logger, holder });
    const s = new Scheduler({ jobs, runner, timezone: 'UTC', logger }).start();
    started.push(s);
    return s;
  };
  return { store, clock, alerts, logger, scheduler };
}

/** A job body that holds its run open until the test releases it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let calls = 0;
  const run = async () => {
    calls += 1;
    started();
    await opened;
    return { summary: { calls } };
  };
  return { run, open, running, calls: () => calls };
}

const job = (name: string, cron: string, run: JobDefinition['run']): JobDefinition => ({
  name,
  cron,
  cronVariable: 'TEST_CRON',
  run,
});

describe(Scheduler.name, () => {
  it('runs a job on demand through its node-cron task, under the lease, and records the run', async () => {
    const w = world();
    let calls = 0;
    const s = w.scheduler('host-a', [job('backup', NIGHTLY, async () => ({ summary: { calls: ++calls } }))]);
    const run = await s.runNow('backup');
    expect(run).toMatchObject({ job: 'backup', outcome: 'succeeded', summary: { calls: 1 } });
    expect(await w.store.collection('jobRuns').findOne({ _id: run.id })).toMatchObject({ outcome: 'succeeded' });
    expect(await w.store.collection('jobLocks').findOne({ _id: 'backup' })).toMatchObject({ holder: 'host-a' });
    expect(s.task('backup')?.getNextRun()?.toISOString()).toMatch(/T03:00:00\.000Z$/);
  });

  it('fires a job when its cron expression matches', async () => {
    const w = world();
    let fired!: (at: Date) => void;
    const firedAt = new Promise<Date>((resolve) => (fired = resolve));
    const s = w.scheduler('host-a', [job('tick', EVERY_SECOND, async () => fired(new Date()))]);
    const finished = new Promise<TaskContext>((resolve) => s.task('tick')!.once('execution:finished', resolve));
    await firedAt;
    const ctx = await finished;
    expect(ctx.execution?.reason).toBe('scheduled');
    expect((ctx.execution?.result as JobRun).outcome).toBe('succeeded');
    const lock = await w.store.collection('jobLocks').findOne({ _id: 'tick' });
    expect(lock?.lastSlot?.getTime()).toBe(ctx.date.getTime());
    expect(ctx.date.getMilliseconds()).toBe(0);
  });

  it('skips a scheduled tick that arrives while the previous run is still going', async () => {
    const w = world();
    const g = gate();
    const s = w.scheduler('host-a', [job('slow', EVERY_SECOND, g.run)]);
    const overlap = new Promise<TaskContext>((resolve) => s.task('slow')!.once('execution:overlap', resolve));
    await g.running;
    await overlap;
    expect(g.calls()).toBe(1);
    await s.stop();
    g.open();
  });

  it('skips a run on demand while the previous run is still going', async () => {
    const w = world();
    const g = gate();
    const s = w.scheduler('host-a', [job('slow', NIGHTLY, g.run)]);
    const first = s.runNow('slow');
    await g.running;
    w.clock.advance(1000);
    expect(await s.runNow('slow')).toMatchObject({ outcome: 'skipped' });
    g.open();
    expect(await first).toMatchObject({ outcome: 'succeeded' });
    expect(g.calls()).toBe(1);
  });

  it('runs a job once per tick when two schedulers share a store', async () => {
    const w = world();
    const work = async () => undefined;
    const a = w.scheduler('host-a', [job('shared', EVERY_SECOND, work)]);
    const b = w.scheduler('host-b', [job('shared', EVERY_SECOND, work)]);
    const bySlot = new Map<number, JobRun[]>();
    const bothDone = new Promise<number>((resolve) => {
      for (const s of [a, b])
        s.task('shared')!.on('execution:finished', (ctx) => {
          const slot = ctx.date.getTime();
          const runs = [...(bySlot.get(slot) ?? []), ctx.execution?.result as JobRun];
          bySlot.set(slot, runs);
          if (runs.length === 2) resolve(slot);
        });
    });
    const slot = await bothDone;
    const runs = bySlot.get(slot)!;
    expect(runs.map((r) => r.outcome).sort()).toEqual(['skipped', 'succeeded']);
    expect(new Set(runs.map((r) => r.holder))).toEqual(new Set(['host-a', 'host-b']));
  });

  it('refuses an invalid cron expression, naming the setting', () => {
    const w = world();
    const runner = new JobService({ store: w.store, clock: w.clock, alerts: w.alerts, logger: w.logger, holder: 'h' });
    expect(
      () =>
        new Scheduler({
          jobs: [{ name: 'backup', cron: 'every night', cronVariable: 'BACKUP_CRON', run: async () => undefined }],
          runner,
          timezone: 'UTC',
          logger: w.logger,
        }),
    ).toThrow(/BACKUP_CRON: "every night" is not a valid cron expression/);
  });
});

import { describe, expect, it } from 'vitest';
import { JobService } from '../../../src/domain/jobs/job.service.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { RecordingAlertSink } from '../../helpers/recording-alert.sink.js';
import { RecordingLogger } from '../../helpers/recording-logger.js';

const MINUTE = 60_000;

function setup(options: { failingAlerts?: boolean } = {}) {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const alerts = new RecordingAlertSink(options.failingAlerts);
  const logger = new RecordingLogger();
  const instance = (holder: string) => new JobService({ store, clock, alerts, logger, holder, leaseMs: 5 * MINUTE });
  return { store, clock, alerts, logger, instance, jobs: instance('host-a:1') };
}

/** A job that waits until the test lets it finish, to hold a run open. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let calls = 0;
  const work = async () => {
    calls += 1;
    started();
    await opened;
    return { summary: { done: true } };
  };
  return { work, open, running, calls: () => calls };
}

describe(JobService.name, () => {
  describe('run', () => {
    it('records the run in jobRuns with its duration and outcome, and logs it', async () => {
      const s = setup();
      const run = await s.jobs.run('backup', async () => {
        s.clock.advance(1500);
        return { summary: { documents: 12 } };
      });
      expect(run).toMatchObject({ job: 'backup', holder: 'host-a:1', outcome: 'succeeded', durationMs: 1500 });
      const [stored] = await s.store.collection('jobRuns').find({});
      expect(stored).toMatchObject({ _id: run.id, outcome: 'succeeded', durationMs: 1500, summary: { documents: 12 } });
      expect(s.logger.entries).toContainEqual(
        expect.objectContaining({
          level: 'info',
          obj: expect.objectContaining({ job: 'backup', outcome: 'succeeded', durationMs: 1500 }),
        }),
      );
      expect(s.alerts.alerts).toEqual([]);
    });

    it('records a failure, posts an alert and logs it as an error', async () => {
      const s = setup();
      const run = await s.jobs.run('backup', async () => {
        throw new Error('disk full');
      });
      expect(run).toMatchObject({ outcome: 'failed', error: 'disk full' });
      expect(await s.store.collection('jobRuns').findOne({ _id: run.id })).toMatchObject({ outcome: 'failed' });
      expect(s.alerts.alerts).toEqual([
        expect.objectContaining({
          severity: 'critical',
          title: 'Scheduled job backup failed',
          body: expect.stringContaining('disk full'),
          key: 'job:backup',
        }),
      ]);
      expect(s.logger.entries).toContainEqual(
        expect.objectContaining({ level: 'error', obj: expect.objectContaining({ job: 'backup', outcome: 'failed' }) }),
      );
    });

    it('fails and alerts when the job reports a problem it found', async () => {
      const s = setup();
      const run = await s.jobs.run('verify-ledger', async () => ({
        summary: { drifted: 1 },
        problem: 'ledger drift on 1 account(s)',
      }));
      expect(run).toMatchObject({ outcome: 'failed', error: 'ledger drift on 1 account(s)', summary: { drifted: 1 } });
      expect(s.alerts.alerts.map((a) => a.body)).toEqual([expect.stringContaining('ledger drift on 1 account(s)')]);
    });

    it('still finishes and records the run when the alert cannot be posted', async () => {
      const s = setup({ failingAlerts: true });
      const run = await s.jobs.run('backup', async () => {
        throw new Error('boom');
      });
      expect(run.outcome).toBe('failed');
      expect(s.alerts.alerts).toHaveLength(1);
      expect(s.logger.entries.map((e) => e.msg)).toContain('could not post the job failure alert');
    });

    it('skips a run while the previous run of the job on this instance is still going', async () => {
      const s = setup();
      const g = gate();
      const first = s.jobs.run('backup', g.work);
      await g.running;
      s.clock.advance(MINUTE);
      const second = await s.jobs.run('backup', g.work);
      expect(second).toMatchObject({ outcome: 'skipped', summary: { reason: expect.stringContaining('still going') } });
      g.open();
      expect(await first).toMatchObject({ outcome: 'succeeded' });
      expect(g.calls()).toBe(1);
    });

    it('runs a job once when two instances sharing the store fire for the same slot', async () => {
      const s = setup();
      const a = s.instance('host-a:1');
      const b = s.instance('host-b:2');
      const slot = s.clock.now();
      const g = gate();
      const onA = a.run('backup', g.work, { slot });
      await g.running;
      const onB = await b.run('backup', g.work, { slot });
      expect(onB).toMatchObject({
        outcome: 'skipped',
        summary: { reason: expect.stringMatching(/lease held by host-a:1/) },
      });
      g.open();
      expect(await onA).toMatchObject({ outcome: 'succeeded' });
      // B's tick for the same slot arriving after A finished still does not run it again.
      const late = await b.run('backup', g.work, { slot });
      expect(late).toMatchObject({ outcome: 'skipped', summary: { reason: expect.stringMatching(/already ran/) } });
      expect(g.calls()).toBe(1);
      const outcomes = (await s.store.collection('jobRuns').find({ job: 'backup' })).map((r) => r.outcome).sort();
      expect(outcomes).toEqual(['skipped', 'skipped', 'succeeded']);
    });

    it('lets the next slot run on another instance once the first has finished', async () => {
      const s = setup();
      await s.instance('host-a:1').run('backup', async () => undefined, { slot: s.clock.now() });
      const next = s.clock.advance(24 * 60 * MINUTE);
      const run = await s.instance('host-b:2').run('backup', async () => undefined, { slot: next });
      expect(run).toMatchObject({ outcome: 'succeeded', holder: 'host-b:2' });
    });

    it('runs the job again once the lease of a crashed holder has expired', async () => {
      const s = setup();
      const now = s.clock.now();
      await s.store.collection('jobLocks').insertOne({
        _id: 'backup',
        holder: 'crashed-host:99',
        acquiredAt: new Date(now.getTime() - MINUTE),
        expiresAt: new Date(now.getTime() + 4 * MINUTE),
        lastSlot: new Date(now.getTime() - MINUTE),
      });
      let calls = 0;
      const work = async () => {
        calls += 1;
      };
      expect(await s.jobs.run('backup', work)).toMatchObject({
        outcome: 'skipped',
        summary: { reason: expect.stringContaining('lease held by crashed-host:99') },
      });
      s.clock.advance(4 * MINUTE + 1);
      expect(await s.jobs.run('backup', work)).toMatchObject({ outcome: 'succeeded' });
      expect(calls).toBe(1);
      expect(await s.store.collection('jobLocks').findOne({ _id: 'backup' })).toMatchObject({ holder: 'host-a:1' });
    });

    it('gives the lease back when the job fails, so the next slot is not blocked', async () => {
      const s = setup();
      await s.jobs.run('backup', async () => {
        throw new Error('first attempt failed');
      });
      s.clock.advance(MINUTE);
      expect(await s.instance('host-b:2').run('backup', async () => undefined)).toMatchObject({ outcome: 'succeeded' });
    });

    it('fails and alerts when the lease cannot be taken at all', async () => {
      const s = setup();
      s.store.faults.failWrite({ collection: 'jobLocks' });
      let calls = 0;
      const run = await s.jobs.run('backup', async () => {
        calls += 1;
      });
      expect(run).toMatchObject({ outcome: 'failed', error: expect.stringContaining('could not take the job lease') });
      expect(calls).toBe(0);
      expect(s.alerts.alerts).toHaveLength(1);
    });
  });

  describe('listRuns', () => {
    it('lists runs newest first, optionally of one job', async () => {
      const s = setup();
      await s.jobs.run('backup', async () => undefined);
      s.clock.advance(MINUTE);
      await s.jobs.run('verify-ledger', async () => undefined);
      s.clock.advance(MINUTE);
      await s.jobs.run('backup', async () => undefined);
      expect((await s.jobs.listRuns()).map((r) => r.job)).toEqual(['backup', 'verify-ledger', 'backup']);
      expect(await s.jobs.listRuns({ job: 'backup', first: 1 })).toEqual([
        expect.objectContaining({ job: 'backup', startedAt: s.clock.now() }),
      ]);
      await expect(s.jobs.listRuns({ first: 0 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });
  });
});

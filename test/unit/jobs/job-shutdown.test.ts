import { describe, expect, it } from 'vitest';
import { JobService } from '../../../src/domain/jobs/job.service.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { RecordingAlertSink } from '../../helpers/recording-alert.sink.js';
import { RecordingLogger } from '../../helpers/recording-logger.js';

const MINUTE = 60_000;

function setup() {
  const store = new MemoryStore();
  const clock = new ManualClock();
  const alerts = new RecordingAlertSink();
  const logger = new RecordingLogger();
  const instance = (holder: string) => new JobService({ store, clock, alerts, logger, holder, leaseMs: 5 * MINUTE });
  return { store, clock, alerts, logger, instance, jobs: instance('host-a:1') };
}

/** Work that runs until the test lets it go, and (optionally) ignores its abort signal. */
function longWork(options: { honoursSignal: boolean }) {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let seen: AbortSignal | undefined;
  const work = (signal: AbortSignal) => {
    seen = signal;
    started();
    return new Promise<{ summary: Record<string, unknown> }>((resolve, reject) => {
      void finished.then(() => resolve({ summary: { done: true } }));
      if (options.honoursSignal) signal.addEventListener('abort', () => reject(signal.reason as Error));
    });
  };
  return { work, running, finish, signal: () => seen };
}

describe(JobService.name, () => {
  describe('shutdown', () => {
    it('lets a run that ends within the grace period keep its own outcome', async () => {
      const s = setup();
      const w = longWork({ honoursSignal: true });
      const run = s.jobs.run('backup', w.work);
      await w.running;
      const stopping = s.jobs.shutdown(10 * MINUTE);
      w.finish();
      const report = await stopping;
      const done = await run;
      expect(done).toMatchObject({ outcome: 'succeeded', summary: { done: true } });
      expect(report).toEqual({ finished: [{ job: 'backup', runId: done.id }], interrupted: [] });
      expect(w.signal()?.aborted).toBe(false);
    });

    it('interrupts a run still going after the grace period: aborts its signal, records it failed, gives the lease back', async () => {
      const s = setup();
      const w = longWork({ honoursSignal: false });
      const run = s.jobs.run('backup', w.work);
      await w.running;
      const report = await s.jobs.shutdown(0, 0);
      const done = await run;

      expect(w.signal()?.aborted).toBe(true);
      expect(report).toEqual({ finished: [], interrupted: [{ job: 'backup', runId: done.id, leaseReleased: true }] });
      expect(done).toMatchObject({
        outcome: 'failed',
        error: expect.stringMatching(/^interrupted: this instance shut down/),
      });
      expect(await s.store.collection('jobRuns').findOne({ _id: done.id })).toMatchObject({
        outcome: 'failed',
        error: expect.stringMatching(/^interrupted/),
        finishedAt: s.clock.now(),
      });
      expect((await s.store.collection('jobLocks').findOne({ _id: 'backup' }))?.expiresAt).toEqual(s.clock.now());
      expect(s.alerts.alerts).toEqual([expect.objectContaining({ body: expect.stringContaining('interrupted') })]);
      expect(s.logger.entries.map((e) => e.msg)).toContain('job backup interrupted by shutdown; lease released');

      // Another instance takes the job at its next slot, long before the 5-minute lease would have expired.
      s.clock.advance(1000);
      expect(await s.instance('host-b:2').run('backup', async () => undefined)).toMatchObject({ outcome: 'succeeded' });
    });

    it('records the error of work that stops on its signal', async () => {
      const s = setup();
      const w = longWork({ honoursSignal: true });
      const run = s.jobs.run('verify-ledger', w.work);
      await w.running;
      const report = await s.jobs.shutdown(0, 10 * MINUTE);
      expect(report.interrupted).toEqual([expect.objectContaining({ job: 'verify-ledger', leaseReleased: true })]);
      expect(await run).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^interrupted/) });
    });

    it('takes no new work once shutting down', async () => {
      const s = setup();
      await s.jobs.shutdown(0, 0);
      let calls = 0;
      const work = async () => {
        calls += 1;
      };
      expect(await s.jobs.run('backup', work)).toMatchObject({
        outcome: 'skipped',
        summary: { reason: 'this instance is shutting down' },
      });
      await expect(s.jobs.exclusive('backup', work)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining('shutting down'),
      });
      expect(calls).toBe(0);
      expect(await s.store.collection('jobLocks').count()).toBe(0);
    });

    it('tells an exclusive caller that its work was interrupted', async () => {
      const s = setup();
      const w = longWork({ honoursSignal: false });
      const result = s.jobs.exclusive('backup', w.work, { run: 'restore' });
      await w.running;
      await s.jobs.shutdown(0, 0);
      await expect(result).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(/^restore did not complete: interrupted/),
      });
    });

    it('is idempotent: a second signal gets the first report', async () => {
      const s = setup();
      const first = s.jobs.shutdown(0, 0);
      expect(await s.jobs.shutdown(MINUTE)).toBe(await first);
    });
  });
});

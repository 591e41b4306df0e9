/**
 * What `jobRuns` and `jobLocks` hold after the runs' life events — a finished run, a run whose holder
 * died, a run a shutdown interrupted — checked on every adapter with the JobService that writes them.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { JobService } from '../../src/domain/jobs/job.service.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { RecordingAlertSink } from '../helpers/recording-alert.sink.js';
import { RecordingLogger } from '../helpers/recording-logger.js';
import { storeAdapters, type TestStore } from './adapters.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

for (const adapter of storeAdapters('job runs contract suite')) {
  describe.skipIf(adapter.skip)(`job runs (${adapter.name})`, () => {
    let store: TestStore;
    let clock: ManualClock;
    let alerts: RecordingAlertSink;
    const instance = (holder: string) =>
      new JobService({
        store,
        clock,
        holder,
        alerts,
        logger: new RecordingLogger(),
        leaseMs: 5 * MINUTE,
        runRetentionDays: 30,
      });

    beforeEach(async () => {
      store = await adapter.create();
      // Dates ahead of the wall clock: the TTL monitor (MongoDB's, or the memory engine's) must not
      // delete what these cases read.
      clock = new ManualClock(new Date(Date.now() + 365 * DAY));
      alerts = new RecordingAlertSink();
    });
    afterAll(() => adapter.shutdown());

    /** The lease and the open run a holder leaves behind when it dies mid-run. */
    async function deadHolderRun(job: string, lease = job) {
      const startedAt = new Date(clock.now().getTime() - MINUTE);
      await store.collection('jobLocks').insertOne({
        _id: lease,
        holder: 'dead-host:7',
        acquiredAt: startedAt,
        expiresAt: new Date(startedAt.getTime() + 5 * MINUTE),
        lastSlot: startedAt,
      });
      await store
        .collection('jobRuns')
        .insertOne({ _id: `run-${job}`, job, lease, holder: 'dead-host:7', startedAt, outcome: 'running' });
      return `run-${job}`;
    }

    it('closes the run a dead holder left running when another holder takes its expired lease', async () => {
      const abandoned = await deadHolderRun('restore', 'backup');
      clock.advance(5 * MINUTE);
      const taken = await instance('survivor:1').run('backup', async () => undefined);
      expect(taken.outcome).toBe('succeeded');
      const closed = await store.collection('jobRuns').findOne({ _id: abandoned });
      expect(closed).toMatchObject({
        outcome: 'failed',
        error: expect.stringMatching(/^abandoned: dead-host:7 stopped renewing the backup lease/),
        finishedAt: taken.startedAt,
        expireAt: new Date(taken.startedAt.getTime() + 30 * DAY),
      });
      expect(alerts.alerts).toContainEqual(
        expect.objectContaining({ severity: 'warning', body: expect.stringContaining('abandoned') }),
      );
    });

    it('closes a running run recorded before runs named their lease, by its job name', async () => {
      await deadHolderRun('verify-ledger');
      await store.collection('jobRuns').updateOne({ _id: 'run-verify-ledger' }, { $unset: { lease: true } });
      clock.advance(5 * MINUTE);
      await instance('survivor:1').run('verify-ledger', async () => undefined);
      expect(await store.collection('jobRuns').findOne({ _id: 'run-verify-ledger' })).toMatchObject({
        outcome: 'failed',
      });
    });

    it('leaves a run open while its holder still holds the lease', async () => {
      const open = await deadHolderRun('backup');
      expect((await instance('other:2').run('backup', async () => undefined)).outcome).toBe('skipped');
      expect(await store.collection('jobRuns').findOne({ _id: open })).toMatchObject({ outcome: 'running' });
      expect((await store.collection('jobRuns').findOne({ _id: open }))?.expireAt).toBeUndefined();
    });

    it('stores an expiry date JOB_RUNS_RETENTION_DAYS after the end on finished runs, none on a running one', async () => {
      const jobs = instance('host:1');
      let runningRun: string | undefined;
      const done = await jobs.run('backup', async () => {
        runningRun = (await store.collection('jobRuns').findOne({ outcome: 'running' }))?._id;
        expect((await store.collection('jobRuns').findOne({ _id: runningRun ?? '' }))?.expireAt).toBeUndefined();
        clock.advance(MINUTE);
      });
      expect(runningRun).toBe(done.id);
      const skipped = await jobs.run('backup', async () => undefined, { slot: new Date(0) });
      const stored = await store.collection('jobRuns').find({}, { sort: { startedAt: 1, _id: 1 } });
      expect(stored.map((r) => [r._id, r.outcome, r.expireAt])).toEqual([
        [done.id, 'succeeded', new Date((done.finishedAt as Date).getTime() + 30 * DAY)],
        [skipped.id, 'skipped', new Date(skipped.startedAt.getTime() + 30 * DAY)],
      ]);
      expect(stored[0]?.expireAt).toBeInstanceOf(Date);
    });

    it('gives back the lease of a run a shutdown interrupted, so another holder takes the job at once', async () => {
      const leaving = instance('leaving:1');
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const run = leaving.run('backup', () => {
        started();
        return new Promise<void>(() => undefined); // ignores its signal
      });
      await running;
      const report = await leaving.shutdown(0, 0);
      expect(report.interrupted).toEqual([{ job: 'backup', runId: (await run).id, leaseReleased: true }]);
      expect(await store.collection('jobRuns').findOne({ _id: (await run).id })).toMatchObject({
        outcome: 'failed',
        error: expect.stringMatching(/^interrupted/),
      });
      clock.advance(1000);
      expect((await instance('staying:2').run('backup', async () => undefined)).outcome).toBe('succeeded');
    });
  });
}

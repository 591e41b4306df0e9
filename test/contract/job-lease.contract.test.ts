/**
 * The job lease relies on one store behaviour: an upsert whose filter misses an existing `_id`
 * fails with a duplicate key instead of replacing the document. Checked on every adapter, with
 * the JobService that builds its leases on it.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { JobService } from '../../src/domain/jobs/job.service.js';
import { DuplicateKeyError } from '../../src/domain/errors.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { RecordingAlertSink } from '../helpers/recording-alert.sink.js';
import { RecordingLogger } from '../helpers/recording-logger.js';
import { storeAdapters, type TestStore } from './adapters.js';

const MINUTE = 60_000;

for (const adapter of storeAdapters('job lease contract suite')) {
  describe.skipIf(adapter.skip)(`job leases (${adapter.name})`, () => {
    let store: TestStore;
    let clock: ManualClock;
    const instance = (holder: string) =>
      new JobService({
        store,
        clock,
        holder,
        alerts: new RecordingAlertSink(),
        logger: new RecordingLogger(),
        leaseMs: 5 * MINUTE,
      });

    beforeEach(async () => {
      store = await adapter.create();
      clock = new ManualClock();
    });
    afterAll(() => adapter.shutdown());

    it('refuses an upsert whose filter misses an existing _id, leaving the document as it was', async () => {
      const lock = {
        _id: 'job',
        holder: 'a',
        acquiredAt: clock.now(),
        expiresAt: new Date(clock.now().getTime() + MINUTE),
      };
      await store.collection('jobLocks').insertOne(lock);
      await expect(
        store
          .collection('jobLocks')
          .updateOne({ _id: 'job', expiresAt: { $lte: clock.now() } }, { $set: { holder: 'b' } }, { upsert: true }),
      ).rejects.toBeInstanceOf(DuplicateKeyError);
      expect(await store.collection('jobLocks').findOne({ _id: 'job' })).toEqual(lock);
    });

    it('runs a job once when many instances fire for the same slot at the same time', async () => {
      const slot = clock.now();
      let calls = 0;
      const work = async () => {
        calls += 1;
      };
      const runs = await Promise.all(
        Array.from({ length: 8 }, (_, i) => instance(`host-${i}`).run('backup', work, { slot })),
      );
      expect(calls).toBe(1);
      expect(runs.filter((r) => r.outcome === 'succeeded')).toHaveLength(1);
      expect(runs.filter((r) => r.outcome === 'skipped')).toHaveLength(7);
    });

    it('lets the job run again once a crashed holder’s lease has expired', async () => {
      await store.collection('jobLocks').insertOne({
        _id: 'backup',
        holder: 'crashed',
        acquiredAt: clock.now(),
        expiresAt: new Date(clock.now().getTime() + 5 * MINUTE),
        lastSlot: new Date(clock.now().getTime() - MINUTE),
      });
      const jobs = instance('survivor');
      expect((await jobs.run('backup', async () => undefined)).outcome).toBe('skipped');
      clock.advance(5 * MINUTE + 1);
      expect((await jobs.run('backup', async () => undefined)).outcome).toBe('succeeded');
    });
  });
}

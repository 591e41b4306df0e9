/**
 * What `close()` of the composition root (what SIGTERM/SIGINT call) does to the jobs running in the
 * process, read back from the store it shares with the other instances. The signal itself, and the
 * exit within the bound, are checked on the built process in test/e2e/shutdown.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../helpers/test-server.js';

/** A job that runs until told otherwise and never looks at its abort signal. */
function stubbornJob() {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const work = async () => {
    started();
    await finished;
    return { summary: { finished: true } };
  };
  return { work, running, finish };
}

describe('graceful shutdown', () => {
  it('interrupts a job still running after SHUTDOWN_GRACE_MS, records the run and releases its lease', async () => {
    const srv = await startTestServer({ PROCESS_ROLES: 'api,jobs', SHUTDOWN_GRACE_MS: '50' });
    const job = stubbornJob();
    const run = srv.services.jobs.run('backup', job.work);
    await job.running;

    await srv.close();

    const done = await run;
    expect(done).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^interrupted: this instance shut/) });
    expect(await srv.store.collection('jobRuns').findOne({ _id: done.id })).toMatchObject({
      outcome: 'failed',
      holder: srv.services.jobs.holder,
      finishedAt: expect.any(Date),
      expireAt: expect.any(Date),
    });
    const lock = await srv.store.collection('jobLocks').findOne({ _id: 'backup' });
    expect(lock?.expiresAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(srv.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'job backup interrupted by shutdown; lease released' }),
    );
    job.finish();
  });

  it('lets a job that ends within the grace period finish with its own outcome', async () => {
    const srv = await startTestServer({ PROCESS_ROLES: 'api,jobs', SHUTDOWN_GRACE_MS: '60000' });
    const job = stubbornJob();
    const run = srv.services.jobs.run('verify-ledger', job.work);
    await job.running;

    const closing = srv.close();
    // New work is refused as soon as the shutdown begins.
    expect(await srv.services.jobs.run('backup', async () => undefined)).toMatchObject({
      outcome: 'skipped',
      summary: { reason: 'this instance is shutting down' },
    });
    job.finish();
    await closing;

    expect(await run).toMatchObject({ outcome: 'succeeded', summary: { finished: true } });
    expect(srv.logs.filter((l) => String(l.msg).includes('interrupted'))).toEqual([]);
  });
});

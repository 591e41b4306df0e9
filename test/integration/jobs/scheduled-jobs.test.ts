import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import cron from 'node-cron';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { defineJobs } from '../../../src/jobs/jobs.js';
import { Scheduler } from '../../../src/jobs/scheduler.js';
import { startService } from '../../../src/main.js';
import { buildServices } from '../../../src/services.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { seedLedger, tempDir } from '../../helpers/backup-fixtures.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { RecordingAlertSink } from '../../helpers/recording-alert.sink.js';
import { RecordingLogger } from '../../helpers/recording-logger.js';
import { startPaymentsHarness } from '../payments/payments.harness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function jobsWorld(env: Record<string, string> = {}) {
  const dir = await tempDir();
  cleanups.push(dir.remove);
  const config = loadConfig({ NODE_ENV: 'test', BACKUP_DIR: dir.path, BACKUP_RETENTION: '2', ...env });
  const store = new MemoryStore();
  const clock = new ManualClock();
  const alerts = new RecordingAlertSink();
  const logger = new RecordingLogger();
  const services = buildServices({ config, store, clock, logger, alerts });
  await seedLedger(store, { accounts: 3, entriesPerAccount: 4 });
  const scheduler = new Scheduler({
    jobs: defineJobs(config, services, clock),
    runner: services.jobs,
    timezone: config.JOBS_TIMEZONE,
    logger,
  }).start();
  cleanups.push(() => scheduler.stop());
  return { dir, config, store, clock, alerts, logger, services, scheduler };
}

describe(Scheduler.name, () => {
  describe('backup job', () => {
    it('backs up, verifies the new backup and prunes to BACKUP_RETENTION', async () => {
      const w = await jobsWorld();
      const names: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const run = await w.scheduler.runNow('backup');
        expect(run).toMatchObject({ outcome: 'succeeded', summary: { documents: expect.any(Number) } });
        names.push(String(run.summary?.backup));
        w.clock.advance(24 * 60 * 60 * 1000);
      }
      const listed = await w.services.backups.list();
      expect(listed.map((b) => b.name)).toEqual([names[2], names[1]]);
      expect(listed.every((b) => b.lastVerification?.ok)).toBe(true);
      expect(listed[0]?.collections.find((c) => c.name === 'ledgerEntries')?.count).toBe(12);
      expect(w.alerts.alerts).toEqual([]);
      expect(w.scheduler.task('backup')?.getNextRun()?.toISOString()).toMatch(/T03:00:00\.000Z$/);
    });

    it('alerts when the backup cannot be written', async () => {
      const w = await jobsWorld();
      const notADirectory = join(w.dir.path, 'file');
      await writeFile(notADirectory, 'x');
      const broken = await jobsWorld({ BACKUP_DIR: notADirectory });
      const run = await broken.scheduler.runNow('backup');
      expect(run.outcome).toBe('failed');
      expect(broken.alerts.alerts).toEqual([
        expect.objectContaining({
          title: 'Scheduled job backup failed',
          body: expect.stringMatching(/EEXIST|ENOTDIR/),
        }),
      ]);
    });
  });

  describe('verify-ledger job', () => {
    it('passes on a consistent ledger and alerts naming the account when it drifts', async () => {
      const w = await jobsWorld();
      expect(await w.scheduler.runNow('verify-ledger')).toMatchObject({
        outcome: 'succeeded',
        summary: { accountsChecked: 3, drifted: 0 },
      });
      await w.store.collection('accounts').updateOne({ _id: 'acct0000001' }, { $inc: { balance: 5 } });
      w.clock.advance(60_000);
      const run = await w.scheduler.runNow('verify-ledger');
      expect(run).toMatchObject({ outcome: 'failed', summary: { drifted: 1 } });
      expect(w.alerts.alerts).toEqual([
        expect.objectContaining({
          severity: 'critical',
          title: 'Scheduled job verify-ledger failed',
          body: expect.stringContaining('acct0000001 (acct0000001@example.com): balance 10 != ledger sum 5'),
        }),
      ]);
    });
  });
});

describe(Scheduler.name, () => {
  describe('release-abandoned-analyses job', () => {
    it('gives back the credits of an analysis whose run died, once it is old enough', async () => {
      const w = await jobsWorld();
      const account = await w.services.accounts.findOrCreateBySubject({
        subject: 'dead-run',
        email: 'dead@example.com',
      });
      const actor = { type: 'user' as const, id: 'dead-run' };
      await w.services.ledger.grant({
        accountId: account.id,
        amount: 2,
        reason: 'funds',
        idempotencyKey: 'g',
        actor,
        source: { type: 'system' },
      });
      // What a run leaves when its process dies between reserve and capture.
      await w.services.ledger.reserve({
        accountId: account.id,
        amount: 1,
        reason: 'NOI analysis',
        idempotencyKey: 'analysis:an-1:x',
        actor,
        source: { type: 'analysis', ref: 'an-1' },
      });
      expect(await w.scheduler.runNow('release-abandoned-analyses')).toMatchObject({
        outcome: 'succeeded',
        summary: { released: 0 },
      });
      w.clock.advance(16 * 60 * 1000);
      expect(await w.scheduler.runNow('release-abandoned-analyses')).toMatchObject({
        outcome: 'succeeded',
        summary: { released: 1, analyses: ['an-1'] },
      });
      expect(await w.services.accounts.getById(account.id)).toMatchObject({ balance: 2, reserved: 0, available: 2 });
      expect((await w.services.ledger.verifyLedger()).ok).toBe(true);
    });
  });
  describe('reconcile-stripe job', () => {
    it('is scheduled only when Stripe is configured', async () => {
      const w = await jobsWorld();
      expect(w.scheduler.task('reconcile-stripe')).toBeUndefined();
      expect(w.scheduler.task('backup')).toBeDefined();
    });

    it('grants a paid Checkout session whose webhook never arrived', async () => {
      const h = await startPaymentsHarness();
      cleanups.push(h.close);
      const dir = await tempDir();
      cleanups.push(dir.remove);
      const config = loadConfig({
        NODE_ENV: 'test',
        BACKUP_DIR: dir.path,
        STRIPE_WEBHOOK_SECRET: 'whsec_test',
        ...h.stripe.env(),
      });
      const clock = { now: () => new Date() };
      const scheduler = new Scheduler({
        jobs: defineJobs(config, h.app.services, clock),
        runner: h.app.services.jobs,
        timezone: 'UTC',
        logger: new RecordingLogger(),
      }).start();
      cleanups.push(() => scheduler.stop());
      const account = await h.newAccount();
      await h.buy(account.id, { packageId: 'investor' });

      const run = await scheduler.runNow('reconcile-stripe');

      expect(run).toMatchObject({ outcome: 'succeeded', summary: { healed: 1, failed: 0 } });
      expect(await h.balance(account.id)).toBe(50);
      expect(scheduler.task('reconcile-stripe')?.getPattern()).toBe('15 * * * *');
    });
  });
});

describe(startService.name, () => {
  it('schedules the jobs of the jobs role and stops them on close', async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const before = new Set(cron.getTasks().keys());
    const running = await startService({
      config: loadConfig({ NODE_ENV: 'test', PROCESS_ROLES: 'jobs', BACKUP_DIR: dir.path }),
      store: new MemoryStore(),
      logger: new RecordingLogger(),
    });
    const mine = () => [...cron.getTasks().values()].filter((t) => !before.has(t.id)).map((t) => t.name);
    expect(mine().sort()).toEqual(['backup', 'release-abandoned-analyses', 'verify-ledger']);
    expect(running.url).toBe('');
    await running.close();
    expect(mine()).toEqual([]);
  });
});

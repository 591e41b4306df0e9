import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupSupportService } from '../../../src/domain/support/backup-support.service.js';
import { tempDir } from '../../helpers/backup-fixtures.js';
import { ADMIN_ROLE_ID, slashCommand, snowflake, supportMember, type Who } from '../../fakes/discord/interactions.js';
import { BotHarness, field, text, title } from './bot-harness.js';

describe(BackupSupportService.name, () => {
  let h: BotHarness;
  let dir: { path: string; remove(): Promise<void> };
  beforeAll(async () => {
    dir = await tempDir('noi-bot-backups-');
    h = await BotHarness.start({ BACKUP_DIR: dir.path, BACKUP_RETENTION: '3' });
  });
  afterAll(async () => {
    await h.close();
    await dir.remove();
  });

  const admin = (): Who => ({ id: snowflake(), username: 'root', roles: [ADMIN_ROLE_ID] });

  describe('/backup', () => {
    it('refuses support members: nothing is backed up', async () => {
      const support = supportMember();
      for (const sub of ['run', 'status']) {
        const answer = await h.viaGateway(slashCommand(support, 'backup', sub));
        expect(title(answer)).toBe('Not allowed');
        expect(text(answer)).toMatch(/needs an admin role/);
      }
      expect(await h.services.backups.list()).toEqual([]);
      expect(await h.store.collection('jobRuns').count({ job: 'backup' })).toBe(0);
    });

    it('runs the backup job for an admin (deferred, then edited), once per interaction', async () => {
      const account = await h.account(42);
      const who = admin();
      const run = slashCommand(who, 'backup', 'run');
      const done = await h.viaGateway(run);
      expect(done.via).toBe('edit');
      expect(title(done)).toBe('Backup written and verified');

      const [backup, ...others] = await h.services.backups.list();
      expect(others).toEqual([]);
      expect(text(done)).toContain(`\`${backup?.name}\``);
      expect(text(done)).toContain('verified ✅');
      expect(backup?.lastVerification?.ok).toBe(true);
      expect(backup?.collections.find((c) => c.name === 'accounts')?.count).toBeGreaterThanOrEqual(1);
      const runs = await h.store.collection('jobRuns').find({ job: 'backup' });
      expect(runs.map((r) => r.outcome)).toEqual(['succeeded']);
      expect(await h.store.collection('auditLog').findOne({ action: 'backup.run' })).toMatchObject({
        actor: { type: 'discord', id: who.id, name: 'root' },
        target: { type: 'backup', id: backup?.name },
      });

      const again = await h.viaGateway(run);
      expect(text(again)).toContain('already handled; nothing ran again');
      expect(await h.services.backups.list()).toHaveLength(1);
      expect(await h.store.collection('jobRuns').count({ job: 'backup' })).toBe(1);
      expect((await h.services.accounts.getById(account.id)).balance).toBe(42);
    });

    it('shows the newest backups and the last runs', async () => {
      const answer = await h.viaGateway(slashCommand(admin(), 'backup', 'status'));
      const [backup] = await h.services.backups.list();
      expect(title(answer)).toBe('1 backup(s) kept (retention 3)');
      expect(text(answer)).toContain(dir.path);
      expect(field(answer, 'Newest backups')).toContain(`\`${backup?.name}\``);
      expect(field(answer, 'Last runs of the backup job')).toMatch(/^succeeded · /);
    });

    it('does not start a second backup while the job lease is held', async () => {
      await h.store
        .collection('jobLocks')
        .updateOne(
          { _id: 'backup' },
          { $set: { holder: 'other-instance', expiresAt: new Date(h.clock.now().getTime() + 60_000) } },
        );
      const before = (await h.services.backups.list()).length;
      const answer = await h.viaGateway(slashCommand(admin(), 'backup', 'run'));
      expect(title(answer)).toBe('Backup not started: another run holds the lease');
      expect(text(answer)).toContain('other-instance');
      expect(await h.services.backups.list()).toHaveLength(before);
    });
  });
});

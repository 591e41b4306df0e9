/**
 * A restore verifies the backup and loads it into staging in one read, before maintenance begins:
 * each replaced collection file is decoded once, a backup that fails verify (even in its last file)
 * is refused with maintenance never entered and no staging left, and a restore stopped while
 * loading is rolled back — by itself, or by the next start — with the live data as it was.
 */
import { describe, expect, it } from 'vitest';
import { restoreMode, verifyAndStage } from '../../../src/domain/backups/backup-restore.js';
import { readManifest, verifyManifestFiles } from '../../../src/domain/backups/backup-verify.js';
import { MaintenanceService } from '../../../src/domain/maintenance/maintenance.service.js';
import { BackupService } from '../../../src/domain/backups/backup.service.js';
import type { BackupProgress } from '../../../src/domain/backups/backup.types.js';
import { RestoreJournalRepository } from '../../../src/domain/backups/restore-journal.repository.js';
import type { BackupRepository } from '../../../src/domain/ports/backup-repository.port.js';
import type { LeaseRunner } from '../../../src/domain/ports/lease.port.js';
import { LedgerService } from '../../../src/domain/ledger/ledger.service.js';
import { gateWrites } from '../../../src/store/maintenance-gate.js';
import { backupSetups, type BackupSetup } from '../../helpers/backup-setup.js';
import { countingReads, heldRead } from '../../helpers/backup-repository-taps.js';

const setup = backupSetups();

/** A backup, then a change of the live data it does not hold; `live` is the data as changed. */
async function backupThenChange() {
  const s = await setup();
  const backup = await s.backups.create();
  await s.changeLive();
  return { s, backup, live: await s.liveState() };
}

/** Another BackupService on the same data and files: another process, or the next start. */
const serviceOn = (s: BackupSetup, repository: BackupRepository, lease?: LeaseRunner) =>
  new BackupService({ store: s.store, repository, clock: s.clock, toolVersion: 'test', batchSize: 4, lease });

/** A switch document exists once maintenance was entered (leaving it keeps it, `active: false`). */
const maintenanceDoc = (s: BackupSetup) => s.store.collection('maintenance').findOne({ _id: 'mode' });

/** The staging of a restore (by its journaled token) was dropped: nothing can be swapped in from it. */
async function expectStagingDropped(s: BackupSetup, token: string | undefined): Promise<void> {
  expect(token).toEqual(expect.any(String));
  const staging = await s.store.resumeRestore(token as string);
  await expect(staging.swap('accounts')).rejects.toThrow(/aborted/);
}

describe(BackupService.name, () => {
  describe('restore', () => {
    it('decodes every line of a replaced collection once; only the append-only files are read again', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      await s.changeLive();
      const reads = countingReads(s.repository);
      const restored = await serviceOn(s, reads.repository).restore({ name: backup.name, drop: true });

      expect(restored.documents).toBe(37);
      const manifest = await s.readManifest(backup.name);
      for (const c of manifest.collections) {
        // Append-only collections are merged after the swap, from a second read (they are small).
        const times = restoreMode(c.name) === 'merge' ? 2 : 1;
        expect(reads.opened.get(c.file) ?? 0, c.file).toBe(times);
        expect(reads.lines.get(c.file) ?? 0, c.file).toBe(times * c.count);
      }
      expect(reads.lines.get('ledgerEntries.json')).toBe(30);
      expect((await s.ledger.verifyLedger()).ok).toBe(true);
    });

    it('refuses a backup whose last file has a bad line, never entering maintenance and dropping its staging', async () => {
      const s = await setup();
      const backup = await s.backups.create();
      const manifest = await s.readManifest(backup.name);
      const last = manifest.collections.at(-1)!;
      // The manifest agrees with the damaged file: only decoding its line can tell.
      await s.forge(backup.name, last.file, '{"_id":"whf-1","eventId":\n', 1);
      await s.changeLive();
      const live = await s.liveState();
      const progress: BackupProgress[] = [];

      await expect(
        serviceOn(s, s.repository).restore({ name: backup.name, drop: true, onProgress: (p) => progress.push(p) }),
      ).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(
          new RegExp(`^backup ${backup.name} failed verification: ${last.file}:1 .*Extended JSON`),
        ),
      });

      // It had loaded the earlier collections into staging before it read the bad line.
      expect(progress).toContainEqual({ phase: 'restore', collection: 'ledgerEntries', done: 30, total: 30 });
      expect(await maintenanceDoc(s)).toBeNull();
      const journal = await new RestoreJournalRepository(s).last();
      expect(journal).toMatchObject({ state: 'rolled_back', backup: backup.name });
      await expectStagingDropped(s, journal?.token);
      expect(await s.liveState()).toEqual(live);
      expect((await s.backups.list())[0]?.lastVerification?.ok).toBe(false);
    });

    it('rolls back before maintenance when its lease is lost while loading', async () => {
      const { s, backup, live } = await backupThenChange();
      const lost = new AbortController();
      const lease: LeaseRunner = { exclusive: (_name, work) => work(lost.signal) };
      const onProgress = (p: BackupProgress) => {
        if (p.phase === 'restore' && p.collection === 'ledgerEntries') lost.abort(new Error('lease lost'));
      };

      await expect(
        serviceOn(s, s.repository, lease).restore({ name: backup.name, drop: true, onProgress }),
      ).rejects.toThrow('lease lost');

      expect(await maintenanceDoc(s)).toBeNull();
      const journal = await new RestoreJournalRepository(s).last();
      expect(journal).toMatchObject({ state: 'rolled_back', error: 'lease lost' });
      await expectStagingDropped(s, journal?.token);
      expect(await s.liveState()).toEqual(live);
    });

    it('is rolled back by the next start when its process stopped while loading, live data unchanged', async () => {
      const { s, backup, live } = await backupThenChange();
      const held = heldRead(s.repository, 'processedEvents.json');
      const stopped = serviceOn(s, held.repository).restore({ name: backup.name, drop: true });
      stopped.catch(() => undefined);
      await held.reached;

      // What the next start finds: the journal names the staging token; maintenance never began.
      const journals = new RestoreJournalRepository(s);
      const open = await journals.open();
      expect(open).toMatchObject({ state: 'staging', token: expect.any(String) });
      expect(open?.maintenanceSince).toBeUndefined();
      expect(await maintenanceDoc(s)).toBeNull();

      const report = await serviceOn(s, s.repository).recoverInterruptedRestore();

      expect(report).toMatchObject({ action: 'rolled_back', backup: backup.name });
      expect(await journals.open()).toBeNull();
      expect(await maintenanceDoc(s)).toBeNull();
      await expectStagingDropped(s, open?.token);
      expect(await s.liveState()).toEqual(live);
      // The stopped restore finds its staging gone and changes nothing either.
      held.release(new Error('the process is gone'));
      await expect(stopped).rejects.toThrow();
      expect(await s.liveState()).toEqual(live);
    });

    it('is rolled back, maintenance ended, by the next start when it stopped after loading, while draining', async () => {
      const { s, backup, live } = await backupThenChange();
      // The steps of a restore up to maintenance on, in their order, then nothing: the process died.
      const { manifest } = await readManifest(s.repository, backup.name);
      const journals = new RestoreJournalRepository(s);
      await journals.begin({ backup: backup.name, drop: true, actor: { type: 'system', id: 'test' }, replace: [] });
      const staging = await s.store.beginRestore();
      await journals.update({ token: staging.token });
      await verifyAndStage({
        staging,
        manifest: manifest!,
        source: s.store,
        drop: true,
        verify: (sink) => verifyManifestFiles(s.repository, manifest!, 4, undefined, sink),
      });
      await staging.seal();
      await journals.update({ state: 'draining' });
      const maintenance = new MaintenanceService(s);
      await maintenance.enter({ reason: `restore of backup ${backup.name}`, by: { type: 'system', id: 'test' } });

      const report = await serviceOn(s, s.repository).recoverInterruptedRestore();

      expect(report).toMatchObject({ action: 'rolled_back', backup: backup.name });
      expect(await maintenance.current()).toBeNull();
      await expectStagingDropped(s, staging.token);
      expect(await s.liveState()).toEqual(live);
    });

    it('accepts writes while it loads; the swap replaces them with the backup', async () => {
      const s = await setup();
      const before = await s.liveState();
      const backup = await s.backups.create();
      const held = heldRead(s.repository, 'processedEvents.json');
      const restoring = serviceOn(s, held.repository).restore({ name: backup.name, drop: true });
      await held.reached;
      // Through the maintenance gate, as every service writes: loading refuses nothing.
      await new LedgerService({ store: gateWrites(s.store), clock: s.clock }).grant({
        accountId: 'acct0000001',
        amount: 4,
        reason: 'while the backup loads',
        idempotencyKey: 'while-loading',
        actor: { type: 'system', id: 'test' },
        source: { type: 'system' },
      });
      expect(await s.store.collection('ledgerEntries').count({})).toBe(31);
      held.release();

      await restoring;

      const { auditLog, ...after } = await s.liveState();
      const { auditLog: _, ...expected } = before;
      expect(after).toEqual(expected);
      expect(auditLog).toHaveLength(1);
      expect((await maintenanceDoc(s))?.active).toBe(false);
      expect((await s.ledger.verifyLedger()).ok).toBe(true);
    });
  });
});

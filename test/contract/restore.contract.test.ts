/**
 * Restore against every adapter, with the service's own pieces: maintenance mode refuses writes
 * while the restore runs (and only then), concurrent writers never tear the ledger, the audit log
 * only grows, and a restore interrupted by a crash is rolled forward or back from its journal.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsBackupRepository } from '../../src/backups/fs-backup.repository.js';
import { collectionsTo, verifyAndStage } from '../../src/domain/backups/backup-restore.js';
import { BackupService } from '../../src/domain/backups/backup.service.js';
import { readManifest, verifyManifestFiles } from '../../src/domain/backups/backup-verify.js';
import { RestoreJournalRepository } from '../../src/domain/backups/restore-journal.repository.js';
import { DomainError } from '../../src/domain/errors.js';
import { LedgerService } from '../../src/domain/ledger/ledger.service.js';
import { gateWrites } from '../../src/store/maintenance-gate.js';
import { MaintenanceService } from '../../src/domain/maintenance/maintenance.service.js';
import type { BackupSource } from '../../src/domain/ports/backup-source.port.js';
import type { Actor } from '../../src/domain/ports/documents.js';
import { systemClock } from '../../src/domain/ports/runtime.port.js';
import { seedLedger, tempDir } from '../helpers/backup-fixtures.js';
import { heldRead } from '../helpers/backup-repository-taps.js';
import { storeAdapters, type TestStore } from './adapters.js';

type BackupStore = TestStore & BackupSource;
const admin: Actor = { type: 'admin', id: 'ops-1', name: 'Ops' };
const writer: Actor = { type: 'system', id: 'writer' };

interface Write {
  key: string;
  accountId: string;
  /** The writer read the maintenance switch as on just before it wrote. */
  sawMaintenance: boolean;
  /** The write began after the restore had returned. */
  afterRestore: boolean;
  outcome: 'ok' | 'refused';
  entryId?: string;
}

for (const adapter of storeAdapters('restore contract suite')) {
  describe.skipIf(adapter.skip)(`restore (${adapter.name})`, () => {
    let store: BackupStore;
    let dir: Awaited<ReturnType<typeof tempDir>>;
    let backups: BackupService;
    let ledger: LedgerService;
    let maintenance: MaintenanceService;

    beforeEach(async () => {
      store = (await adapter.create()) as BackupStore;
      dir = await tempDir();
      const gated = gateWrites(store);
      maintenance = new MaintenanceService({ store, clock: systemClock });
      ledger = new LedgerService({ store: gated, clock: systemClock });
      backups = new BackupService({
        store,
        maintenance,
        repository: new FsBackupRepository(dir.path),
        clock: systemClock,
        toolVersion: 'test',
        batchSize: 50,
      });
      await seedLedger(store, { accounts: 8, entriesPerAccount: 150 });
    });
    afterEach(() => dir.remove());
    afterAll(() => adapter.shutdown());

    const accountIds = async () =>
      (await store.collection('accounts').find({}, { sort: { _id: 1 } })).map((a) => a._id);

    it('refuses or keeps every concurrent write, and leaves the ledger consistent', async () => {
      const backup = await backups.create();
      const ids = await accountIds();
      const writes: Write[] = [];
      let restored = false;
      let failed = false;
      const runWriter = async (w: number) => {
        let after = 0;
        for (let i = 0; after < 3 && !failed; i += 1) {
          // Real writers arrive from the network: let I/O (the restore reading its files) run in between.
          await new Promise((resolve) => setImmediate(resolve));
          const afterRestore = restored;
          const mode = await store.collection('maintenance').findOne({ _id: 'mode' });
          const write: Write = {
            key: `w${w}-${i}`,
            accountId: ids[(w + i) % ids.length] as string,
            sawMaintenance: mode?.active === true,
            afterRestore,
            outcome: 'ok',
          };
          try {
            const entry = await ledger.grant({
              accountId: write.accountId,
              amount: 1,
              reason: 'concurrent writer',
              idempotencyKey: write.key,
              actor: writer,
              source: { type: 'system' },
            });
            write.entryId = entry.id;
          } catch (error) {
            if (!(error instanceof DomainError) || error.code !== 'MAINTENANCE') throw error;
            write.outcome = 'refused';
          }
          writes.push(write);
          if (afterRestore) after += 1;
        }
      };
      const writers = Array.from({ length: 4 }, (_, w) => runWriter(w));
      const summary = await backups.restore({ name: backup.name, drop: true, actor: admin }).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      restored = true;
      await Promise.all(writers);

      expect(summary.name).toBe(backup.name);
      expect(await maintenance.current()).toBeNull();
      expect(writes.filter((w) => w.outcome === 'refused').length).toBeGreaterThan(0);
      for (const w of writes) {
        // By key, not by the id a grant returned: a refused grant returned none but must have left none.
        const entry = await store
          .collection('ledgerEntries')
          .findOne({ accountId: w.accountId, idempotencyKey: w.key });
        // Refused: nothing of it exists. Begun once maintenance was on, or after the restore: kept.
        if (w.outcome === 'refused') expect(entry, w.key).toBeNull();
        else if (w.sawMaintenance || w.afterRestore) expect(entry, w.key).not.toBeNull();
      }
      expect(writes.filter((w) => w.afterRestore).every((w) => w.outcome === 'ok')).toBe(true);
      const verification = await ledger.verifyLedger();
      expect(verification.drift).toEqual([]);
    });

    it('keeps audit rows written since the backup and audits the restore with its actor and backup', async () => {
      await store.collection('auditLog').insertOne({
        _id: 'before-backup',
        actor: admin,
        action: 'credits.add',
        target: { type: 'account', id: 'a' },
        createdAt: new Date(),
      });
      const backup = await backups.create();
      const since = {
        _id: 'after-backup',
        actor: admin,
        action: 'credits.add',
        target: { type: 'account', id: 'b' },
        createdAt: new Date(),
      };
      await gateWrites(store).collection('auditLog').insertOne(since);
      await store.collection('auditLog').deleteOne({ _id: 'before-backup' });

      await backups.restore({ name: backup.name, drop: true, actor: admin });

      const audit = await store.collection('auditLog').find({}, { sort: { _id: 1 } });
      expect(audit.find((d) => d._id === 'after-backup')).toEqual(since);
      expect(audit.find((d) => d._id === 'before-backup')).toBeDefined();
      const restoreRows = audit.filter((d) => d.action === 'backup.restore');
      expect(restoreRows).toHaveLength(1);
      expect(restoreRows[0]).toMatchObject({ actor: admin, target: { type: 'backup', id: backup.name } });
    });

    it('refuses a second restore while one is open, and never enters maintenance for it', async () => {
      const backup = await backups.create();
      const journal = new RestoreJournalRepository({ store, clock: systemClock });
      await journal.begin({ backup: backup.name, drop: true, actor: admin, replace: [] });
      await journal.update({ state: 'swapping', token: 'f'.repeat(12) });
      await expect(
        new BackupService({
          store,
          repository: new FsBackupRepository(dir.path),
          clock: systemClock,
          toolVersion: 'test',
        })['restores'].run(
          (await readManifest(new FsBackupRepository(dir.path), backup.name)).manifest!,
          {
            name: backup.name,
            drop: true,
            actor: admin,
          },
          new AbortController().signal,
        ),
      ).rejects.toThrow(/has not finished/);
      // Leaving maintenance keeps the switch document (active: false): none at all means never entered.
      expect(await store.collection('maintenance').findOne({ _id: 'mode' })).toBeNull();
      expect(await journal.open()).toMatchObject({ state: 'swapping', token: 'f'.repeat(12) });
    });

    describe('after a crash', () => {
      /** A backup, then a grant it does not hold (a restore must take it away again). */
      async function backupThenGrant() {
        const backup = await backups.create();
        await ledger.grant({
          accountId: (await accountIds())[0] as string,
          amount: 5,
          reason: 'after the backup',
          idempotencyKey: 'after-backup',
          actor: writer,
          source: { type: 'system' },
        });
        return backup;
      }

      /**
       * Does what a restore did up to `stopAfterSwapping` swaps, then stops as if the process died.
       * The steps follow the journal order of restores that loaded staging inside maintenance, which
       * the next start must still recover (a restore now loads first; backup-restore-pass.test.ts).
       */
      async function crashMidRestore(stopAfterSwapping: number | null) {
        const backup = await backupThenGrant();
        const repository = new FsBackupRepository(dir.path);
        const { manifest } = await readManifest(repository, backup.name);
        if (!manifest) throw new Error('no manifest');
        const journal = new RestoreJournalRepository({ store, clock: systemClock });
        const replace = collectionsTo(manifest, 'replace').map((c) => ({ name: c.name, swapped: false }));
        await journal.begin({ backup: backup.name, drop: true, actor: admin, replace });
        const since = await maintenance.enter({ reason: `restore of backup ${backup.name}`, by: admin });
        await journal.update({ maintenanceSince: since });
        const staging = await store.beginRestore();
        await journal.update({ state: 'staging', token: staging.token });
        await verifyAndStage({
          staging,
          manifest,
          source: store,
          drop: true,
          verify: (sink) => verifyManifestFiles(repository, manifest, 100, undefined, sink),
        });
        await staging.seal();
        if (stopAfterSwapping === null) return { backup, staging };
        await journal.update({ state: 'swapping' });
        for (const c of replace.slice(0, stopAfterSwapping)) {
          await staging.swap(c.name);
          await journal.markSwapped(c.name);
        }
        return { backup, staging };
      }

      it('rolls a restore that stopped between two swaps forward at the next start', async () => {
        const { backup } = await crashMidRestore(1);
        await expect(
          ledger.grant({
            accountId: (await accountIds())[1] as string,
            amount: 1,
            reason: 'during the outage',
            idempotencyKey: 'outage',
            actor: writer,
            source: { type: 'system' },
          }),
        ).rejects.toMatchObject({ code: 'MAINTENANCE' });

        const report = await backups.recoverInterruptedRestore();

        expect(report).toMatchObject({ action: 'rolled_forward', backup: backup.name });
        expect(await maintenance.current()).toBeNull();
        expect(
          await store.collection('ledgerEntries').findOne({ idempotencyKey: { $regex: 'after-backup$' } }),
        ).toBeNull();
        expect((await ledger.verifyLedger()).drift).toEqual([]);
        const audit = await store.collection('auditLog').find({ action: 'backup.restore' });
        expect(audit).toEqual([
          expect.objectContaining({ actor: admin, details: expect.objectContaining({ resumed: true }) }),
        ]);
        expect((await new RestoreJournalRepository({ store, clock: systemClock }).last())?.state).toBe('completed');
      });

      it('rolls back a restore that stopped while loading, before maintenance began', async () => {
        const backup = await backupThenGrant();
        const before = await store.collection('ledgerEntries').count({});
        const held = heldRead(new FsBackupRepository(dir.path), 'processedEvents.json');
        const stopped = new BackupService({
          store,
          maintenance,
          repository: held.repository,
          clock: systemClock,
          toolVersion: 'test',
          batchSize: 50,
        }).restore({ name: backup.name, drop: true, actor: admin });
        stopped.catch(() => undefined);
        await held.reached;
        const journal = new RestoreJournalRepository({ store, clock: systemClock });
        expect(await journal.open()).toMatchObject({ state: 'staging', token: expect.any(String) });

        const report = await backups.recoverInterruptedRestore();

        expect(report).toMatchObject({ action: 'rolled_back', backup: backup.name });
        expect(await store.collection('maintenance').findOne({ _id: 'mode' })).toBeNull();
        expect(await journal.open()).toBeNull();
        held.release(new Error('the process is gone'));
        await expect(stopped).rejects.toThrow();
        expect(await store.collection('ledgerEntries').count({})).toBe(before);
        await store.readSnapshot(async (reader) => {
          for (const name of await reader.collections()) expect(name.startsWith('__restore_')).toBe(false);
        });
      });

      it('rolls a restore that stopped before swapping back, leaving live data as it was', async () => {
        const before = await store.collection('ledgerEntries').count({});
        await crashMidRestore(null);
        const report = await backups.recoverInterruptedRestore();
        expect(report.action).toBe('rolled_back');
        expect(await maintenance.current()).toBeNull();
        expect(await store.collection('ledgerEntries').count({})).toBe(before + 1);
        await store.readSnapshot(async (reader) => {
          for (const name of await reader.collections()) expect(name.startsWith('__restore_')).toBe(false);
        });
      });
    });
  });
}

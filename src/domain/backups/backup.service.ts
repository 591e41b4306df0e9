import { DomainError } from '../errors.js';
import type { BackupRepository, WrittenTextCheck, WrittenTextCheckFactory } from '../ports/backup-repository.port.js';
import { backupSourceOf, type BackupSource } from '../ports/backup-source.port.js';
import type { Clock, Logger } from '../ports/runtime.port.js';
import type { LeaseRunner } from '../ports/lease.port.js';
import type { Store } from '../ports/store.port.js';
import { MaintenanceService } from '../maintenance/maintenance.service.js';
import { RestoreJournalRepository } from './restore-journal.repository.js';
import { RestoreProcess, type RecoveryReport } from './restore.process.js';
import {
  BACKUP_FORMAT,
  MANIFEST_FILE,
  backupNameFor,
  summarizeManifest,
  type BackupManifest,
} from './backup-manifest.js';
import { writeCollections } from './backup-write.js';
import { planRetention } from './backup-retention.js';
import { BackupCatalog } from './backup-catalog.js';
import { verificationFailed } from './backup-verify.js';
import type {
  BackupSummary,
  BackupVerification,
  CreateBackupInput,
  PruneSummary,
  RestoreBackupInput,
  RestoreSummary,
  ScheduledBackupSummary,
  VerifyBackupInput,
} from './backup.types.js';

export interface BackupServiceOptions {
  /** The store without the maintenance gate (a restore writes its journal and audit row in maintenance). */
  store: Store;
  repository: BackupRepository;
  clock: Clock;
  logger?: Logger;
  toolVersion: string;
  gzip?: boolean;
  retention?: number;
  /** Documents held in memory at once while reading or writing. */
  batchSize?: number;
  /** The `backup` lease every backup, manual or scheduled, and every restore runs under (the JobService). */
  lease?: LeaseRunner;
  maintenance?: MaintenanceService;
  /**
   * Checks a new backup's text while it is written, so that its verify reads back only digests.
   * Without it (or when the check fails) a new backup is verified by reading its files back.
   */
  writtenCheck?: WrittenTextCheckFactory;
}

/** The one lease of backups and restores: the scheduled job's (src/jobs/backup.job.ts names the job so). */
export const BACKUP_LEASE = 'backup';

/** Without a JobService (tests, tools): one backup or restore at a time in this process. */
function processLease(): LeaseRunner {
  let busy = false;
  return {
    async exclusive(lease, work) {
      if (busy) throw new DomainError('CONFLICT', `${lease} is busy: another run in this process`);
      busy = true;
      try {
        return await work(new AbortController().signal);
      } finally {
        busy = false;
      }
    },
  };
}

type Resolved = Required<Omit<BackupServiceOptions, 'logger' | 'writtenCheck'>> &
  Pick<BackupServiceOptions, 'logger' | 'writtenCheck'>;

/**
 * Backups of the whole database (README.md "Operations"): consistent, streamed, verifiable, restorable
 * without ever leaving a half-restored database, and pruned without losing the last good one.
 */
export class BackupService {
  private readonly o: Resolved;
  private readonly source: BackupSource;
  private readonly restores: RestoreProcess;
  private readonly catalog: BackupCatalog;

  constructor(options: BackupServiceOptions) {
    this.o = {
      ...options,
      gzip: options.gzip ?? false,
      retention: options.retention ?? 10,
      batchSize: options.batchSize ?? 1000,
      lease: options.lease ?? processLease(),
      maintenance: options.maintenance ?? new MaintenanceService({ store: options.store, clock: options.clock }),
    };
    this.source = backupSourceOf(options.store);
    this.catalog = new BackupCatalog(this.o);
    this.restores = new RestoreProcess({
      ...this.o,
      source: this.source,
      journal: new RestoreJournalRepository(this.o),
    });
  }

  get retention(): number {
    return this.o.retention;
  }

  get location(): string {
    return this.o.repository.location;
  }

  /**
   * A backup on demand (GraphQL, CLI): the scheduled job's steps under the scheduled job's lease —
   * never two backups or a backup and a restore at once on any instance — then retention.
   */
  async create(input: CreateBackupInput = {}): Promise<BackupSummary> {
    const r = await this.o.lease.exclusive(BACKUP_LEASE, (signal) => this.backupVerifyPrune(input, signal), {
      duringMaintenance: true,
      summary: (r) => ({
        backup: r.backup.name,
        documents: r.backup.documents,
        deleted: r.prune.deleted,
        manual: true,
      }),
    });
    return r.backup;
  }

  /**
   * Writes `<name>.tmp`, then renames it: a backup is listed only once every byte is on disk. The
   * check of its text, when there is one, is the caller's to finish and close.
   */
  private async write(
    input: CreateBackupInput,
    signal?: AbortSignal,
  ): Promise<{ summary: BackupSummary; manifest: BackupManifest; check: WrittenTextCheck | null }> {
    const createdAt = this.o.clock.now();
    const name = await this.freshName(createdAt);
    const writer = await this.o.repository.begin(name);
    let manifest: BackupManifest;
    let check: WrittenTextCheck | null = null;
    try {
      manifest = await this.source.readSnapshot(async (reader) => {
        const written = await writeCollections(reader, writer, {
          ...this.o,
          onProgress: input.onProgress,
          signal,
          startedAt: this.o.clock.now(),
          clock: this.o.clock,
          check: this.o.writtenCheck,
        });
        check = written.check;
        return {
          format: BACKUP_FORMAT,
          name,
          createdAt: createdAt.toISOString(),
          completedAt: this.o.clock.now().toISOString(),
          database: reader.database,
          engine: reader.engine,
          toolVersion: this.o.toolVersion,
          gzip: this.o.gzip,
          collections: written.collections,
        };
      });
      await writer.writeJson(MANIFEST_FILE, manifest);
      await writer.commit();
    } catch (error) {
      await (check as WrittenTextCheck | null)?.close();
      await writer.abort().catch(() => undefined);
      throw error;
    }
    const summary = summarizeManifest(manifest, null);
    this.o.logger?.info(
      { backup: name, documents: summary.documents, bytes: summary.bytes, location: this.location },
      'backup created',
    );
    return { summary, manifest, check };
  }

  /**
   * Verifies a backup just written: from its check's report and its files' digests when its text
   * was checked as written, by reading its files back otherwise (or when that check failed).
   */
  private async verifyNew(manifest: BackupManifest, check: WrittenTextCheck | null): Promise<BackupVerification> {
    if (check) {
      try {
        return await this.catalog.verifyWritten(manifest, await check.finish());
      } catch (e) {
        this.o.logger?.warn(
          { err: e, backup: manifest.name },
          'checking the new backup as written failed; reading it back',
        );
      } finally {
        await check.close();
      }
    }
    return this.verify({ name: manifest.name });
  }

  /** Complete backups, newest first. */
  list(): Promise<BackupSummary[]> {
    return this.catalog.list();
  }

  verify(input: VerifyBackupInput): Promise<BackupVerification> {
    return this.catalog.verify(input);
  }

  /**
   * Refuses a backup that fails verify. Verify and loading are one read: documents go into staging
   * collections as they are checked (before maintenance; nothing live changes) and are swapped in
   * only when every file verified and every document loaded, so a failed restore leaves the live
   * data as it was.
   */
  async restore(input: RestoreBackupInput): Promise<RestoreSummary> {
    return this.o.lease.exclusive(
      BACKUP_LEASE,
      async (signal) => {
        await this.restores.recover();
        // Restores exactly the manifest that was verified, not one read again afterwards.
        const opened = await this.catalog.open(input.name);
        if (!opened.manifest)
          throw verificationFailed(input.name, (await this.catalog.verifyOpened(input, opened)).problems);
        return this.restores.run(opened.manifest, input, signal, (sink) =>
          this.catalog.verifyOpened(input, opened, sink),
        );
      },
      { run: 'restore', duringMaintenance: true, summary: (r) => ({ restore: r.name, documents: r.documents }) },
    );
  }

  /**
   * Finishes (or undoes) a restore that a crash or a failed swap interrupted, from its journal.
   * Run at start-up; a live restore elsewhere holds the lease, and then this does nothing.
   */
  async recoverInterruptedRestore(): Promise<RecoveryReport> {
    if (!(await this.restores.needsRecovery())) return { action: 'none', detail: 'no interrupted restore' };
    return this.o.lease
      .exclusive(BACKUP_LEASE, () => this.restores.recover(), {
        run: 'restore-recovery',
        duringMaintenance: true,
        summary: (r) => ({ ...r }),
      })
      .catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'CONFLICT')
          return { action: 'none' as const, detail: `not now: ${error.message}` };
        throw error;
      });
  }

  /** Applies the retention policy; unfinished backups older than a day are removed too. */
  async prune(): Promise<PruneSummary> {
    const entries = await this.o.repository.list();
    const complete = await this.list();
    const plan = planRetention(
      complete.map((b) => ({ name: b.name, verified: b.lastVerification?.ok === true })),
      entries.filter((e) => !e.complete).map((e) => e.name),
      this.o.retention,
      this.o.clock.now(),
    );
    for (const name of plan.remove) await this.o.repository.remove({ name, complete: true });
    for (const name of plan.removeIncomplete) await this.o.repository.remove({ name, complete: false });
    if (plan.remove.length + plan.removeIncomplete.length > 0)
      this.o.logger?.info({ deleted: plan.remove, removedIncomplete: plan.removeIncomplete }, 'backups pruned');
    return {
      retention: this.o.retention,
      kept: plan.keep,
      deleted: plan.remove,
      spared: plan.spared,
      removedIncomplete: plan.removeIncomplete,
    };
  }

  /**
   * The scheduled job, run under its lease: finish an interrupted restore if there is one, back up,
   * verify what was written, and only then prune older backups.
   */
  async runScheduled(signal?: AbortSignal): Promise<ScheduledBackupSummary> {
    const recovery = await this.restores.recover();
    if (recovery.action !== 'none') this.o.logger?.warn({ ...recovery }, 'backup job finished an interrupted restore');
    return this.backupVerifyPrune({}, signal);
  }

  private async backupVerifyPrune(input: CreateBackupInput, signal?: AbortSignal): Promise<ScheduledBackupSummary> {
    const { summary: backup, manifest, check } = await this.write(input, signal);
    const verification = await this.verifyNew(manifest, check);
    if (!verification.ok) {
      const first = verification.problems[0];
      throw new DomainError('INTERNAL', `new backup ${backup.name} failed verify: ${first?.file} ${first?.problem}`);
    }
    const prune = await this.prune();
    return { backup: { ...backup, lastVerification: { at: verification.checkedAt, ok: true } }, verification, prune };
  }

  private async freshName(at: Date): Promise<string> {
    const taken = new Set((await this.o.repository.list()).map((e) => e.name));
    for (let attempt = 0; ; attempt += 1) {
      const name = backupNameFor(at, attempt);
      if (!taken.has(name)) return name;
    }
  }
}

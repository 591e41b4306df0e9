import { AuditRepository } from '../audit/audit.repository.js';
import { DomainError } from '../errors.js';
import type { BackupRepository } from '../ports/backup-repository.port.js';
import type { BackupSource, DrainReport, RestoreStaging } from '../ports/backup-source.port.js';
import type { Actor, RestoreJournalDoc } from '../ports/documents.js';
import type { Clock, Logger } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import type { MaintenanceService } from '../maintenance/maintenance.service.js';
import type { BackupManifest } from './backup-manifest.js';
import { assertEmpty, collectionsTo, forEachBatch, verifyAndStage, type VerifyPass } from './backup-restore.js';
import { readManifest, verifyManifestFiles } from './backup-verify.js';
import type { RestoreBackupInput, RestoreSummary } from './backup.types.js';
import type { RestoreJournalRepository } from './restore-journal.repository.js';

export interface RestoreDeps {
  /** The store without the maintenance gate: the restore writes (journal, audit) while maintenance is on. */
  store: Store;
  source: BackupSource;
  repository: BackupRepository;
  maintenance: MaintenanceService;
  journal: RestoreJournalRepository;
  clock: Clock;
  logger?: Logger;
  batchSize: number;
}

export interface RecoveryReport {
  action: 'none' | 'rolled_back' | 'rolled_forward' | 'maintenance_cleared';
  backup?: string;
  detail: string;
}

const SYSTEM_ACTOR: Actor = { type: 'system', id: 'backups' };
const REASON_PREFIX = 'restore of backup ';

/**
 * A restore that no concurrent write can tear, run by the BackupService under the backup lease:
 *
 * 1. journal `staging` + token: in one read the backup is verified and loaded into staging copies,
 *    indexes are built there. Staging copies are private to the restore, so writes go on meanwhile
 *    and a backup that fails verify is refused without maintenance ever beginning;
 * 2. journal `draining`, maintenance on (every replica's writes are refused from here on), then wait
 *    until no transaction begun before maintenance can still commit;
 * 3. journal `swapping` — the point of no return: each staging copy replaces its live collection
 *    (marked in the journal one by one), then append-only collections get the backup's missing rows;
 * 4. the restore is audited, journal `completed`, maintenance off.
 *
 * Journals written before loading moved ahead of maintenance say `draining` then `staging`; recovery
 * reads both orders. A failure before 3 drops this restore's staging and ends maintenance if it began:
 * live data is as it was.
 * A failure in 3 is finished at once if possible; otherwise maintenance stays on and the next start
 * (or backup run) rolls it forward from the journal.
 */
export class RestoreProcess {
  private readonly auditLog: AuditRepository;

  constructor(private readonly d: RestoreDeps) {
    this.auditLog = new AuditRepository(d);
  }

  /** `verify` defaults to a pass that is not recorded next to the backup. */
  async run(
    manifest: BackupManifest,
    input: RestoreBackupInput,
    signal: AbortSignal,
    verify?: VerifyPass,
  ): Promise<RestoreSummary> {
    const actor = input.actor ?? SYSTEM_ACTOR;
    const replace = collectionsTo(manifest, 'replace').map((c) => ({ name: c.name, swapped: false }));
    await this.d.journal.begin({ backup: manifest.name, drop: input.drop, actor, replace });
    let since: Date | undefined;
    let staging: RestoreStaging | undefined;
    let drain: DrainReport;
    try {
      staging = await this.d.source.beginRestore();
      // Journaled before the first staging copy exists: a crash from here on drops them at the next start.
      await this.d.journal.update({ token: staging.token });
      await verifyAndStage({
        ...input,
        source: this.d.source,
        staging,
        manifest,
        signal,
        verify:
          verify ??
          ((sink) => verifyManifestFiles(this.d.repository, manifest, this.d.batchSize, input.onProgress, sink)),
      });
      await staging.seal();
      await this.d.journal.update({ state: 'draining' });
      since = await this.d.maintenance.enter({ reason: `${REASON_PREFIX}${manifest.name}`, by: actor });
      await this.d.journal.update({ maintenanceSince: since });
      drain = await this.d.source.drainTransactions(since, signal);
      this.d.logger?.info({ backup: manifest.name, ...drain }, 'restore: older transactions drained');
      // Writes went on while the backup loaded: only now can none fill a collection any more.
      if (!input.drop) await assertEmpty(this.d.source, manifest);
      // The last moment to stop: a lease that could not be renewed means another holder may start.
      signal.throwIfAborted();
    } catch (error) {
      await this.rollBack(staging, since, error);
      throw error;
    }
    await this.d.journal.update({ state: 'swapping' });
    const journal = (await this.d.journal.open()) as RestoreJournalDoc;
    try {
      await this.finish(journal, staging, manifest, { resumed: false, drain });
    } catch (first) {
      this.d.logger?.warn({ err: first, backup: manifest.name }, 'restore: swapping failed once; trying again');
      try {
        await this.finish((await this.d.journal.open()) ?? journal, staging, manifest, { resumed: false, drain });
      } catch (error) {
        throw await this.stuck(journal, error);
      }
    }
    return summarize(manifest, input.drop, this.d.clock.now());
  }

  /** Cheap reads: is there an interrupted restore (or its maintenance) to deal with? */
  async needsRecovery(): Promise<boolean> {
    if (await this.d.journal.open()) return true;
    return (await this.d.maintenance.current())?.reason.startsWith(REASON_PREFIX) ?? false;
  }

  /**
   * Finishes or undoes a restore the journal shows as interrupted (the process died, or the swap
   * failed twice). Run under the backup lease, at start-up and before each backup.
   */
  async recover(): Promise<RecoveryReport> {
    const open = await this.d.journal.open();
    if (!open) {
      const state = await this.d.maintenance.current();
      if (!state?.reason.startsWith(REASON_PREFIX)) return { action: 'none', detail: 'no interrupted restore' };
      // The journal says the restore ended but maintenance stayed on: the process died in between.
      await this.d.maintenance.leave();
      return { action: 'maintenance_cleared', detail: `maintenance of a finished ${state.reason} ended` };
    }
    if (open.state !== 'swapping' || !open.token) {
      const staging = open.token ? await this.d.source.resumeRestore(open.token).catch(() => undefined) : undefined;
      await staging?.abort();
      const detail = `restore of ${open.backup} was interrupted while ${open.state}, before any collection was swapped; rolled back, live data unchanged`;
      await this.d.journal.update({ state: 'rolled_back', error: detail });
      // `staging` without `maintenanceSince`: interrupted while loading, before maintenance began.
      if (open.state === 'draining' || open.maintenanceSince) await this.d.maintenance.leave();
      this.d.logger?.warn({ backup: open.backup, state: open.state }, detail);
      return { action: 'rolled_back', backup: open.backup, detail };
    }
    const staging = await this.d.source.resumeRestore(open.token);
    const { manifest } = await readManifest(this.d.repository, open.backup);
    await this.finish(open, staging, manifest, { resumed: true });
    const done = open.replace.filter((c) => c.swapped).map((c) => c.name);
    const detail = `restore of ${open.backup} rolled forward (already swapped before the interruption: ${done.join(', ') || 'none'})`;
    this.d.logger?.warn({ backup: open.backup }, detail);
    return { action: 'rolled_forward', backup: open.backup, detail };
  }

  private async finish(
    journal: RestoreJournalDoc,
    staging: RestoreStaging,
    manifest: BackupManifest | null,
    extra: { resumed: boolean; drain?: DrainReport },
  ): Promise<void> {
    for (const c of journal.replace) {
      if (c.swapped) continue;
      await staging.swap(c.name);
      await this.d.journal.markSwapped(c.name);
    }
    const merged: Record<string, number> = {};
    if (manifest)
      for (const c of collectionsTo(manifest, 'merge')) {
        merged[c.name] = 0;
        await forEachBatch({ ...this.d, manifest }, c, async (docs) => {
          // Decoded for this merge and referenced nowhere else: handed over, not copied.
          merged[c.name] = (merged[c.name] ?? 0) + (await this.d.source.mergeDocuments(c.name, docs, 'hand-over'));
        });
      }
    else
      this.d.logger?.warn({ backup: journal.backup }, 'restore: backup files gone; append-only collections not merged');
    await this.audit(journal, manifest, merged, extra);
    await this.d.journal.update({ state: 'completed' });
    await this.d.maintenance.leave(journal.maintenanceSince);
    this.d.logger?.warn({ backup: journal.backup, merged, resumed: extra.resumed }, 'backup restored');
  }

  /** Written after the swap into the live audit log, which a restore only ever appends to. */
  private async audit(
    journal: RestoreJournalDoc,
    manifest: BackupManifest | null,
    merged: Record<string, number>,
    extra: { resumed: boolean; drain?: DrainReport },
  ): Promise<void> {
    await this.auditLog.record({
      actor: journal.actor,
      action: 'backup.restore',
      target: { type: 'backup', id: journal.backup },
      details: {
        drop: journal.drop,
        replaced: journal.replace.map((c) => c.name),
        merged,
        documents: manifest ? summarize(manifest, journal.drop, journal.startedAt).documents : null,
        maintenanceSince: journal.maintenanceSince?.toISOString() ?? null,
        resumed: extra.resumed,
        ...(extra.drain ? { drain: extra.drain } : {}),
      },
    });
  }

  private async rollBack(staging: RestoreStaging | undefined, since: Date | undefined, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    try {
      await staging?.abort();
      await this.d.journal.update({ state: 'rolled_back', error: message });
      if (since) await this.d.maintenance.leave(since);
    } catch (cleanup) {
      // The journal still says staging/draining: the next start drops the staging (and ends maintenance).
      this.d.logger?.error({ err: cleanup }, 'restore: could not roll back; the next start will');
    }
  }

  /** Swapping began and could not finish: one more attempt, then an error that tells the exact state. */
  private async stuck(journal: RestoreJournalDoc, error: unknown): Promise<Error> {
    const now = (await this.d.journal.open()) ?? journal;
    const swapped = now.replace.filter((c) => c.swapped).map((c) => c.name);
    const pending = now.replace.filter((c) => !c.swapped).map((c) => c.name);
    const message =
      `restore of ${journal.backup} stopped while swapping (${error instanceof Error ? error.message : String(error)}): ` +
      `swapped ${swapped.join(', ') || 'none'}; still staged under token ${journal.token}: ${pending.join(', ') || 'none'}. ` +
      'The service stays in maintenance; the next start of the service or the next backup run finishes the restore.';
    await this.d.journal.update({ error: message }).catch(() => undefined);
    this.d.logger?.error({ backup: journal.backup, swapped, pending, err: error }, message);
    return new DomainError('INTERNAL', message, { swapped, pending });
  }
}

function summarize(manifest: BackupManifest, drop: boolean, restoredAt: Date): RestoreSummary {
  const collections = manifest.collections.map((c) => ({ name: c.name, count: c.count }));
  return {
    name: manifest.name,
    drop,
    restoredAt,
    collections,
    documents: collections.reduce((n, c) => n + c.count, 0),
  };
}

import type { BackupService } from '../backups/backup.service.js';
import type { BackupSummary } from '../backups/backup.types.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { DomainError } from '../errors.js';
import { IdempotencyKeyRepository } from '../idempotency-key.repository.js';
import type { Actor, JobRunDoc } from '../ports/documents.js';
import type { Clock } from '../ports/runtime.port.js';
import type { Store } from '../ports/store.port.js';
import { idempotencyKey, parseInput } from '../validation.js';

/** One run of a scheduled job, as `jobRuns` records it. */
export interface JobRun {
  id: string;
  job: string;
  startedAt: Date;
  durationMs: number | null;
  outcome: JobRunDoc['outcome'];
  error: string | null;
  summary: Record<string, unknown> | null;
}

/**
 * What this service needs of the job runner: the lease-holding `run` and the run history. The jobs
 * service (src/domain/jobs) provides it; declared here because the domain lint keeps support from
 * importing anything under a `jobs/` folder.
 */
export interface JobRunner {
  run(job: string, work: () => Promise<{ summary?: Record<string, unknown> } | void>): Promise<JobRun>;
  listRuns(input: { job?: string; first?: number }): Promise<JobRun[]>;
  /** One recorded run; null when it is no longer recorded. */
  getRun(id: string): Promise<JobRun | null>;
}

export interface BackupSupportOptions {
  store: Store;
  clock: Clock;
  backups: BackupService;
  jobs: JobRunner;
}

export interface BackupStatus {
  location: string;
  retention: number;
  /** Complete backups, newest first (at most 5). */
  latest: BackupSummary[];
  total: number;
  /** The `backup` job's last runs, scheduled or on demand, newest first. */
  runs: JobRun[];
}

export interface BackupRunResult {
  run: JobRun;
  /** The backup this run wrote and verified; null when it was skipped or failed. */
  backup: BackupSummary | null;
  /** The same request was handled before: this is its result, nothing ran again. */
  replayed: boolean;
}

/** The name the scheduler gives the job (src/jobs/backup.job.ts): one lease for both. */
const BACKUP_JOB = 'backup';

/**
 * Backups as an admin asks for them from chat. An on-demand run is the scheduled job run now:
 * under the same `jobLocks` lease (never two backups at once, on any instance), backup → verify →
 * prune, recorded in `jobRuns`, and audited with the admin as actor.
 */
export class BackupSupportService {
  private readonly o: BackupSupportOptions;
  private readonly keys: IdempotencyKeyRepository;
  private readonly audit: AuditRepository;

  constructor(options: BackupSupportOptions) {
    this.o = options;
    this.keys = new IdempotencyKeyRepository(options);
    this.audit = new AuditRepository(options);
  }

  async status(): Promise<BackupStatus> {
    const all = await this.o.backups.list();
    const newest = [...all].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return {
      location: this.o.backups.location,
      retention: this.o.backups.retention,
      latest: newest.slice(0, 5),
      total: all.length,
      runs: await this.o.jobs.listRuns({ job: BACKUP_JOB, first: 5 }),
    };
  }

  async run(input: { actor: Actor; idempotencyKey: string }): Promise<BackupRunResult> {
    const key = parseInput(idempotencyKey, input.idempotencyKey);
    const written: { backup?: BackupSummary; run?: JobRun } = {};
    const { result, replayed } = await this.keys.once({ scope: 'backup.run', key, fingerprint: '[]' }, async () => {
      const run = await this.o.jobs.run(BACKUP_JOB, async () => {
        const r = await this.o.backups.runScheduled();
        written.backup = r.backup;
        return {
          summary: {
            backup: r.backup.name,
            documents: r.backup.documents,
            bytes: r.backup.bytes,
            deleted: r.prune.deleted,
            spared: r.prune.spared,
            requestedBy: input.actor.name ?? input.actor.id,
          },
        };
      });
      written.run = run;
      await this.audit.record({
        actor: input.actor,
        action: 'backup.run',
        target: { type: 'backup', id: written.backup?.name ?? run.id },
        details: { requestKey: key, runId: run.id, outcome: run.outcome },
      });
      return { runId: run.id };
    });
    if (replayed || !written.run) return this.replay(String(result.runId ?? ''));
    return { run: written.run, backup: written.backup ?? null, replayed: false };
  }

  private async replay(runId: string): Promise<BackupRunResult> {
    const run = await this.o.jobs.getRun(runId);
    if (!run) throw new DomainError('NOT_FOUND', 'the backup run of this request is no longer recorded');
    const name = typeof run.summary?.backup === 'string' ? run.summary.backup : null;
    const backup = name ? ((await this.o.backups.list()).find((b) => b.name === name) ?? null) : null;
    return { run, backup, replayed: true };
  }
}

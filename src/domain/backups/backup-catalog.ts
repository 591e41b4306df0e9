import { notFound } from '../errors.js';
import type { BackupEntry, BackupRepository, WrittenTextReport } from '../ports/backup-repository.port.js';
import type { Clock, Logger } from '../ports/runtime.port.js';
import {
  VERIFICATION_FILE,
  assertBackupName,
  compareNewestFirst,
  isBackupName,
  summarizeManifest,
  type BackupManifest,
} from './backup-manifest.js';
import {
  readManifest,
  verifyBackupFiles,
  verifyManifestFiles,
  verifyWrittenFiles,
  type VerifyOutcome,
  type VerifySink,
} from './backup-verify.js';
import type { BackupProblem, BackupSummary, BackupVerification, VerifyBackupInput } from './backup.types.js';

/** A complete backup's manifest as read once, for a restore to verify and load exactly that. */
export interface OpenedBackup {
  manifest: BackupManifest | null;
  problems: BackupProblem[];
}

export interface BackupCatalogOptions {
  repository: BackupRepository;
  clock: Clock;
  logger?: Logger;
  toolVersion: string;
  /** Documents held in memory at once while reading. */
  batchSize?: number;
}

/**
 * What can be known of backups from their files alone — which are complete, and whether one
 * verifies — with no database: an operator can check a backup on a machine that cannot reach one.
 */
export class BackupCatalog {
  constructor(private readonly o: BackupCatalogOptions) {}

  get location(): string {
    return this.o.repository.location;
  }

  /** Complete backups, newest first. */
  async list(): Promise<BackupSummary[]> {
    const out: BackupSummary[] = [];
    for (const entry of await this.o.repository.list()) {
      if (!entry.complete || !isBackupName(entry.name)) continue;
      const { manifest, problems } = await readManifest(this.o.repository, entry.name);
      if (!manifest) {
        this.o.logger?.warn({ backup: entry.name, problems }, 'backup directory with an unreadable manifest');
        continue;
      }
      out.push(summarizeManifest(manifest, await this.lastVerification(entry.name)));
    }
    return out.sort((a, b) => compareNewestFirst(a.name, b.name));
  }

  async verify(input: VerifyBackupInput): Promise<BackupVerification> {
    await this.requireComplete(input.name);
    const outcome = await verifyBackupFiles(this.o.repository, input.name, this.batchSize, input.onProgress);
    return this.record(input.name, outcome);
  }

  /** Reads the manifest of a complete backup (problems say why it cannot be read). */
  async open(name: string): Promise<OpenedBackup> {
    await this.requireComplete(name);
    return readManifest(this.o.repository, name);
  }

  /**
   * `verify` of an opened backup, recorded the same way; `sink` gets every document in the same
   * read (a restore loads its staging copies from it).
   */
  async verifyOpened(input: VerifyBackupInput, opened: OpenedBackup, sink?: VerifySink): Promise<BackupVerification> {
    const { manifest, problems } = opened;
    const outcome: VerifyOutcome = manifest
      ? {
          manifest,
          ...(await verifyManifestFiles(this.o.repository, manifest, this.batchSize, input.onProgress, sink)),
        }
      : { manifest, collections: [], problems };
    return this.record(input.name, outcome);
  }

  /**
   * `verify` of a backup just written whose text was checked as it was written (`report`), recorded
   * the same way: the files' digests are read back, not their documents.
   */
  async verifyWritten(manifest: BackupManifest, report: WrittenTextReport): Promise<BackupVerification> {
    await this.requireComplete(manifest.name);
    const outcome: VerifyOutcome = { manifest, ...(await verifyWrittenFiles(this.o.repository, manifest, report)) };
    return this.record(manifest.name, outcome);
  }

  private get batchSize(): number {
    return this.o.batchSize ?? 1000;
  }

  /** Records the outcome next to the backup (`list` shows it); a failed write is only logged. */
  private async record(name: string, outcome: VerifyOutcome): Promise<BackupVerification> {
    const checkedAt = this.o.clock.now();
    const ok = outcome.problems.length === 0;
    await this.o.repository
      .writeJson(name, VERIFICATION_FILE, { ok, at: checkedAt.toISOString(), toolVersion: this.o.toolVersion })
      .catch((e: unknown) => this.o.logger?.warn({ err: e, backup: name }, 'could not record the verification'));
    if (!ok) this.o.logger?.warn({ backup: name, problems: outcome.problems.slice(0, 10) }, 'backup failed verify');
    return { name, ok, checkedAt, collections: outcome.collections, problems: outcome.problems };
  }

  private async requireComplete(name: string): Promise<BackupEntry> {
    assertBackupName(name);
    const entry = (await this.o.repository.list()).find((e) => e.name === name && e.complete);
    if (!entry) throw notFound(`backup ${name}`, { name });
    return entry;
  }

  private async lastVerification(name: string): Promise<{ at: Date; ok: boolean } | null> {
    const v = (await this.o.repository.readJson(name, VERIFICATION_FILE).catch(() => null)) as {
      ok?: unknown;
      at?: unknown;
    } | null;
    if (!v || typeof v.ok !== 'boolean' || typeof v.at !== 'string') return null;
    return { ok: v.ok, at: new Date(v.at) };
  }
}

import { notFound } from '../errors.js';
import type { BackupEntry, BackupRepository } from '../ports/backup-repository.port.js';
import type { Clock, Logger } from '../ports/runtime.port.js';
import {
  VERIFICATION_FILE,
  assertBackupName,
  compareNewestFirst,
  isBackupName,
  summarizeManifest,
  type BackupManifest,
} from './backup-manifest.js';
import { readManifest, verifyBackupFiles } from './backup-verify.js';
import type { BackupSummary, BackupVerification, VerifyBackupInput } from './backup.types.js';

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
    return (await this.verifyAndRecord(input)).verification;
  }

  /** Verifies and records the outcome next to the backup; also returns the manifest that was checked. */
  async verifyAndRecord(
    input: VerifyBackupInput,
  ): Promise<{ verification: BackupVerification; manifest: BackupManifest | null }> {
    await this.requireComplete(input.name);
    const outcome = await verifyBackupFiles(this.o.repository, input.name, this.o.batchSize ?? 1000, input.onProgress);
    const checkedAt = this.o.clock.now();
    const ok = outcome.problems.length === 0;
    await this.o.repository
      .writeJson(input.name, VERIFICATION_FILE, { ok, at: checkedAt.toISOString(), toolVersion: this.o.toolVersion })
      .catch((e: unknown) => this.o.logger?.warn({ err: e, backup: input.name }, 'could not record the verification'));
    if (!ok)
      this.o.logger?.warn({ backup: input.name, problems: outcome.problems.slice(0, 10) }, 'backup failed verify');
    const { collections, problems } = outcome;
    return { verification: { name: input.name, ok, checkedAt, collections, problems }, manifest: outcome.manifest };
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

import { DomainError, notFound } from '../errors.js';
import type { BackupEntry, BackupRepository } from '../ports/backup-repository.port.js';
import { backupSourceOf, type BackupSource, type RawDocument } from '../ports/backup-source.port.js';
import type { Actor } from '../ports/documents.js';
import { INDEXES } from '../ports/indexes.js';
import type { Clock, Logger } from '../ports/runtime.port.js';
import type { IndexSpec, Store } from '../ports/store.port.js';
import {
  BACKUP_FORMAT,
  EXCLUDED_COLLECTIONS,
  MANIFEST_FILE,
  VERIFICATION_FILE,
  assertBackupName,
  backupNameFor,
  compareNewestFirst,
  dataFileName,
  isBackupName,
  metadataFileName,
  parseMetadata,
  toMetadata,
  type BackupManifest,
} from './backup-manifest.js';
import { planRetention } from './backup-retention.js';
import { readManifest, verifyBackupFiles } from './backup-verify.js';
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
  store: Store;
  repository: BackupRepository;
  clock: Clock;
  logger?: Logger;
  toolVersion: string;
  gzip?: boolean;
  retention?: number;
  /** Documents held in memory at once while reading or writing. */
  batchSize?: number;
}

const SYSTEM_ACTOR: Actor = { type: 'system', id: 'backups' };

async function* counted(
  source: AsyncIterable<RawDocument[]>,
  onBatch: (done: number) => void,
): AsyncGenerator<RawDocument[]> {
  let done = 0;
  for await (const batch of source) {
    yield batch;
    done += batch.length;
    onBatch(done);
  }
}

/**
 * Backups of the whole database (DESIGN.md "Operations"): consistent, streamed, verifiable, restorable
 * without ever leaving a half-restored database, and pruned without losing the last good one.
 */
export class BackupService {
  private readonly store: Store;
  private readonly source: BackupSource;
  private readonly repository: BackupRepository;
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private readonly toolVersion: string;
  private readonly gzip: boolean;
  readonly retention: number;
  private readonly batchSize: number;

  constructor(options: BackupServiceOptions) {
    this.store = options.store;
    this.source = backupSourceOf(options.store);
    this.repository = options.repository;
    this.clock = options.clock;
    this.logger = options.logger;
    this.toolVersion = options.toolVersion;
    this.gzip = options.gzip ?? false;
    this.retention = options.retention ?? 10;
    this.batchSize = options.batchSize ?? 1000;
  }

  get location(): string {
    return this.repository.location;
  }

  /** Writes `<name>.tmp`, then renames it: a backup is listed only once every byte is on disk. */
  async create(input: CreateBackupInput = {}): Promise<BackupSummary> {
    const createdAt = this.clock.now();
    const name = await this.freshName(createdAt);
    const writer = await this.repository.begin(name);
    let manifest: BackupManifest;
    try {
      manifest = await this.source.readSnapshot(async (reader) => {
        const names = (await reader.collections()).filter((n) => !EXCLUDED_COLLECTIONS.has(n)).sort();
        const collections: BackupManifest['collections'] = [];
        for (const collection of names) {
          const total = await reader.count(collection);
          const batches = counted(reader.documents(collection, this.batchSize), (done) =>
            input.onProgress?.({ phase: 'backup', collection, done, total }),
          );
          const data = await writer.writeDocuments(dataFileName(collection, this.gzip), batches);
          const metadataFile = metadataFileName(collection);
          const metadata = await writer.writeJson(
            metadataFile,
            toMetadata(collection, await reader.indexes(collection)),
          );
          collections.push({
            name: collection,
            file: data.file,
            count: data.count,
            sha256: data.sha256,
            bytes: data.bytes,
            metadata: { file: metadataFile, ...metadata },
          });
        }
        return {
          format: BACKUP_FORMAT,
          name,
          createdAt: createdAt.toISOString(),
          completedAt: this.clock.now().toISOString(),
          database: reader.database,
          engine: reader.engine,
          toolVersion: this.toolVersion,
          gzip: this.gzip,
          collections,
        };
      });
      await writer.writeJson(MANIFEST_FILE, manifest);
      await writer.commit();
    } catch (error) {
      await writer.abort().catch(() => undefined);
      throw error;
    }
    const summary = this.summarize(manifest, null);
    this.logger?.info(
      { backup: name, documents: summary.documents, bytes: summary.bytes, location: this.location },
      'backup created',
    );
    return summary;
  }

  /** Complete backups, newest first. */
  async list(): Promise<BackupSummary[]> {
    const out: BackupSummary[] = [];
    for (const entry of await this.repository.list()) {
      if (!entry.complete || !isBackupName(entry.name)) continue;
      const { manifest, problems } = await readManifest(this.repository, entry.name);
      if (!manifest) {
        this.logger?.warn({ backup: entry.name, problems }, 'backup directory with an unreadable manifest');
        continue;
      }
      out.push(this.summarize(manifest, await this.lastVerification(entry.name)));
    }
    return out.sort((a, b) => compareNewestFirst(a.name, b.name));
  }

  async verify(input: VerifyBackupInput): Promise<BackupVerification> {
    await this.requireComplete(input.name);
    const outcome = await verifyBackupFiles(this.repository, input.name, this.batchSize, input.onProgress);
    const checkedAt = this.clock.now();
    const ok = outcome.problems.length === 0;
    await this.repository
      .writeJson(input.name, VERIFICATION_FILE, { ok, at: checkedAt.toISOString(), toolVersion: this.toolVersion })
      .catch((e: unknown) => this.logger?.warn({ err: e, backup: input.name }, 'could not record the verification'));
    if (!ok) this.logger?.warn({ backup: input.name, problems: outcome.problems.slice(0, 10) }, 'backup failed verify');
    return { name: input.name, ok, checkedAt, collections: outcome.collections, problems: outcome.problems };
  }

  /**
   * Verifies first and refuses a backup that fails. Documents go into staging collections that are
   * swapped in only when every one of them loaded (and the files still match the checksums verify
   * saw), so a failed restore leaves the live data as it was.
   */
  async restore(input: RestoreBackupInput): Promise<RestoreSummary> {
    const verification = await this.verify({ name: input.name, onProgress: input.onProgress });
    if (!verification.ok) {
      const first = verification.problems.slice(0, 3).map((p) => `${p.file}${p.line ? `:${p.line}` : ''} ${p.problem}`);
      throw new DomainError('CONFLICT', `backup ${input.name} failed verification: ${first.join('; ')}`, {
        problems: verification.problems,
      });
    }
    const { manifest } = await readManifest(this.repository, input.name);
    if (!manifest) throw new DomainError('CONFLICT', `backup ${input.name} changed while it was being restored`);
    if (!input.drop) await this.assertEmpty(manifest);
    const staging = await this.source.beginRestore();
    try {
      for (const c of manifest.collections) {
        const indexes = parseMetadata(await this.repository.readJson(input.name, c.metadata.file), c.name);
        if (typeof indexes === 'string') throw new DomainError('CONFLICT', `${c.metadata.file}: ${indexes}`);
        await staging.prepare(c.name, withDeclaredIndexes(c.name, indexes));
        const reader = this.repository.readDocuments(input.name, c.file, this.batchSize);
        let done = 0;
        for await (const lines of reader) {
          const docs = lines.map((l) => {
            if (!l.doc) throw new DomainError('CONFLICT', `${c.file}:${l.line} ${l.error ?? 'unreadable'}`);
            return l.doc;
          });
          await staging.insert(c.name, docs);
          done += docs.length;
          input.onProgress?.({ phase: 'restore', collection: c.name, done, total: c.count });
        }
        if (reader.digest().sha256 !== c.sha256)
          throw new DomainError('CONFLICT', `${c.file} changed between verify and restore`);
      }
      await staging.commit();
    } catch (error) {
      await staging.abort().catch((e: unknown) => this.logger?.error({ err: e }, 'could not drop restore staging'));
      throw error;
    }
    return this.recordRestore(manifest, input);
  }

  /** Applies the retention policy; unfinished backups older than a day are removed too. */
  async prune(): Promise<PruneSummary> {
    const entries = await this.repository.list();
    const complete = await this.list();
    const plan = planRetention(
      complete.map((b) => ({ name: b.name, verified: b.lastVerification?.ok === true })),
      entries.filter((e) => !e.complete).map((e) => e.name),
      this.retention,
      this.clock.now(),
    );
    for (const name of plan.remove) await this.repository.remove({ name, complete: true });
    for (const name of plan.removeIncomplete) await this.repository.remove({ name, complete: false });
    if (plan.remove.length + plan.removeIncomplete.length > 0)
      this.logger?.info({ deleted: plan.remove, removedIncomplete: plan.removeIncomplete }, 'backups pruned');
    return {
      retention: this.retention,
      kept: plan.keep,
      deleted: plan.remove,
      spared: plan.spared,
      removedIncomplete: plan.removeIncomplete,
    };
  }

  /** The scheduled job: back up, verify what was written, and only then prune older backups. */
  async runScheduled(): Promise<ScheduledBackupSummary> {
    const backup = await this.create();
    const verification = await this.verify({ name: backup.name });
    if (!verification.ok) {
      const first = verification.problems[0];
      throw new DomainError('INTERNAL', `new backup ${backup.name} failed verify: ${first?.file} ${first?.problem}`);
    }
    const prune = await this.prune();
    return { backup: { ...backup, lastVerification: { at: verification.checkedAt, ok: true } }, verification, prune };
  }

  private async freshName(at: Date): Promise<string> {
    const taken = new Set((await this.repository.list()).map((e) => e.name));
    for (let attempt = 0; ; attempt += 1) {
      const name = backupNameFor(at, attempt);
      if (!taken.has(name)) return name;
    }
  }

  private async requireComplete(name: string): Promise<BackupEntry> {
    assertBackupName(name);
    const entry = (await this.repository.list()).find((e) => e.name === name && e.complete);
    if (!entry) throw notFound(`backup ${name}`, { name });
    return entry;
  }

  private async lastVerification(name: string): Promise<{ at: Date; ok: boolean } | null> {
    const v = (await this.repository.readJson(name, VERIFICATION_FILE).catch(() => null)) as {
      ok?: unknown;
      at?: unknown;
    } | null;
    if (!v || typeof v.ok !== 'boolean' || typeof v.at !== 'string') return null;
    return { ok: v.ok, at: new Date(v.at) };
  }

  private async assertEmpty(manifest: BackupManifest): Promise<void> {
    const busy = await this.source.readSnapshot(async (reader) => {
      const out: string[] = [];
      for (const c of manifest.collections) {
        const n = await reader.count(c.name);
        if (n > 0) out.push(`${c.name} (${n})`);
      }
      return out;
    });
    if (busy.length > 0)
      throw new DomainError(
        'CONFLICT',
        `live collections hold data: ${busy.join(', ')}; restore with drop to replace them`,
        { collections: busy },
      );
  }

  private async recordRestore(manifest: BackupManifest, input: RestoreBackupInput): Promise<RestoreSummary> {
    const restoredAt = this.clock.now();
    const collections = manifest.collections.map((c) => ({ name: c.name, count: c.count }));
    const documents = collections.reduce((n, c) => n + c.count, 0);
    await this.store.collection('auditLog').insertOne({
      _id: this.store.newId(),
      actor: input.actor ?? SYSTEM_ACTOR,
      action: 'backup.restore',
      target: { type: 'backup', id: manifest.name },
      details: { drop: input.drop, documents, collections: collections.map((c) => c.name) },
      createdAt: restoredAt,
    });
    this.logger?.warn({ backup: manifest.name, drop: input.drop, documents }, 'backup restored');
    return { name: manifest.name, drop: input.drop, restoredAt, collections, documents };
  }

  private summarize(manifest: BackupManifest, lastVerification: BackupSummary['lastVerification']): BackupSummary {
    const collections = manifest.collections.map((c) => ({ name: c.name, count: c.count, bytes: c.bytes }));
    return {
      name: manifest.name,
      createdAt: new Date(manifest.createdAt),
      completedAt: new Date(manifest.completedAt),
      database: manifest.database,
      engine: manifest.engine,
      toolVersion: manifest.toolVersion,
      gzip: manifest.gzip,
      collections,
      documents: collections.reduce((n, c) => n + c.count, 0),
      bytes: collections.reduce((n, c) => n + c.bytes, 0),
      lastVerification,
    };
  }
}

/** The indexes a restored collection gets: those of the backup, plus every index the code declares. */
function withDeclaredIndexes(collection: string, fromBackup: readonly IndexSpec[]): IndexSpec[] {
  const declared = Object.hasOwn(INDEXES, collection) ? INDEXES[collection as keyof typeof INDEXES] : [];
  const byName = new Map(fromBackup.map((ix) => [ix.name, ix]));
  for (const ix of declared) byName.set(ix.name, ix);
  return [...byName.values()];
}

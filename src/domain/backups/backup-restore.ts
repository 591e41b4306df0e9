import { DomainError } from '../errors.js';
import type { BackupRepository } from '../ports/backup-repository.port.js';
import type { BackupSource, RawDocument, RestoreStaging } from '../ports/backup-source.port.js';
import { INDEXES } from '../ports/indexes.js';
import type { IndexSpec } from '../ports/store.port.js';
import { EXCLUDED_COLLECTIONS, type BackupManifest, type ManifestCollection } from './backup-manifest.js';
import { verificationFailed, type VerifySink } from './backup-verify.js';
import type { BackupProblem, ProgressListener } from './backup.types.js';

/**
 * How a restore treats each collection of a backup. `merge`: append-only history (the audit log, job
 * runs) — the backup's rows that are missing are added and every row written since the backup is
 * kept, so a restore never erases the trail of what was done. `skip`: operational state that must
 * not come back (leases, the maintenance switch, the restore journal). `replace`: everything else.
 */
export type RestoreMode = 'replace' | 'merge' | 'skip';
const MERGED: ReadonlySet<string> = new Set(['auditLog', 'jobRuns']);
export const restoreMode = (collection: string): RestoreMode =>
  EXCLUDED_COLLECTIONS.has(collection) ? 'skip' : MERGED.has(collection) ? 'merge' : 'replace';

export const collectionsTo = (manifest: BackupManifest, mode: RestoreMode): ManifestCollection[] =>
  manifest.collections.filter((c) => restoreMode(c.name) === mode);

export interface StageInput {
  repository: BackupRepository;
  staging: RestoreStaging;
  manifest: BackupManifest;
  batchSize: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
}

/**
 * Loads the replaced collections into staging from a verify pass (see `VerifySink`), so each line is
 * read and decoded once and staging holds exactly the bytes verify hashed. A staging failure (a
 * duplicate key) stops the loading but not the pass: a backup that fails verify is refused for that
 * first, as when verify ran alone; `failure` is thrown once the verdict is known.
 */
export class StagingFeed implements VerifySink {
  failure: unknown = undefined;
  private readonly done = new Map<string, number>();

  constructor(private readonly input: Pick<StageInput, 'staging' | 'onProgress' | 'signal'>) {}

  async begin(c: ManifestCollection, indexes: IndexSpec[]): Promise<void> {
    if (restoreMode(c.name) !== 'replace' || this.failure !== undefined) return;
    await this.attempt(() => this.input.staging.prepare(c.name, withDeclaredIndexes(c.name, indexes)));
    this.done.set(c.name, 0);
  }

  async documents(c: ManifestCollection, docs: RawDocument[]): Promise<void> {
    // An abort ends the pass: the restore is given up, there is no verdict to wait for.
    this.input.signal?.throwIfAborted();
    const done = this.done.get(c.name);
    if (done === undefined || this.failure !== undefined) return;
    await this.attempt(() => this.input.staging.insert(c.name, docs, 'hand-over'));
    if (this.failure !== undefined) return;
    this.done.set(c.name, done + docs.length);
    this.input.onProgress?.({ phase: 'restore', collection: c.name, done: done + docs.length, total: c.count });
  }

  private async attempt(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.failure = error;
    }
  }
}

/** Verifies a backup while streaming its documents into `sink` (the BackupService's pass records the outcome). */
export type VerifyPass = (sink: VerifySink) => Promise<{ problems: BackupProblem[] }>;

/**
 * Verifies the backup and loads it into staging in one read. Refused in the order a verify run on
 * its own before loading refused them: a backup that fails verify; without drop, live collections
 * that hold data (checked again in maintenance; checked here so maintenance never begins for
 * nothing); a backup that staging refuses (a duplicate key).
 */
export async function verifyAndStage(
  input: Pick<StageInput, 'staging' | 'manifest' | 'onProgress' | 'signal'> & {
    source: BackupSource;
    drop: boolean;
    verify: VerifyPass;
  },
): Promise<void> {
  const feed = new StagingFeed(input);
  const { problems } = await input.verify(feed);
  if (problems.length > 0) throw verificationFailed(input.manifest.name, problems);
  if (!input.drop) await assertEmpty(input.source, input.manifest);
  if (feed.failure !== undefined) throw feed.failure;
}

/** Streams a collection file of the backup batch by batch, failing on any unreadable line or changed byte. */
export async function forEachBatch(
  input: Pick<StageInput, 'repository' | 'manifest' | 'batchSize' | 'onProgress' | 'signal'>,
  c: ManifestCollection,
  fn: (docs: RawDocument[]) => Promise<unknown>,
): Promise<void> {
  const reader = input.repository.readDocuments(input.manifest.name, c.file, input.batchSize);
  let done = 0;
  for await (const lines of reader) {
    input.signal?.throwIfAborted();
    const docs = lines.map((l) => {
      if (!l.doc) throw new DomainError('CONFLICT', `${c.file}:${l.line} ${l.error ?? 'unreadable'}`);
      return l.doc;
    });
    await fn(docs);
    done += docs.length;
    input.onProgress?.({ phase: 'restore', collection: c.name, done, total: c.count });
  }
  if (reader.digest().sha256 !== c.sha256)
    throw new DomainError('CONFLICT', `${c.file} changed between verify and restore`);
}

/** The indexes a restored collection gets: those of the backup, plus every index the code declares. */
export function withDeclaredIndexes(collection: string, fromBackup: readonly IndexSpec[]): IndexSpec[] {
  const declared = Object.hasOwn(INDEXES, collection) ? INDEXES[collection as keyof typeof INDEXES] : [];
  const byName = new Map(fromBackup.map((ix) => [ix.name, ix]));
  for (const ix of declared) byName.set(ix.name, ix);
  return [...byName.values()];
}

/** A restore without `drop` goes only into empty collections. */
export async function assertEmpty(source: BackupSource, manifest: BackupManifest): Promise<void> {
  const busy = await source.readSnapshot(async (reader) => {
    const out: string[] = [];
    for (const c of collectionsTo(manifest, 'replace')) {
      const n = await reader.count(c.name);
      if (n > 0) out.push(`${c.name} (${n})`);
    }
    return out;
  });
  if (busy.length > 0)
    throw new DomainError(
      'CONFLICT',
      `live collections hold data: ${busy.join(', ')}; restore with drop to replace them`,
      {
        collections: busy,
      },
    );
}

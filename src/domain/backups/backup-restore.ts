import { DomainError } from '../errors.js';
import type { BackupRepository } from '../ports/backup-repository.port.js';
import type { BackupSource, RestoreStaging } from '../ports/backup-source.port.js';
import { INDEXES } from '../ports/indexes.js';
import type { IndexSpec } from '../ports/store.port.js';
import { parseMetadata, type BackupManifest } from './backup-manifest.js';
import type { ProgressListener } from './backup.types.js';

export interface StageInput {
  repository: BackupRepository;
  staging: RestoreStaging;
  manifest: BackupManifest;
  batchSize: number;
  onProgress?: ProgressListener;
}

/**
 * Streams every collection of a verified backup into staging. Each file is hashed again as it is
 * read, so a file changed after `verify` looked at it fails the restore before anything is swapped in.
 */
export async function stageBackup({ repository, staging, manifest, batchSize, onProgress }: StageInput): Promise<void> {
  for (const c of manifest.collections) {
    const indexes = parseMetadata(await repository.readJson(manifest.name, c.metadata.file), c.name);
    if (typeof indexes === 'string') throw new DomainError('CONFLICT', `${c.metadata.file}: ${indexes}`);
    await staging.prepare(c.name, withDeclaredIndexes(c.name, indexes));
    const reader = repository.readDocuments(manifest.name, c.file, batchSize);
    let done = 0;
    for await (const lines of reader) {
      const docs = lines.map((l) => {
        if (!l.doc) throw new DomainError('CONFLICT', `${c.file}:${l.line} ${l.error ?? 'unreadable'}`);
        return l.doc;
      });
      await staging.insert(c.name, docs);
      done += docs.length;
      onProgress?.({ phase: 'restore', collection: c.name, done, total: c.count });
    }
    if (reader.digest().sha256 !== c.sha256)
      throw new DomainError('CONFLICT', `${c.file} changed between verify and restore`);
  }
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
      {
        collections: busy,
      },
    );
}

import type { BackupWriter, WrittenTextCheck, WrittenTextCheckFactory } from '../ports/backup-repository.port.js';
import type { ReadonlyDocument, SnapshotReader } from '../ports/backup-source.port.js';
import {
  EXCLUDED_COLLECTIONS,
  dataFileName,
  metadataFileName,
  toMetadata,
  type BackupManifest,
} from './backup-manifest.js';
import type { Clock } from '../ports/runtime.port.js';
import type { ProgressListener } from './backup.types.js';
import { SnapshotWindowGuard } from './snapshot-window.js';

async function* counted(
  source: AsyncIterable<readonly ReadonlyDocument[]>,
  onBatch: (done: number) => void,
): AsyncGenerator<readonly ReadonlyDocument[]> {
  let done = 0;
  for await (const batch of source) {
    yield batch;
    done += batch.length;
    onBatch(done);
  }
}

export interface WrittenCollections {
  collections: BackupManifest['collections'];
  /** The check of everything written, when one was asked for; the caller finishes and closes it. */
  check: WrittenTextCheck | null;
}

/**
 * Writes every collection of the snapshot (data file, then metadata) and returns what the manifest
 * lists. With `check`, every data file's text also goes to a check started for the snapshot's size
 * (closed here if the write fails).
 */
export async function writeCollections(
  reader: SnapshotReader,
  writer: BackupWriter,
  options: {
    gzip: boolean;
    batchSize: number;
    onProgress?: ProgressListener;
    signal?: AbortSignal;
    clock: Clock;
    startedAt: Date;
    check?: WrittenTextCheckFactory;
  },
): Promise<WrittenCollections> {
  const names = (await reader.collections()).filter((n) => !EXCLUDED_COLLECTIONS.has(n)).sort();
  const totals = new Map<string, number>();
  for (const collection of names) totals.set(collection, await reader.count(collection));
  const totalDocuments = [...totals.values()].reduce((a, b) => a + b, 0);
  const guard = new SnapshotWindowGuard({
    windowSeconds: reader.windowSeconds,
    totalDocuments,
    startedAt: options.startedAt,
    clock: options.clock,
    signal: options.signal,
  });
  const check = options.check?.(totalDocuments) ?? null;
  let written = 0;
  const collections: BackupManifest['collections'] = [];
  try {
    for (const collection of names) {
      const total = totals.get(collection) ?? 0;
      const before = written;
      // Only encoded, never changed or kept: the engine may lend its documents instead of copying them.
      const batches = counted(reader.documents(collection, options.batchSize, 'read-only'), (done) => {
        written = before + done;
        guard.check(written);
        options.onProgress?.({ phase: 'backup', collection, done, total });
      });
      const file = dataFileName(collection, options.gzip);
      const data = await writer.writeDocuments(
        file,
        batches,
        check ? (text) => check.add(collection, file, text) : undefined,
      );
      const metadataFile = metadataFileName(collection);
      const metadata = await writer.writeJson(metadataFile, toMetadata(collection, await reader.indexes(collection)));
      const { count, sha256, bytes } = data;
      written = before + count;
      collections.push({ name: collection, file, count, sha256, bytes, metadata: { file: metadataFile, ...metadata } });
    }
  } catch (error) {
    await check?.close();
    throw error;
  }
  return { collections, check };
}

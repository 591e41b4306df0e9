/**
 * A real BackupRepository with a tap on `readDocuments`: counting how often each collection file is
 * streamed, or holding one file's stream at its start (a process that stops there, as far as
 * anything else can tell).
 */
import type { BackupRepository, DocumentReader } from '../../src/domain/ports/backup-repository.port.js';

function tapped(
  inner: BackupRepository,
  readDocuments: (name: string, file: string, batchSize: number) => DocumentReader,
): BackupRepository {
  return {
    get location() {
      return inner.location;
    },
    list: () => inner.list(),
    begin: (name) => inner.begin(name),
    readJson: (name, file) => inner.readJson(name, file),
    writeJson: (name, file, value) => inner.writeJson(name, file, value),
    digest: (name, file) => inner.digest(name, file),
    remove: (entry) => inner.remove(entry),
    readDocuments,
  };
}

/** Counts the streams opened per collection file and the document lines they decoded. */
export function countingReads(inner: BackupRepository) {
  const opened = new Map<string, number>();
  const lines = new Map<string, number>();
  const repository = tapped(inner, (name, file, batchSize) => {
    opened.set(file, (opened.get(file) ?? 0) + 1);
    const reader = inner.readDocuments(name, file, batchSize);
    return {
      digest: () => reader.digest(),
      async *[Symbol.asyncIterator]() {
        for await (const batch of reader) {
          lines.set(file, (lines.get(file) ?? 0) + batch.length);
          yield batch;
        }
      },
    };
  });
  return { repository, opened, lines };
}

/**
 * Holds the first stream of `file` before its first line until `release` (with an error: the
 * stream fails with it); `reached` resolves once a reader is waiting there.
 */
export function heldRead(inner: BackupRepository, file: string) {
  let reached!: () => void;
  const atHold = new Promise<void>((resolve) => (reached = resolve));
  let release!: (error?: Error) => void;
  const hold = new Promise<void>((resolve, reject) => (release = (error) => (error ? reject(error) : resolve())));
  hold.catch(() => undefined);
  let held = false;
  const repository = tapped(inner, (name, f, batchSize) => {
    const reader = inner.readDocuments(name, f, batchSize);
    if (f !== file || held) return reader;
    held = true;
    return {
      digest: () => reader.digest(),
      async *[Symbol.asyncIterator]() {
        reached();
        await hold;
        yield* reader;
      },
    };
  });
  return { repository, reached: atHold, release: (error?: Error) => release(error) };
}

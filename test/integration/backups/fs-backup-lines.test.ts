/**
 * Collection files are written and read in slices of text, not a string per read or per batch:
 * a line longer than a slice, and characters whose UTF-8 bytes straddle two slices, must come
 * back exactly, in the right batches, with the digest of the bytes on disk. Plain files are read
 * into one buffer reused for every read: a line that spans several reads must not see its bytes
 * overwritten, and every file opened is closed, also when a reader stops early.
 */
import { createHash } from 'node:crypto';
import { open, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DigestTap, FsBackupRepository, PlainFileSink } from '../../../src/backups/fs-backup.repository.js';
import type { DocumentLine } from '../../../src/domain/ports/backup-repository.port.js';
import { tempDir } from '../../helpers/backup-fixtures.js';

const cleanups: Array<{ remove(): Promise<void> }> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c.remove();
});

/** 2-, 3- and 4-byte characters, so slice boundaries land inside some of them. */
const wide = (n: number): string => 'é€😀a'.repeat(n);

function documents(): Array<Record<string, unknown>> {
  const docs: Array<Record<string, unknown>> = [];
  for (let i = 0; i < 3000; i++) docs.push({ _id: `d${i}`, i, note: wide(i % 7), at: new Date(i * 1000) });
  // About 2.5 MB on one line: more than two reads of 1 MiB.
  docs.splice(1500, 0, { _id: 'long', note: wide(250_000) });
  return docs;
}

describe('backup collection files', () => {
  it.each(['ledgerEntries.json', 'ledgerEntries.json.gz'])(
    '%s: long lines and multi-byte characters come back exactly, in batches of at most the batch size',
    async (file) => {
      const dir = await tempDir();
      cleanups.push(dir);
      const repository = new FsBackupRepository(dir.path);
      const docs = documents();
      const writer = await repository.begin('b1');
      async function* batches() {
        for (let i = 0; i < docs.length; i += 700) yield docs.slice(i, i + 700);
      }
      const written = await writer.writeDocuments(file, batches());
      await writer.writeJson('manifest.json', {});
      await writer.commit();
      expect(written.count).toBe(docs.length);
      const bytes = await readFile(join(dir.path, 'b1', file));
      expect(written).toMatchObject({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });

      const reader = repository.readDocuments('b1', file, 500);
      const lines: DocumentLine[] = [];
      for await (const batch of reader) {
        // One read slice past the batch size at most: memory stays one batch.
        expect(batch.length).toBeLessThan(500 + 1000);
        lines.push(...batch);
      }
      expect(lines.map((l) => l.line)).toEqual(docs.map((_, i) => i + 1));
      expect(lines.filter((l) => l.error !== undefined)).toEqual([]);
      expect(lines.map((l) => l.doc)).toEqual(docs);
      expect(reader.digest()).toEqual({ bytes: written.bytes, sha256: written.sha256 });
      expect(await repository.digest('b1', file)).toEqual({ bytes: written.bytes, sha256: written.sha256 });
    },
  );

  it.runIf(process.platform === 'linux')('closes every file it reads, also when a reader stops early', async () => {
    const dir = await tempDir();
    cleanups.push(dir);
    const repository = new FsBackupRepository(dir.path);
    const docs = documents();
    const writer = await repository.begin('b1');
    await writer.writeDocuments(
      'ledgerEntries.json',
      (async function* () {
        yield docs;
      })(),
    );
    await writer.commit();
    const open = async () => (await readdir('/proc/self/fd')).length;
    const before = await open();
    for await (const batch of repository.readDocuments('b1', 'ledgerEntries.json', 100)) {
      expect(batch.length).toBeGreaterThan(0);
      break; // the generator's return closes the file
    }
    for (let i = 0; i < 5; i++) await repository.digest('b1', 'ledgerEntries.json');
    expect(await open()).toBe(before);
  });

  it.runIf(process.platform === 'linux')(
    'a write whose documents fail half-way rejects with their error and closes its file',
    async () => {
      const dir = await tempDir();
      cleanups.push(dir);
      const writer = await new FsBackupRepository(dir.path).begin('b1');
      const docs = documents();
      const open = async () => (await readdir('/proc/self/fd')).length;
      const before = await open();
      const failing = (async function* () {
        yield docs; // several writes' worth of text, some still in flight when the next batch fails
        throw new Error('snapshot expired');
      })();
      await expect(writer.writeDocuments('ledgerEntries.json', failing)).rejects.toThrow('snapshot expired');
      expect(await open()).toBe(before);
      await writer.abort();
    },
  );
});

describe('writing a plain backup file', () => {
  it.runIf(process.platform === 'linux')(
    'a write that fails (a full disk) fails the write, not the process, even while the next text is encoded',
    async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const handle = await open('/dev/full', 'w'); // every write fails with ENOSPC
      try {
        const sink = new PlainFileSink(handle, new DigestTap());
        await sink.write('x'.repeat(1000)); // starts the write that fails
        await new Promise((resolve) => setTimeout(resolve, 50)); // it fails while nobody awaits it
        await expect(sink.write('y'.repeat(1000))).rejects.toMatchObject({ code: 'ENOSPC' });
        await expect(sink.end()).rejects.toMatchObject({ code: 'ENOSPC' });
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
        await handle.close();
      }
    },
  );
});

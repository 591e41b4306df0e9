import { createHash, randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';
import {
  BackupFileError,
  type BackupEntry,
  type BackupRepository,
  type BackupWriter,
  type DocumentLine,
  type DocumentReader,
  type FileDigest,
  type WrittenFile,
} from '../domain/ports/backup-repository.port.js';
import type { ReadonlyDocument } from '../domain/ports/backup-source.port.js';
import { decodeLine, encodeDocument } from './ejson.codec.js';

const TMP = '.tmp';
const MANIFEST = 'manifest.json';
/**
 * Bytes per read of a backup file. The default (64 KiB) makes a read's round trip to the thread
 * pool a real share of a verify or restore; 1 MiB keeps that small and memory still flat.
 */
const READ_CHUNK = { highWaterMark: 1024 * 1024 } as const;
/**
 * Longest text handled as one string when reading or writing. V8 puts a string above 128 KiB
 * straight into its large-object space, which only a full collection frees: with a big heap
 * (the memory engine's data) megabyte strings would pile up as garbage and RSS would grow.
 */
const TEXT_SLICE = 64 * 1024;

/**
 * The bytes of a file, READ_CHUNK at a time, in ONE buffer reused for every read: each chunk is valid
 * until the next is asked for. A new buffer per read (what a read stream does) is external memory
 * V8 counts toward its next collection: reading a 100 MB file that way set off full collections of
 * the whole heap (the memory engine's data), which cost the read-back of a create several times the
 * read and the hash.
 */
async function* chunksOf(handle: FileHandle): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(READ_CHUNK.highWaterMark);
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

/** The chunks, each hashed and counted by `tap` on its way; the digest is ready once they are all read. */
async function* tapped(chunks: AsyncIterable<Buffer>, tap: DigestTap): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    tap.count(chunk);
    yield chunk;
  }
  tap.seal();
}

/** Hashes and counts the bytes that pass through it. */
export class DigestTap extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  private result: FileDigest | null = null;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.count(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.seal();
    done();
  }

  count(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  seal(): void {
    this.result = { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }

  digest(): FileDigest {
    if (!this.result) throw new Error('digest requested before the whole file was read');
    return this.result;
  }
}

function safeName(file: string): string {
  if (file === '' || basename(file) !== file || file === '.' || file === '..')
    throw new BackupFileError(file, 'not a plain file name');
  return file;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const isMissing = (e: unknown): boolean => (e as { code?: string })?.code === 'ENOENT';

/**
 * Backups hold every account's email and history: only the service's user may read them. Modes are
 * given at creation (never a chmod afterwards, so there is no moment a file is readable by others),
 * and new files are created exclusively (`wx`), which never writes through a planted symlink.
 */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
const NEW_FILE = { mode: FILE_MODE, flag: 'wx' } as const;

/** Opens a backup file for reading without following a symlink (a link could point anywhere). */
async function openForReading(path: string, file: string): Promise<FileHandle> {
  try {
    return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as { code?: string }).code === 'ELOOP')
      throw new BackupFileError(file, 'is a symbolic link; backups never follow links');
    throw e;
  }
}

/** Backups as directories under one root: `<root>/<name>/` complete, `<root>/<name>.tmp/` in progress. */
export class FsBackupRepository implements BackupRepository {
  readonly location: string;

  constructor(root: string) {
    this.location = resolve(root);
  }

  private dir(name: string, complete = true): string {
    return join(this.location, safeName(complete ? name : `${name}${TMP}`));
  }

  /** The directory of a complete backup, refused when it is a symlink. */
  private async realDir(name: string): Promise<string> {
    const dir = this.dir(name);
    const st = await lstat(dir).catch((e: unknown) => (isMissing(e) ? null : Promise.reject(e)));
    if (st?.isSymbolicLink()) throw new BackupFileError(name, 'is a symbolic link; backups never follow links');
    return dir;
  }

  async list(): Promise<BackupEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.location, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
    const out: BackupEntry[] = [];
    for (const dirName of names) {
      if (dirName.endsWith(TMP)) out.push({ name: dirName.slice(0, -TMP.length), complete: false });
      else if ((await lstat(join(this.location, dirName, MANIFEST)).catch(() => null))?.isFile())
        out.push({ name: dirName, complete: true });
    }
    return out;
  }

  async begin(name: string): Promise<BackupWriter> {
    await mkdir(this.location, { recursive: true, mode: DIR_MODE });
    if (await lstat(this.dir(name)).catch(() => null)) throw new Error(`backup ${name} already exists`);
    const tmp = this.dir(name, false);
    await mkdir(tmp, { mode: DIR_MODE }); // fails if another writer has it
    return new FsBackupWriter(tmp, this.dir(name), this.location);
  }

  async readJson(name: string, file: string): Promise<unknown> {
    let text: string;
    try {
      const handle = await openForReading(join(await this.realDir(name), safeName(file)), file);
      text = await handle.readFile('utf8').finally(() => handle.close());
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new BackupFileError(file, `not valid JSON (${(e as Error).message})`);
    }
  }

  async writeJson(name: string, file: string, value: unknown): Promise<void> {
    const target = join(await this.realDir(name), safeName(file));
    const tmp = `${target}.${randomBytes(4).toString('hex')}${TMP}`;
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, NEW_FILE);
    await rename(tmp, target);
  }

  async digest(name: string, file: string): Promise<FileDigest | null> {
    let handle: FileHandle;
    try {
      handle = await openForReading(join(await this.realDir(name), safeName(file)), file);
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    try {
      const tap = new DigestTap();
      for await (const _chunk of tapped(chunksOf(handle), tap));
      return tap.digest();
    } finally {
      await handle.close();
    }
  }

  readDocuments(name: string, file: string, batchSize: number): DocumentReader {
    const tap = new DigestTap();
    return {
      digest: () => tap.digest(),
      [Symbol.asyncIterator]: () =>
        readLines(async () => join(await this.realDir(name), safeName(file)), file, tap, batchSize),
    };
  }

  /** `rm` unlinks symlinks it meets instead of descending into them; a symlinked backup goes as a link. */
  async remove(entry: BackupEntry): Promise<void> {
    await rm(this.dir(entry.name, entry.complete), { recursive: true, force: true });
  }
}

async function* readLines(
  path: () => Promise<string>,
  file: string,
  tap: DigestTap,
  batchSize: number,
): AsyncGenerator<DocumentLine[]> {
  let handle: FileHandle;
  try {
    handle = await openForReading(await path(), file);
  } catch (e) {
    if (isMissing(e)) throw new BackupFileError(file, 'file is missing');
    throw e;
  }
  const gz = file.endsWith('.gz');
  const noop = (): void => undefined;
  // Plain text is read into one reused buffer (see chunksOf); gunzip needs a stream of its own.
  const text: AsyncIterable<Buffer> = gz
    ? pipeline(handle.createReadStream(READ_CHUNK), tap, createGunzip(), noop)
    : tapped(chunksOf(handle), tap);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 0;
  let batch: DocumentLine[] = [];
  const take = (s: string): void => {
    line += 1;
    batch.push(decodeLine(s, line));
  };
  try {
    for await (const bytes of text) {
      for (let at = 0; at < bytes.length; at += TEXT_SLICE) {
        const parts = (rest + decoder.write(bytes.subarray(at, at + TEXT_SLICE))).split('\n');
        rest = parts.pop() ?? '';
        for (const p of parts) take(p);
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
  } catch (e) {
    if (isMissing(e)) throw new BackupFileError(file, 'file is missing');
    const why = gz ? 'corrupt or truncated gzip' : 'read failed';
    throw new BackupFileError(file, `${why} (${(e as Error).message})`, line + 1);
  } finally {
    if (!gz) await handle.close(); // a read stream (gzip) closes its own
  }
  rest += decoder.end();
  if (rest !== '') take(rest);
  if (batch.length > 0) yield batch;
}

/**
 * Writes text to a plain file through a ring of buffers allocated once (see chunksOf: a new buffer
 * per write is external memory that sets off collections of the whole heap). Each write names its
 * position in the file, so the writer goes on encoding while several are in flight; a buffer is
 * filled again only once its last write has finished.
 */
export class PlainFileSink {
  private readonly buffers = Array.from({ length: WRITE_BUFFERS }, () => Buffer.allocUnsafe(WRITE_BUFFER));
  private readonly writes: Array<Promise<void>> = this.buffers.map(() => Promise.resolve());
  private turn = 0;
  private position = 0;
  private failure: unknown = null;

  constructor(
    private readonly handle: FileHandle,
    private readonly tap: DigestTap,
  ) {}

  async write(text: string): Promise<void> {
    if (this.failure !== null) throw this.failure;
    const turn = this.turn;
    this.turn = (turn + 1) % WRITE_BUFFERS;
    await this.writes[turn];
    const buffer = this.buffers[turn]!;
    // A UTF-16 unit is at most 3 bytes of UTF-8: text that may not fit (a very long line) gets its own.
    const bytes = text.length * 3 <= buffer.length ? buffer.subarray(0, buffer.write(text)) : Buffer.from(text);
    this.tap.count(bytes);
    const writing = writeAll(this.handle, bytes, this.position);
    this.position += bytes.length;
    // Handled at once and thrown by the next write or by end(): a failed write (a full disk) fails
    // the backup, not the process, while the writer is still encoding the next text.
    writing.catch((e: unknown) => (this.failure ??= e));
    this.writes[turn] = writing;
  }

  /** Waits for every write; throws the first that failed. */
  async end(): Promise<void> {
    await this.settled();
    if (this.failure !== null) throw this.failure;
    this.tap.seal();
  }

  /** Resolves once no write is in flight, failed or not: only then may the file be closed. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.writes);
  }
}

/** Bytes of each of a PlainFileSink's buffers: a slice of text (and some lines more) at 3 bytes a unit. */
const WRITE_BUFFER = 4 * TEXT_SLICE;
/**
 * Buffers (so writes) a PlainFileSink may have in flight. With two, each write waited for the one
 * before it: in a create of 1M entries on two busy cores the writer spent 1.5-1.8 s of about 8 s
 * waiting on the file.
 */
const WRITE_BUFFERS = 4;

async function writeAll(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let at = 0; at < bytes.length;)
    at += (await handle.write(bytes, at, bytes.length - at, position + at)).bytesWritten;
}

class FsBackupWriter implements BackupWriter {
  constructor(
    private readonly tmp: string,
    private readonly final: string,
    private readonly root: string,
  ) {}

  async writeDocuments(
    file: string,
    batches: AsyncIterable<readonly ReadonlyDocument[]>,
    onText?: (text: string) => void | Promise<void>,
  ): Promise<WrittenFile> {
    const path = join(this.tmp, safeName(file));
    const tap = new DigestTap();
    let count = 0;
    async function* lines(): AsyncGenerator<string> {
      for await (const batch of batches) {
        let chunk = '';
        for (const doc of batch) {
          chunk += `${encodeDocument(doc)}\n`;
          if (chunk.length < TEXT_SLICE) continue;
          await onText?.(chunk);
          yield chunk;
          chunk = '';
        }
        count += batch.length;
        if (chunk === '') continue;
        await onText?.(chunk);
        yield chunk;
      }
    }
    if (file.endsWith('.gz')) {
      const out = createWriteStream(path, { mode: FILE_MODE, flags: 'wx' });
      await pipelineAsync(Readable.from(lines(), { objectMode: false }), createGzip(), tap, out);
      await fsyncPath(path);
    } else {
      const handle = await open(path, 'wx', FILE_MODE);
      const sink = new PlainFileSink(handle, tap);
      try {
        for await (const text of lines()) await sink.write(text);
        await sink.end();
        await handle.sync();
      } finally {
        await sink.settled(); // a failure elsewhere (the snapshot, the check) may leave writes in flight
        await handle.close();
      }
    }
    return { file, count, ...tap.digest() };
  }

  async writeJson(file: string, value: unknown): Promise<FileDigest> {
    const path = join(this.tmp, safeName(file));
    const bytes = Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
    await writeFile(path, bytes, NEW_FILE);
    await fsyncPath(path);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  }

  async commit(): Promise<void> {
    await fsyncPath(this.tmp);
    await rename(this.tmp, this.final);
    await fsyncPath(this.root);
  }

  async abort(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }
}

import type { BackupProblem } from '../backups/backup.types.js';
import type { RawDocument, ReadonlyDocument } from './backup-source.port.js';

/**
 * Where backups live (a directory per backup) and how their files are encoded (canonical Extended
 * JSON, one document a line, gzip when the file name ends in `.gz`). The rules — what a complete
 * backup is, what verify checks, what retention deletes — live in the BackupService.
 */
export interface FileDigest {
  sha256: string;
  bytes: number;
}

export interface WrittenFile extends FileDigest {
  file: string;
  count: number;
}

/** One line of a collection file: the decoded document, or why it could not be decoded. */
export interface DocumentLine {
  line: number;
  doc?: RawDocument;
  error?: string;
}

/** A read or write of a backup file failed; `line` is set when the failure is at a known line. */
export class BackupFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'BackupFileError';
  }
}

export interface DocumentReader extends AsyncIterable<DocumentLine[]> {
  /** SHA-256 and size of every byte read; available once iteration has finished. */
  digest(): FileDigest;
}

export interface BackupWriter {
  /**
   * Streams documents into `file`; memory use is one batch. Only reads them (they may be lent).
   * `onText` gets the file's text as it is written (before any gzip), whole lines at a time, and may
   * make the writer wait.
   */
  writeDocuments(
    file: string,
    batches: AsyncIterable<readonly ReadonlyDocument[]>,
    onText?: (text: string) => void | Promise<void>,
  ): Promise<WrittenFile>;
  writeJson(file: string, value: unknown): Promise<FileDigest>;
  /** Flushes everything to disk and renames `<name>.tmp` to `<name>`: only now is the backup complete. */
  commit(): Promise<void>;
  /** Removes the unfinished `<name>.tmp`. */
  abort(): Promise<void>;
}

/** A directory under the backup location: `complete` is false for an unfinished `<name>.tmp`. */
export interface BackupEntry {
  name: string;
  complete: boolean;
}

export interface BackupRepository {
  /** Human description of where backups are kept (a directory path). */
  readonly location: string;
  list(): Promise<BackupEntry[]>;
  /** Starts `<name>.tmp`; fails if `<name>` or `<name>.tmp` exists. */
  begin(name: string): Promise<BackupWriter>;
  /** Parsed JSON of a small file of a complete backup; null when the file does not exist. */
  readJson(name: string, file: string): Promise<unknown>;
  /** Replaces a small JSON file of a complete backup atomically (not part of the manifest). */
  writeJson(name: string, file: string, value: unknown): Promise<void>;
  /** Digest of a file of a complete backup; null when the file does not exist. */
  digest(name: string, file: string): Promise<FileDigest | null>;
  /**
   * Streams the documents of a collection file; iteration throws BackupFileError on I/O failure.
   * Each document is decoded for this read and belongs to the caller (a restore hands them over to
   * staging as they are).
   */
  readDocuments(name: string, file: string, batchSize: number): DocumentReader;
  remove(entry: BackupEntry): Promise<void>;
}

/** What a check of the text a backup wrote found: each data file's lines and their problems. */
export interface WrittenTextReport {
  files: Record<string, { lines: number; problems: BackupProblem[] }>;
  /** The ledger invariants over every document written, and the documents that break them. */
  ledger: BackupProblem[];
}

/**
 * Decodes every line a backup writes again, while it is written, and checks the ledger invariants on
 * what it decoded: what a verify reads back from the files, without reading them back (a create
 * then reads only their digests). An implementation may do the work on another thread.
 */
export interface WrittenTextCheck {
  /** Whole lines of a data file's text, in order; the writer waits when this returns a promise. */
  add(collection: string, file: string, text: string): void | Promise<void>;
  /** The report over everything added; rejects when the check could not be done (then nothing is known). */
  finish(): Promise<WrittenTextReport>;
  /** Ends the check and frees what it holds; safe to call more than once. */
  close(): Promise<void>;
}

/** A check for a backup of about `documents` documents (an implementation may choose by size). */
export type WrittenTextCheckFactory = (documents: number) => WrittenTextCheck;

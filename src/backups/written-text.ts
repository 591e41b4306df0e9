import { BackupLedgerCheck } from '../domain/backups/backup-ledger.check.js';
import type { BackupProblem } from '../domain/backups/backup.types.js';
import type { WrittenTextCheck, WrittenTextReport } from '../domain/ports/backup-repository.port.js';
import { decodeLine } from './ejson.codec.js';

interface FileState {
  collection: string;
  lines: number;
  problems: BackupProblem[];
  /** A line not finished by the text added so far. */
  rest: string;
}

/**
 * The checks a verify makes on every line of the data files, made on the text as it is written:
 * each line is decoded the way a read decodes it (same messages, same line numbers), and what
 * decodes goes through the same ledger check.
 */
export class WrittenText {
  private readonly ledger = new BackupLedgerCheck();
  private readonly files = new Map<string, FileState>();

  add(collection: string, file: string, text: string): void {
    let f = this.files.get(file);
    if (!f) {
      f = { collection, lines: 0, problems: [], rest: '' };
      this.files.set(file, f);
    }
    const parts = (f.rest + text).split('\n');
    f.rest = parts.pop() ?? '';
    for (const part of parts) this.take(file, f, part);
  }

  report(): WrittenTextReport {
    const files: WrittenTextReport['files'] = {};
    for (const [file, f] of this.files) {
      if (f.rest !== '') this.take(file, f, f.rest);
      f.rest = '';
      files[file] = { lines: f.lines, problems: f.problems };
    }
    return { files, ledger: this.ledger.finish() };
  }

  private take(file: string, f: FileState, text: string): void {
    f.lines += 1;
    const l = decodeLine(text, f.lines);
    if (l.error !== undefined) f.problems.push({ file, line: l.line, problem: l.error });
    else if (l.doc) this.ledger.add(f.collection, file, l.line, l.doc);
  }
}

/** The check on the writer's own thread: for small backups, where starting a thread costs more. */
export class InlineWrittenCheck implements WrittenTextCheck {
  private text: WrittenText | null = new WrittenText();

  add(collection: string, file: string, text: string): void {
    this.text?.add(collection, file, text);
  }

  finish(): Promise<WrittenTextReport> {
    if (!this.text) return Promise.reject(new Error('the check of the written text was closed'));
    return Promise.resolve(this.text.report());
  }

  close(): Promise<void> {
    this.text = null;
    return Promise.resolve();
  }
}

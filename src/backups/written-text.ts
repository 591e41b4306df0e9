import { BackupLedgerCheck, ledgerView, type LedgerView } from '../domain/backups/backup-ledger.check.js';
import type { BackupProblem } from '../domain/backups/backup.types.js';
import type { WrittenTextCheck, WrittenTextReport } from '../domain/ports/backup-repository.port.js';
import { decodeLine } from './ejson.codec.js';

/**
 * One line as the check takes it: why it is not a document, or what the ledger check reads of it
 * (null: nothing). Plain data, so a line can be decoded on one thread and taken on another.
 */
export type CheckedLine = { error: string } | { view: LedgerView | null };

/** Decodes one line the way a read decodes it (same messages) and keeps what the ledger check reads. */
export function checkLine(collection: string, text: string): CheckedLine {
  const l = decodeLine(text, 0);
  if (l.error !== undefined) return { error: l.error };
  return { view: l.doc ? ledgerView(collection, l.doc) : null };
}

/** `checkLine` of every line of a text of whole lines (it ends with a newline). */
export function checkLines(collection: string, text: string): CheckedLine[] {
  const lines = text.split('\n');
  lines.pop();
  return lines.map((line) => checkLine(collection, line));
}

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
    const f = this.fileState(collection, file);
    const parts = (f.rest + text).split('\n');
    f.rest = parts.pop() ?? '';
    for (const part of parts) this.take(file, f, checkLine(f.collection, part));
  }

  /**
   * The lines of a text already decoded by `checkLines` (on another thread), in their place in the
   * file: the text they came from was whole lines, following whole lines.
   */
  addChecked(collection: string, file: string, lines: readonly CheckedLine[]): void {
    const f = this.fileState(collection, file);
    if (f.rest !== '') throw new Error(`${file}: decoded lines after a line that did not end`);
    for (const line of lines) this.take(file, f, line);
  }

  report(): WrittenTextReport {
    const files: WrittenTextReport['files'] = {};
    for (const [file, f] of this.files) {
      if (f.rest !== '') this.take(file, f, checkLine(f.collection, f.rest));
      f.rest = '';
      files[file] = { lines: f.lines, problems: f.problems };
    }
    return { files, ledger: this.ledger.finish() };
  }

  private fileState(collection: string, file: string): FileState {
    let f = this.files.get(file);
    if (!f) {
      f = { collection, lines: 0, problems: [], rest: '' };
      this.files.set(file, f);
    }
    return f;
  }

  private take(file: string, f: FileState, l: CheckedLine): void {
    f.lines += 1;
    if ('error' in l) f.problems.push({ file, line: f.lines, problem: l.error });
    else if (l.view) this.ledger.addView(file, f.lines, l.view);
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

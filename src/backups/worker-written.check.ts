import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  WrittenTextCheck,
  WrittenTextCheckFactory,
  WrittenTextReport,
} from '../domain/ports/backup-repository.port.js';
import { checkLines, InlineWrittenCheck, type CheckedLine } from './written-text.js';

export type CheckMessage =
  | { type: 'text'; collection: string; file: string; text: string }
  | { type: 'checked-lines'; collection: string; file: string; lines: CheckedLine[] }
  | { type: 'finish' };
export type CheckReply =
  { type: 'checked' } | { type: 'report'; report: WrittenTextReport } | { type: 'failed'; message: string };

/**
 * Chunks (about 64 KiB of text each) sent and not yet checked before the writer stops sending text:
 * the text in flight stays near 1 MiB however big the backup, and the thread never runs dry.
 */
const MAX_IN_FLIGHT = 16;
/**
 * Past MAX_IN_FLIGHT the writer decodes chunks itself and sends what the ledger check needs of their
 * lines, a few bytes a line (see `add`); past this many messages in flight it waits.
 */
const MAX_MESSAGES_IN_FLIGHT = 2 * MAX_IN_FLIGHT;

/**
 * Backups of fewer documents are checked on the writer's thread: starting a thread (and, when run
 * from source, its TypeScript loader) costs tens of milliseconds, as much as checking some 10,000
 * documents.
 */
export const WORKER_FROM_DOCUMENTS = 20_000;

/** The thread, from the built `.js` as it is; from source (tests, benches) through tsx's loader. */
function startWorker(workerData: unknown): Worker {
  const url = new URL(`./written-check.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(fileURLToPath(url))});`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * The check of a backup's written text on a thread of its own: a create then costs about the time
 * of its write, not of its write plus a read of everything written (the process's CPU is the same).
 * Any failure of the thread makes `finish` reject: the caller then verifies by reading the files.
 */
export class WorkerWrittenCheck implements WrittenTextCheck {
  private readonly worker: Worker;
  private inFlight = 0;
  /** Messages posted, and (shared with the thread, which counts them as it goes) messages taken. */
  private sent = 0;
  private readonly taken = new Int32Array(new SharedArrayBuffer(4));
  /** Files whose text so far ends with a whole line (the next text starts one). */
  private readonly atLineStart = new Map<string, boolean>();
  /** Chunks the writer decoded itself because the thread was behind (for tests and benches). */
  decodedByWriter = 0;
  private resume: (() => void) | null = null;
  private report: { resolve: (r: WrittenTextReport) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private closed = false;

  /**
   * `textInFlight`: chunks waiting for the thread past which the writer decodes them itself
   * (default MAX_IN_FLIGHT; tests set 0 to have the writer decode every text of whole lines).
   */
  constructor(private readonly options: { textInFlight?: number } = {}) {
    this.worker = startWorker({ taken: this.taken });
    this.worker.on('message', (m: CheckReply) => this.onReply(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the check's thread exited (code ${code})`)));
  }

  /**
   * Sends the text to the thread. When the thread is behind (MAX_IN_FLIGHT chunks unchecked), the
   * writer, rather than wait, decodes a text of whole lines itself and sends the lines decoded
   * (`checkLines`), which the thread takes in their turn: the file's lines are still counted and
   * checked in order, in one place, and the two threads share the decoding, the work that bounds a
   * create. It waits once MAX_MESSAGES_IN_FLIGHT messages are unanswered.
   */
  add(collection: string, file: string, text: string): void | Promise<void> {
    if (this.failure || this.closed) return;
    const wholeLines = (this.atLineStart.get(file) ?? true) && text.endsWith('\n');
    if (text !== '') this.atLineStart.set(file, text.endsWith('\n'));
    // The thread's own count, read now: its answers reach this thread only when the writer waits for I/O.
    if (this.sent - Atomics.load(this.taken, 0) >= (this.options.textInFlight ?? MAX_IN_FLIGHT) && wholeLines) {
      const lines = checkLines(collection, text);
      this.worker.postMessage({ type: 'checked-lines', collection, file, lines } satisfies CheckMessage);
      this.decodedByWriter += 1;
    } else this.worker.postMessage({ type: 'text', collection, file, text } satisfies CheckMessage);
    this.sent += 1;
    this.inFlight += 1;
    if (this.inFlight < MAX_MESSAGES_IN_FLIGHT) return;
    return new Promise((resolve) => (this.resume = resolve));
  }

  finish(): Promise<WrittenTextReport> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error('the check of the written text was closed'));
    return new Promise((resolve, reject) => {
      this.report = { resolve, reject };
      this.worker.postMessage({ type: 'finish' } satisfies CheckMessage);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fail(new Error('the check of the written text was closed'));
    await this.worker.terminate();
  }

  private onReply(m: CheckReply): void {
    if (m.type === 'checked') {
      this.inFlight -= 1;
      if (this.resume && this.inFlight <= MAX_MESSAGES_IN_FLIGHT / 2) this.wake();
    } else if (m.type === 'report') {
      this.report?.resolve(m.report);
      this.report = null;
    } else this.fail(new Error(`the check's thread failed: ${m.message}`));
  }

  /** Remembers the first failure, answers a pending `finish` with it and lets the writer go on. */
  private fail(e: Error): void {
    this.failure ??= e;
    this.report?.reject(this.failure);
    this.report = null;
    this.wake();
  }

  private wake(): void {
    const resume = this.resume;
    this.resume = null;
    resume?.();
  }
}

/** The check a backup of `documents` documents gets: on a thread of its own once it is big enough. */
export const writtenCheckFor: WrittenTextCheckFactory = (documents) =>
  documents >= WORKER_FROM_DOCUMENTS ? new WorkerWrittenCheck() : new InlineWrittenCheck();

import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  WrittenTextCheck,
  WrittenTextCheckFactory,
  WrittenTextReport,
} from '../domain/ports/backup-repository.port.js';
import { InlineWrittenCheck } from './written-text.js';

export type CheckMessage = { type: 'text'; collection: string; file: string; text: string } | { type: 'finish' };
export type CheckReply =
  { type: 'checked' } | { type: 'report'; report: WrittenTextReport } | { type: 'failed'; message: string };

/**
 * Chunks (about 64 KiB of text each) sent and not yet checked before the writer waits: the text in
 * flight stays near 1 MiB however big the backup, and the thread never runs dry.
 */
const MAX_IN_FLIGHT = 16;

/**
 * Backups of fewer documents are checked on the writer's thread: starting a thread (and, when run
 * from source, its TypeScript loader) costs tens of milliseconds, as much as checking some 10,000
 * documents.
 */
export const WORKER_FROM_DOCUMENTS = 20_000;

/** The thread, from the built `.js` as it is; from source (tests, benches) through tsx's loader. */
function startWorker(): Worker {
  const url = new URL(`./written-check.worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const boot = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(fileURLToPath(url))});`;
  return new Worker(boot, { eval: true });
}

/**
 * The check of a backup's written text on a thread of its own: a create then costs about the time
 * of its write, not of its write plus a read of everything written (the process's CPU is the same).
 * Any failure of the thread makes `finish` reject: the caller then verifies by reading the files.
 */
export class WorkerWrittenCheck implements WrittenTextCheck {
  private readonly worker: Worker;
  private inFlight = 0;
  private resume: (() => void) | null = null;
  private report: { resolve: (r: WrittenTextReport) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;
  private closed = false;

  constructor() {
    this.worker = startWorker();
    this.worker.on('message', (m: CheckReply) => this.onReply(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the check's thread exited (code ${code})`)));
  }

  add(collection: string, file: string, text: string): void | Promise<void> {
    if (this.failure || this.closed) return;
    this.worker.postMessage({ type: 'text', collection, file, text } satisfies CheckMessage);
    this.inFlight += 1;
    if (this.inFlight < MAX_IN_FLIGHT) return;
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
      if (this.resume && this.inFlight <= MAX_IN_FLIGHT / 2) this.wake();
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

import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';

/**
 * The service's real pino logger writing into memory: what an operator's log collector would
 * receive, line for line, after every serializer and redaction ran.
 */
export class CapturedLog {
  private text = '';
  private waiters: Array<{ needle: string; resolve: () => void }> = [];
  readonly logger = createLogger(
    'debug',
    'noi-credits',
    new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.text += chunk.toString('utf8');
        this.waiters = this.waiters.filter((w) => (this.text.includes(w.needle) ? (w.resolve(), false) : true));
        done();
      },
    }),
  );

  get output(): string {
    return this.text;
  }

  /** Resolves once the log contains `needle` (rejects after `timeoutMs`, naming it). */
  waitFor(needle: string, timeoutMs = 10_000): Promise<void> {
    if (this.text.includes(needle)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the log never contained "${needle}"`)), timeoutMs);
      this.waiters.push({
        needle,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }
}

/**
 * Fault injection for tests: make the Nth write from now fail (optionally only writes to one
 * collection). Both adapters call `beforeWrite` on every write, so the same test can prove that a
 * failed write rolls the whole transaction back on either engine.
 */
import { TransactionOutcomeUnknownError } from '../domain/errors.js';

export type WriteOp = 'insert' | 'update' | 'delete';

interface Armed {
  remaining: number;
  collection?: string;
  op?: WriteOp;
  error: () => Error;
}

export class InjectedFault extends Error {
  constructor(message = 'injected store fault') {
    super(message);
    this.name = 'InjectedFault';
  }
}

export class FaultInjector {
  private armed: Armed[] = [];
  private commitFaults: { applied: boolean }[] = [];

  /**
   * The next commit loses its acknowledgement: it fails with TransactionOutcomeUnknownError after
   * being applied (`applied: true`, the default) or without being applied — the two cases a caller
   * cannot tell apart.
   */
  failCommit(options: { applied?: boolean } = {}): void {
    this.commitFaults.push({ applied: options.applied ?? true });
  }

  /** Called by the adapters at each commit; the armed commit fault, if any (consumed). */
  takeCommitFault(): { applied: boolean; error(): TransactionOutcomeUnknownError } | null {
    const f = this.commitFaults.shift();
    if (!f) return null;
    return {
      applied: f.applied,
      error: () => new TransactionOutcomeUnknownError(new InjectedFault('commit ack lost')),
    };
  }

  /** The `nth` matching write from now (1 = the next one) throws, once. */
  failWrite(options: { nth?: number; collection?: string; op?: WriteOp; error?: () => Error } = {}): void {
    this.armed.push({
      remaining: options.nth ?? 1,
      collection: options.collection,
      op: options.op,
      error: options.error ?? (() => new InjectedFault()),
    });
  }

  clear(): void {
    this.armed = [];
    this.commitFaults = [];
  }

  get pending(): number {
    return this.armed.length + this.commitFaults.length;
  }

  beforeWrite(collection: string, op: WriteOp): void {
    for (const a of this.armed) {
      if ((a.collection && a.collection !== collection) || (a.op && a.op !== op)) continue;
      a.remaining -= 1;
      if (a.remaining === 0) {
        this.armed = this.armed.filter((x) => x !== a);
        throw a.error();
      }
    }
  }
}

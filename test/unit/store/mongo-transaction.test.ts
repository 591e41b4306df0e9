import { describe, expect, it } from 'vitest';
import { TransactionOutcomeUnknownError } from '../../../src/domain/errors.js';
import { TransactionAbortedError } from '../../../src/store/port-rules.js';
import { runTransaction, TRANSACTION_RETRY_DEADLINE_MS, type TxSession } from '../../../src/store/mongo/transaction.js';

/** A stand-in for the driver's ClientSession that records calls and fails on cue. */
class ScriptedSession implements TxSession {
  calls: string[] = [];
  private open = false;
  constructor(private readonly commitErrors: Error[] = []) {}
  startTransaction(): void {
    this.calls.push('start');
    this.open = true;
  }
  async commitTransaction(): Promise<void> {
    this.calls.push('commit');
    const e = this.commitErrors.shift();
    if (e) throw e;
    this.open = false;
  }
  async abortTransaction(): Promise<void> {
    this.calls.push('abort');
    this.open = false;
  }
  inTransaction(): boolean {
    return this.open;
  }
}

const labelled = (label: string): Error =>
  Object.assign(new Error(label), { hasErrorLabel: (l: string) => l === label });

describe(runTransaction.name, () => {
  it('retries the whole callback on TransientTransactionError', async () => {
    const session = new ScriptedSession();
    let runs = 0;
    const waits: number[] = [];
    const result = await runTransaction(
      session,
      async () => {
        runs += 1;
        if (runs < 3) throw labelled('TransientTransactionError');
        return 'ok';
      },
      { timeoutMs: 60_000, backoff: async (attempt) => void waits.push(attempt) },
    );
    expect(result).toBe('ok');
    expect(runs).toBe(3);
    expect(waits).toEqual([1, 2]);
    expect(session.calls).toEqual(['start', 'abort', 'start', 'abort', 'start', 'commit']);
  });

  it('retries only the commit on UnknownTransactionCommitResult', async () => {
    const session = new ScriptedSession([
      labelled('UnknownTransactionCommitResult'),
      labelled('UnknownTransactionCommitResult'),
    ]);
    let runs = 0;
    await runTransaction(session, async () => {
      runs += 1;
    });
    expect(runs).toBe(1);
    expect(session.calls).toEqual(['start', 'commit', 'commit', 'commit']);
  });

  it('reruns the callback when the commit itself fails transiently', async () => {
    const session = new ScriptedSession([labelled('TransientTransactionError')]);
    let runs = 0;
    await runTransaction(session, async () => {
      runs += 1;
    });
    expect(runs).toBe(2);
  });

  it('aborts and propagates any other error without retrying', async () => {
    const session = new ScriptedSession();
    let runs = 0;
    await expect(
      runTransaction(session, async () => {
        runs += 1;
        throw new Error('domain says no');
      }),
    ).rejects.toThrow('domain says no');
    expect(runs).toBe(1);
    expect(session.calls).toEqual(['start', 'abort']);
  });

  it('gives up retrying after the deadline', async () => {
    const session = new ScriptedSession();
    let now = 0;
    await expect(
      runTransaction(
        session,
        async () => {
          now += 40;
          throw labelled('TransientTransactionError');
        },
        { timeoutMs: 100, now: () => now, backoff: async () => undefined },
      ),
    ).rejects.toThrow('TransientTransactionError');
    expect(session.calls.filter((c) => c === 'start')).toHaveLength(3);
  });

  it('refuses to commit a callback that swallowed a failed operation', async () => {
    const session = new ScriptedSession();
    const original = new Error('E11000 duplicate key');
    const error = await runTransaction(session, async (attempt) => {
      attempt.fail(original); // what the adapter records when an operation fails
      return 'looks fine';
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionAbortedError);
    expect((error as Error).cause).toBe(original);
    expect(session.calls).toEqual(['start', 'abort']);
  });

  it('retries the whole callback when its first failed operation was transient, whatever it threw', async () => {
    const session = new ScriptedSession();
    let runs = 0;
    const result = await runTransaction(
      session,
      async (attempt) => {
        runs += 1;
        if (runs === 1) {
          attempt.fail(labelled('TransientTransactionError'));
          throw new Error('the callback turned it into its own error');
        }
        return 'ok';
      },
      { backoff: async () => undefined },
    );
    expect(result).toBe('ok');
    expect(runs).toBe(2);
  });

  it('turns a commit still unacknowledged at the deadline into TransactionOutcomeUnknownError', async () => {
    let clock = 0;
    const session = new ScriptedSession(Array.from({ length: 10 }, () => labelled('UnknownTransactionCommitResult')));
    const error = await runTransaction(session, async () => 'x', { timeoutMs: 120, now: () => (clock += 50) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect((error as Error).message).toMatch(/outcome unknown, safe to retry/);
  });

  it("retries for 120 s by default, as the drivers' withTransaction", async () => {
    expect(TRANSACTION_RETRY_DEADLINE_MS).toBe(120_000);
    let now = 0;
    const session = new ScriptedSession();
    let runs = 0;
    await expect(
      runTransaction(
        session,
        async () => {
          runs += 1;
          now += 30_000;
          throw labelled('TransientTransactionError');
        },
        { now: () => now, backoff: async () => undefined },
      ),
    ).rejects.toThrow('TransientTransactionError');
    expect(runs).toBe(4);
  });
});

import { describe, expect, it } from 'vitest';
import { runTransaction, type TxSession } from '../../../src/store/mongo/transaction.js';

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
});

import type { RawDocument } from '../ports/backup-source.port.js';
import type { BackupProblem } from './backup.types.js';

interface Located {
  file: string;
  line: number;
}

/**
 * The ledger invariants, checked on the documents of a backup as they stream past: every account's
 * balance equals the sum of its entries, no balance is negative, no entry belongs to a missing
 * account, no Stripe event was processed twice. Memory is per account and per event, never per entry.
 */
export class BackupLedgerCheck {
  private readonly accounts = new Map<string, Located & { balance: number }>();
  private readonly sums = new Map<string, Located & { sum: number }>();
  private readonly events = new Map<string, number>();
  readonly problems: BackupProblem[] = [];

  add(collection: string, file: string, line: number, doc: RawDocument): void {
    if (collection === 'accounts') this.account(file, line, doc);
    else if (collection === 'ledgerEntries') this.entry(file, line, doc);
    else if (collection === 'processedEvents') this.event(file, line, doc);
  }

  private account(file: string, line: number, doc: RawDocument): void {
    const id = String(doc._id);
    if (typeof doc.balance !== 'number' || !Number.isInteger(doc.balance)) {
      this.problems.push({ file, line, problem: `account ${id}: balance is not a whole number` });
      return;
    }
    if (doc.balance < 0) this.problems.push({ file, line, problem: `account ${id}: negative balance ${doc.balance}` });
    this.accounts.set(id, { file, line, balance: doc.balance });
  }

  private entry(file: string, line: number, doc: RawDocument): void {
    const accountId = String(doc.accountId);
    if (typeof doc.amount !== 'number' || !Number.isInteger(doc.amount)) {
      this.problems.push({ file, line, problem: `ledger entry ${String(doc._id)}: amount is not a whole number` });
      return;
    }
    const seen = this.sums.get(accountId);
    if (seen) seen.sum += doc.amount;
    else this.sums.set(accountId, { file, line, sum: doc.amount });
  }

  private event(file: string, line: number, doc: RawDocument): void {
    const key = `${String(doc.source)}/${String(doc.eventId)}`;
    const first = this.events.get(key);
    if (first === undefined) this.events.set(key, line);
    else this.problems.push({ file, line, problem: `duplicate processed event ${key} (first at line ${first})` });
  }

  finish(): BackupProblem[] {
    for (const [id, a] of this.accounts) {
      const sum = this.sums.get(id)?.sum ?? 0;
      if (a.balance !== sum)
        this.problems.push({
          file: a.file,
          line: a.line,
          problem: `account ${id}: balance ${a.balance} != sum of its ledger entries ${sum}`,
        });
    }
    for (const [id, s] of this.sums)
      if (!this.accounts.has(id))
        this.problems.push({
          file: s.file,
          line: s.line,
          problem: `ledger entries of account ${id}, which is missing`,
        });
    return this.problems;
  }
}

import type { RawDocument } from '../ports/backup-source.port.js';
import type { BackupProblem } from './backup.types.js';

interface Located {
  file: string;
  line: number;
}

/**
 * All the check reads of one document, as plain strings and numbers (null where the field is not a
 * whole number): what a thread that decoded a line hands over instead of the document.
 */
export type LedgerView =
  | { of: 'account'; id: string; balance: number | null }
  | { of: 'entry'; id: string; accountId: string; amount: number | null }
  | { of: 'event'; key: string };

const whole = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/** What the ledger check reads of a document of `collection`; null when it reads nothing of it. */
export function ledgerView(collection: string, doc: RawDocument): LedgerView | null {
  if (collection === 'accounts') return { of: 'account', id: String(doc._id), balance: whole(doc.balance) };
  if (collection === 'ledgerEntries')
    return { of: 'entry', id: String(doc._id), accountId: String(doc.accountId), amount: whole(doc.amount) };
  if (collection === 'processedEvents') return { of: 'event', key: `${String(doc.source)}/${String(doc.eventId)}` };
  return null;
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
    const view = ledgerView(collection, doc);
    if (view) this.addView(file, line, view);
  }

  /** `add`, from what `ledgerView` read of the document. */
  addView(file: string, line: number, view: LedgerView): void {
    if (view.of === 'account') this.account(file, line, view.id, view.balance);
    else if (view.of === 'entry') this.entry(file, line, view.id, view.accountId, view.amount);
    else this.event(file, line, view.key);
  }

  private account(file: string, line: number, id: string, balance: number | null): void {
    if (balance === null) {
      this.problems.push({ file, line, problem: `account ${id}: balance is not a whole number` });
      return;
    }
    if (balance < 0) this.problems.push({ file, line, problem: `account ${id}: negative balance ${balance}` });
    this.accounts.set(id, { file, line, balance });
  }

  private entry(file: string, line: number, id: string, accountId: string, amount: number | null): void {
    if (amount === null) {
      this.problems.push({ file, line, problem: `ledger entry ${id}: amount is not a whole number` });
      return;
    }
    const seen = this.sums.get(accountId);
    if (seen) seen.sum += amount;
    else this.sums.set(accountId, { file, line, sum: amount });
  }

  private event(file: string, line: number, key: string): void {
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

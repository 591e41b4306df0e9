import type { AccountRepository } from '../accounts/account.repository.js';
import type { LedgerRepository } from './ledger.repository.js';
import type { LedgerDrift, LedgerVerification } from './ledger.types.js';

/**
 * Recomputes every account from its ledger: balance == Σ entries.amount, 0 ≤ reserved ≤ balance,
 * reserved == Σ held reservations. Read-only; reports drift, fixes nothing.
 */
export async function verifyLedger(repos: {
  ledger: LedgerRepository;
  accounts: AccountRepository;
}): Promise<LedgerVerification> {
  const sums = await repos.ledger.sumsByAccount();
  const held = await repos.ledger.heldByAccount();
  const accounts = await repos.accounts.all();
  const drift: LedgerDrift[] = [];
  const seen = new Set<string>();
  for (const a of accounts) {
    seen.add(a._id);
    const ledgerSum = sums.get(a._id) ?? 0;
    const heldReservations = held.get(a._id) ?? 0;
    const problems: string[] = [];
    if (a.balance !== ledgerSum) problems.push(`balance ${a.balance} != ledger sum ${ledgerSum}`);
    if (a.balance < 0) problems.push('negative balance');
    if (a.reserved < 0 || a.reserved > a.balance) problems.push(`reserved ${a.reserved} outside 0..balance`);
    if (a.reserved !== heldReservations)
      problems.push(`reserved ${a.reserved} != held reservations ${heldReservations}`);
    if (problems.length > 0)
      drift.push({
        accountId: a._id,
        email: a.email,
        balance: a.balance,
        ledgerSum,
        reserved: a.reserved,
        heldReservations,
        problems,
      });
  }
  for (const [accountId, ledgerSum] of sums)
    if (!seen.has(accountId))
      drift.push({
        accountId,
        email: '',
        balance: 0,
        ledgerSum,
        reserved: 0,
        heldReservations: 0,
        problems: ['entries for a missing account'],
      });
  return { ok: drift.length === 0, accountsChecked: accounts.length, drift };
}

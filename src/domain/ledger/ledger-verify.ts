import type { AccountRepository } from '../accounts/account.repository.js';
import type { AccountDoc } from '../ports/documents.js';
import type { Store } from '../ports/store.port.js';
import type { LedgerRepository } from './ledger.repository.js';
import type { LedgerDrift, LedgerVerification } from './ledger.types.js';

/**
 * Recomputes every account from its ledger: balance == Σ entries.amount, 0 ≤ reserved ≤ balance,
 * reserved == Σ held reservations. Read-only; reports drift, fixes nothing.
 *
 * The full pass reads the sums and the accounts one after the other while writers keep committing,
 * so an account written between two reads looks drifted for a moment. Every candidate is therefore
 * checked again in a transaction of its own (one snapshot of the account, its entries and its
 * reservations, which every ledger movement writes together) and reported only if the drift is
 * still there. No long transaction or snapshot over the whole database is needed.
 */
export async function verifyLedger(repos: {
  store: Store;
  ledger: LedgerRepository;
  accounts: AccountRepository;
}): Promise<LedgerVerification> {
  const sums = await repos.ledger.sumsByAccount();
  const held = await repos.ledger.heldByAccount();
  const accounts = await repos.accounts.all();
  const candidates: string[] = [];
  const seen = new Set<string>();
  for (const a of accounts) {
    seen.add(a._id);
    if (driftOf(a, sums.get(a._id) ?? 0, held.get(a._id) ?? 0)) candidates.push(a._id);
  }
  for (const accountId of sums.keys()) if (!seen.has(accountId)) candidates.push(accountId);

  const drift: LedgerDrift[] = [];
  for (const accountId of candidates) {
    const confirmed = await repos.store.transaction(async (tx) => {
      const account = await repos.accounts.byId(accountId, tx);
      const totals = await repos.ledger.totalsOf(accountId, tx);
      return account
        ? driftOf(account, totals.ledgerSum, totals.held)
        : totals.hasEntries && missingAccount(accountId, totals.ledgerSum);
    });
    if (confirmed) drift.push(confirmed);
  }
  return { ok: drift.length === 0, accountsChecked: accounts.length, drift };
}

function driftOf(a: AccountDoc, ledgerSum: number, heldReservations: number): LedgerDrift | null {
  const problems: string[] = [];
  if (a.balance !== ledgerSum) problems.push(`balance ${a.balance} != ledger sum ${ledgerSum}`);
  if (a.balance < 0) problems.push('negative balance');
  if (a.reserved < 0 || a.reserved > a.balance) problems.push(`reserved ${a.reserved} outside 0..balance`);
  if (a.reserved !== heldReservations) problems.push(`reserved ${a.reserved} != held reservations ${heldReservations}`);
  if (problems.length === 0) return null;
  return {
    accountId: a._id,
    email: a.email,
    balance: a.balance,
    ledgerSum,
    reserved: a.reserved,
    heldReservations,
    problems,
  };
}

/** Entries whose account does not exist. */
function missingAccount(accountId: string, ledgerSum: number): LedgerDrift {
  return {
    accountId,
    email: '',
    balance: 0,
    ledgerSum,
    reserved: 0,
    heldReservations: 0,
    problems: ['entries for a missing account'],
  };
}

/**
 * What callers do to a ServiceStack, as they do it: a customer buys a pack (GraphQL checkout →
 * pays at the fake Stripe → Stripe's signed webhook), runs an analysis; support reads accounts.
 * And the operator's check over support GraphQL: every balance equals the sum of its ledger.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EJSON } from 'bson';
import type { FakeEvent, FakeSession } from '../fakes/stripe/stripe-fake.server.js';
import type { Caller, ServiceStack } from './service-stack.js';

export const key = (prefix: string): string => `${prefix}-${randomBytes(6).toString('hex')}`;

/** Checkout through GraphQL, then the customer pays at Stripe. The webhook is NOT sent. */
export async function payForPack(stack: ServiceStack, caller: Caller, packageId: string): Promise<FakeSession> {
  const { createCheckoutSession } = await stack.gqlData<{ createCheckoutSession: { id: string; url: string } }>(
    'mutation($p: ID!, $k: String!) { createCheckoutSession(packageId: $p, idempotencyKey: $k) { id url } }',
    { p: packageId, k: key('cart') },
    caller.token,
  );
  return stack.stripe.completeSession(createCheckoutSession.id);
}

/** The event Stripe sends once a session is paid. */
export const completedEvent = (stack: ServiceStack, session: FakeSession): FakeEvent =>
  stack.stripe.event('checkout.session.completed', session);

export const ANALYZE = `mutation($input: AnalyzePropertyInput!, $key: String!) {
  analyzeProperty(input: $input, idempotencyKey: $key) {
    id status creditsCharged result { netOperatingIncome effectiveGrossIncome operatingExpenses }
  }
}`;

/** A small typed operating statement; NOI = rent − 5 % vacancy − expenses. */
export function typedInput(name: string, rent: number, expenses: number): Record<string, unknown> {
  return {
    property: { name, units: 4 },
    period: 'ANNUAL',
    incomeLines: [{ label: 'Gross rents', category: 'RENT', amount: rent }],
    vacancyAndCreditLoss: { ratePercent: 5 },
    expenseLines: [{ label: 'Taxes', category: 'TAXES', amount: expenses }],
  };
}

export interface LedgerCheck {
  accounts: number;
  entries: number;
  /** Σ amounts of PURCHASE entries, over all accounts. */
  purchased: number;
  /** One line per broken invariant; empty when the ledger is consistent. */
  drift: string[];
}

interface EntryNode {
  amount: number;
  kind: string;
}
interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * The ledger invariant checked from outside, through support GraphQL: for every account,
 * balance = Σ entries, balance ≥ 0 and 0 ≤ reserved ≤ balance.
 */
export async function checkLedger(stack: ServiceStack, supportToken: string): Promise<LedgerCheck> {
  const result: LedgerCheck = { accounts: 0, entries: 0, purchased: 0, drift: [] };
  let after: string | null = null;
  do {
    const { accounts }: { accounts: Page<{ id: string; email: string; balance: number; reserved: number }> } =
      await stack.gqlData(
        'query($a: String) { accounts(first: 100, after: $a) { nodes { id email balance reserved } pageInfo { hasNextPage endCursor } } }',
        { a: after },
        supportToken,
      );
    for (const account of accounts.nodes) {
      result.accounts += 1;
      let sum = 0;
      for (const e of await ledgerOf(stack, supportToken, account.id)) {
        result.entries += 1;
        sum += e.amount;
        if (e.kind === 'PURCHASE') result.purchased += e.amount;
      }
      const { balance, reserved } = account;
      if (sum !== balance) result.drift.push(`${account.email}: balance ${balance} but entries sum to ${sum}`);
      if (balance < 0) result.drift.push(`${account.email}: negative balance ${balance}`);
      if (reserved < 0 || reserved > balance)
        result.drift.push(`${account.email}: reserved ${reserved} outside 0…${balance}`);
    }
    after = accounts.pageInfo.hasNextPage ? accounts.pageInfo.endCursor : null;
  } while (after);
  return result;
}

/** Every ledger entry of an account (support's accountLedger, all pages). */
export async function ledgerOf(stack: ServiceStack, supportToken: string, accountId: string): Promise<EntryNode[]> {
  const all: EntryNode[] = [];
  let after: string | null = null;
  do {
    const { accountLedger }: { accountLedger: Page<EntryNode> } = await stack.gqlData(
      'query($id: ID!, $a: String) { accountLedger(accountId: $id, first: 100, after: $a) { nodes { amount kind } pageInfo { hasNextPage endCursor } } }',
      { id: accountId, a: after },
      supportToken,
    );
    all.push(...accountLedger.nodes);
    after = accountLedger.pageInfo.hasNextPage ? accountLedger.pageInfo.endCursor : null;
  } while (after);
  return all;
}

export interface AuditRow {
  action: string;
  actor: { type: string; id: string; name?: string };
  reason?: string;
  amount?: number;
  balanceBefore?: number;
  balanceAfter?: number;
  target?: { id?: string };
  [field: string]: unknown;
}

/**
 * The audit log as an operator reads it without database access: a backup taken through admin
 * GraphQL, then its `auditLog.json` (one canonical Extended JSON document per line) in DATA_DIR.
 */
export async function auditRows(stack: ServiceStack, adminToken: string): Promise<AuditRow[]> {
  const { createBackup } = await stack.gqlData<{ createBackup: { name: string } }>(
    'mutation { createBackup { name } }',
    {},
    adminToken,
  );
  const file = join(stack.dataDir, 'backups', createBackup.name, 'auditLog.json');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => EJSON.parse(line, { relaxed: true }) as AuditRow);
}

import { randomUUID } from 'node:crypto';
import { expect, onTestFinished } from 'vitest';
import { createOpenAIClient, OpenAIStatementExtractor } from '../../../src/ai/openai-statement.extractor.js';
import { AccountService } from '../../../src/domain/accounts/account.service.js';
import { DomainError } from '../../../src/domain/errors.js';
import { LedgerService } from '../../../src/domain/ledger/ledger.service.js';
import { AnalysisService } from '../../../src/domain/noi/analysis.service.js';
import type { Actor } from '../../../src/domain/ports/documents.js';
import { systemClock } from '../../../src/domain/ports/runtime.port.js';
import { MemoryStore } from '../../../src/store/memory/memory.store.js';
import { startOpenAIFake, type OpenAIFake } from '../../fakes/openai/openai.fake.js';

/**
 * Real services on the memory engine, with the real `openai` SDK talking to the local OpenAI fake.
 * Each call builds its own store, account and fake (closed when the test ends).
 */
export interface Harness {
  store: MemoryStore;
  ledger: LedgerService;
  accounts: AccountService;
  analyses: AnalysisService;
  fake: OpenAIFake;
  accountId: string;
  actor: Actor;
  /** balance, reserved and the account's ledger entry kinds, oldest first. */
  money(accountId?: string): Promise<{ balance: number; reserved: number; kinds: string[] }>;
  newAccount(credits: number): Promise<string>;
}

export async function harness(
  options: { credits?: number; openai?: boolean; timeoutMs?: number; maxRetries?: number } = {},
): Promise<Harness> {
  const store = new MemoryStore();
  const ledger = new LedgerService({ store, clock: systemClock });
  const accounts = new AccountService({ store, clock: systemClock });
  const fake = await startOpenAIFake();
  onTestFinished(() => fake.close());
  const client = createOpenAIClient({
    apiKey: 'sk-test-fake',
    baseURL: fake.baseURL,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxRetries: options.maxRetries ?? 0,
  });
  const extractor =
    options.openai === false ? undefined : new OpenAIStatementExtractor({ client, model: 'gpt-test-model' });
  const analyses = new AnalysisService({ store, clock: systemClock, ledger, extractor, costCredits: 1 });
  const actor: Actor = { type: 'user', id: 'test-user' };

  const newAccount = async (credits: number): Promise<string> => {
    const id = randomUUID();
    const account = await accounts.findOrCreateBySubject({ subject: `sub-${id}`, email: `${id}@example.com` });
    if (credits > 0)
      await ledger.grant({
        accountId: account.id,
        amount: credits,
        reason: 'test credits',
        idempotencyKey: `grant-${id}`,
        actor: { type: 'system', id: 'test' },
        source: { type: 'system' },
      });
    return account.id;
  };
  const accountId = await newAccount(options.credits ?? 5);
  const money = async (id = accountId) => {
    const account = await accounts.getById(id);
    const entries = await store.collection('ledgerEntries').find({ accountId: id }, { sort: { createdAt: 1, _id: 1 } });
    return { balance: account.balance, reserved: account.reserved, kinds: entries.map((e) => e.kind) };
  };
  return { store, ledger, accounts, analyses, fake, accountId, actor, money, newAccount };
}

/** The domain error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const outcome = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(outcome, 'expected the call to fail').toBeInstanceOf(DomainError);
  return outcome as DomainError;
}

/** A pasted statement and what a faithful model reads from it (dollars, strict-schema shape). */
export const STATEMENT_TEXT = `MAPLE COURT APARTMENTS (8 units)
Operating statement, year ended December 31, 2024
INCOME
  Rental income ............ $120,000.00
  Laundry ..................   $2,400.00
  Parking ..................   $1,800.00
  Vacancy & credit loss ....  ($6,210.00)
EXPENSES
  Property taxes ...........  $14,400.00
  Insurance ................   $4,800.00
  Water & sewer ............   $6,000.00
  Repairs & maintenance ....   $7,200.00
  Management ...............   $7,000.00
  Landscaping ..............   $1,650.50
  Mortgage interest ........  $31,500.00
`;

export const goodExtraction = () => ({
  property: { name: 'Maple Court Apartments', units: 8, rentableSquareFeet: null },
  period: 'ANNUAL',
  incomeLines: [
    { label: 'Rental income', category: 'RENT', amount: 120_000, monthly: null },
    { label: 'Laundry', category: 'OTHER', amount: 2_400, monthly: null },
    { label: 'Parking', category: 'OTHER', amount: 1_800, monthly: null },
  ],
  vacancyAndCreditLoss: { ratePercent: null, amount: 6_210, monthly: null },
  expenseLines: [
    { label: 'Property taxes', category: 'TAXES', amount: 14_400, monthly: null },
    { label: 'Insurance', category: 'INSURANCE', amount: 4_800, monthly: null },
    { label: 'Water & sewer', category: 'UTILITIES', amount: 6_000, monthly: null },
    { label: 'Repairs & maintenance', category: 'REPAIRS_AND_MAINTENANCE', amount: 7_200, monthly: null },
    { label: 'Management', category: 'MANAGEMENT', amount: 7_000, monthly: null },
    { label: 'Landscaping', category: 'CONTRACT_SERVICES', amount: 1_650.5, monthly: null },
    { label: 'Mortgage interest', category: null, amount: 31_500, monthly: null },
  ],
  annualDebtService: null,
});

/** Typed input for the same property. */
export const typedInput = () => ({
  property: { name: 'Maple Court', units: 8 },
  period: 'ANNUAL' as const,
  incomeLines: [
    { label: 'Rents', category: 'RENT' as const, amount: 120_000 },
    { label: 'Laundry', category: 'OTHER' as const, amount: 4_200 },
  ],
  vacancyAndCreditLoss: { ratePercent: 5 },
  expenseLines: [{ label: 'Taxes', category: 'TAXES' as const, amount: 41_050.5 }],
  capRates: [6.5],
});

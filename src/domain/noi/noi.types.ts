import type { Cents } from './money.js';

/**
 * Input and output of the NOI calculator. The validated input (`NoiInput`) and the result
 * (`NoiResult`) carry money as integer cents; the API speaks dollars with at most two decimals
 * (see noi.validation.ts for the dollar-shaped input and its rules).
 */
export const PERIODS = ['ANNUAL', 'MONTHLY', 'T12'] as const;
export type Period = (typeof PERIODS)[number];

export const INCOME_CATEGORIES = ['RENT', 'OTHER'] as const;
export type IncomeCategory = (typeof INCOME_CATEGORIES)[number];

export const EXPENSE_CATEGORIES = [
  'TAXES',
  'INSURANCE',
  'UTILITIES',
  'REPAIRS_AND_MAINTENANCE',
  'MANAGEMENT',
  'PAYROLL',
  'ADMINISTRATIVE',
  'MARKETING',
  'CONTRACT_SERVICES',
  'RESERVES',
  'OTHER',
] as const;
export type ExpenseCategory = (typeof EXPENSE_CATEGORIES)[number];

/**
 * How a line states its money, by period:
 * - `ANNUAL`: `amount` is the year's figure;
 * - `MONTHLY`: `amount` is one month's figure, annualised ×12;
 * - `T12`: `monthly` holds the trailing twelve months (exactly 12 figures), summed.
 */
export interface PeriodAmount {
  amount: Cents | null;
  monthly: Cents[] | null;
}

export interface IncomeLine extends PeriodAmount {
  label: string;
  category: IncomeCategory;
}

export interface ExpenseLine extends PeriodAmount {
  label: string;
  category: ExpenseCategory;
}

/** Either a rate (percent of gross potential income) or money stated like a line. */
export interface VacancyAndCreditLoss extends PeriodAmount {
  ratePercent: number | null;
}

export interface NoiInput {
  property: { name: string; units: number | null; rentableSquareFeet: number | null };
  period: Period;
  incomeLines: IncomeLine[];
  vacancyAndCreditLoss: VacancyAndCreditLoss | null;
  expenseLines: ExpenseLine[];
  /** Percent, e.g. 6.5 for 6.5 %. */
  capRates: number[];
  /** Always a yearly figure, whatever the period of the lines. */
  annualDebtService: Cents | null;
}

export const NON_OPERATING_REASONS = [
  'DEBT_SERVICE',
  'DEPRECIATION',
  'AMORTISATION',
  'CAPITAL_EXPENDITURE',
  'INCOME_TAX',
] as const;
export type NonOperatingReason = (typeof NON_OPERATING_REASONS)[number];

export const WARNING_CODES = [
  'NON_OPERATING_EXPENSE',
  'DUPLICATE_LABEL',
  'NO_VACANCY_ALLOWANCE',
  'EXPENSE_RATIO_LOW',
  'EXPENSE_RATIO_HIGH',
  'NEGATIVE_NOI',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

export interface NoiWarning {
  code: WarningCode;
  message: string;
  /** The line the warning is about, when it is about one. */
  label: string | null;
}

/** An expense line left out of operating expenses (and so out of NOI), with its annual amount. */
export interface ExcludedLine {
  label: string;
  amount: Cents;
  reason: NonOperatingReason;
}

/** Every money figure is annual, in cents. Percentages and DSCR carry two decimals. */
export interface NoiResult {
  period: Period;
  grossPotentialRent: Cents;
  otherIncome: Cents;
  grossPotentialIncome: Cents;
  vacancyAndCreditLoss: Cents;
  effectiveGrossIncome: Cents;
  operatingExpenses: Cents;
  operatingExpensesByCategory: Array<{ category: ExpenseCategory; amount: Cents }>;
  netOperatingIncome: Cents;
  /** Operating expenses ÷ effective gross income × 100; null when EGI is 0. */
  expenseRatioPercent: number | null;
  noiPerUnit: Cents | null;
  noiPerSquareFoot: Cents | null;
  /** NOI ÷ cap rate, to the cent; value null when NOI is negative (a capitalised loss is no value). */
  valuations: Array<{ capRatePercent: number; value: Cents | null }>;
  annualDebtService: Cents | null;
  /** NOI ÷ annual debt service. */
  debtServiceCoverageRatio: number | null;
  /** (operating expenses + annual debt service) ÷ gross potential income × 100. */
  breakEvenOccupancyPercent: number | null;
  excludedLines: ExcludedLine[];
  warnings: NoiWarning[];
}

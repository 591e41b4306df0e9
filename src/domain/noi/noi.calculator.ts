import { formatCents, percentOf, ratio, roundDiv, type Cents } from './money.js';
import { NON_OPERATING_EXPLANATION, nonOperatingReason } from './non-operating.classifier.js';
import {
  EXPENSE_CATEGORIES,
  type ExcludedLine,
  type ExpenseCategory,
  type NoiInput,
  type NoiResult,
  type NoiWarning,
  type Period,
  type PeriodAmount,
} from './noi.types.js';

/**
 * The NOI calculator: pure, deterministic, integer cents throughout. It trusts its input to have
 * passed `parseNoiInput` (noi.validation.ts) and never throws for such input.
 *
 * Definitions (every money figure annual):
 * - gross potential rent (GPR) = Σ RENT lines; other income = Σ OTHER lines; GPI = GPR + other income
 * - vacancy and credit loss = the amount given, or GPI × rate (rounded to the cent)
 * - effective gross income (EGI) = GPI − vacancy and credit loss
 * - operating expenses = Σ expense lines, except lines that are not operating (non-operating.ts):
 *   those are left out of operating expenses and NOI, listed in `excludedLines` and warned about
 * - NOI = EGI − operating expenses
 * - expense ratio = operating expenses ÷ EGI; NOI per unit / per square foot = NOI ÷ units / sq ft
 * - value at a cap rate = NOI ÷ cap rate
 * - DSCR = NOI ÷ annual debt service
 * - break-even occupancy = (operating expenses + annual debt service) ÷ GPI: the share of the
 *   property's potential income it must collect to pay its operating costs and its debt.
 */
export const EXPENSE_RATIO_LOW_PERCENT = 25;
export const EXPENSE_RATIO_HIGH_PERCENT = 65;

const MONTHS_PER_YEAR = 12;

/** A line's annual figure: the amount (ANNUAL), the amount × 12 (MONTHLY), or Σ monthly (T12). */
export function annualAmount(x: PeriodAmount, period: Period): Cents {
  if (period === 'T12') return (x.monthly ?? []).reduce((s, m) => s + m, 0);
  const amount = x.amount ?? 0;
  return period === 'MONTHLY' ? amount * MONTHS_PER_YEAR : amount;
}

export function calculateNoi(input: NoiInput): NoiResult {
  const { period } = input;
  const annual = (x: PeriodAmount): Cents => annualAmount(x, period);
  const warnings: NoiWarning[] = [];

  const sumIncome = (category: 'RENT' | 'OTHER'): Cents =>
    input.incomeLines.filter((l) => l.category === category).reduce((s, l) => s + annual(l), 0);
  const grossPotentialRent = sumIncome('RENT');
  const otherIncome = sumIncome('OTHER');
  const grossPotentialIncome = grossPotentialRent + otherIncome;

  const vacancy = vacancyAndCreditLoss(input, grossPotentialIncome);
  const effectiveGrossIncome = grossPotentialIncome - vacancy;

  const excludedLines: ExcludedLine[] = [];
  const byCategory = new Map<ExpenseCategory, Cents>();
  for (const line of input.expenseLines) {
    const amount = annual(line);
    const reason = nonOperatingReason(line.label);
    if (reason) {
      excludedLines.push({ label: line.label, amount, reason });
      warnings.push({
        code: 'NON_OPERATING_EXPENSE',
        label: line.label,
        message: `"${line.label}" ${NON_OPERATING_EXPLANATION[reason]}; its ${formatCents(amount)} a year was left out of operating expenses and NOI.`,
      });
      continue;
    }
    byCategory.set(line.category, (byCategory.get(line.category) ?? 0) + amount);
  }
  const operatingExpensesByCategory = EXPENSE_CATEGORIES.filter((c) => byCategory.has(c)).map((category) => ({
    category,
    amount: byCategory.get(category) ?? 0,
  }));
  const operatingExpenses = operatingExpensesByCategory.reduce((s, c) => s + c.amount, 0);
  const netOperatingIncome = effectiveGrossIncome - operatingExpenses;

  warnings.push(...duplicateLabelWarnings('income', input.incomeLines));
  warnings.push(...duplicateLabelWarnings('expense', input.expenseLines));
  if (vacancy === 0)
    warnings.push({
      code: 'NO_VACANCY_ALLOWANCE',
      label: null,
      message: 'No vacancy and credit loss is allowed for: the figures assume every unit is let and every tenant pays.',
    });
  const expenseRatioPercent = effectiveGrossIncome > 0 ? percentOf(operatingExpenses, effectiveGrossIncome) : null;
  if (expenseRatioPercent !== null) warnings.push(...expenseRatioWarnings(operatingExpenses, effectiveGrossIncome));
  if (netOperatingIncome < 0)
    warnings.push({
      code: 'NEGATIVE_NOI',
      label: null,
      message: `Net operating income is negative (${formatCents(netOperatingIncome)}): operating expenses exceed effective gross income.`,
    });

  const debt = input.annualDebtService;
  const { units, rentableSquareFeet } = input.property;
  return {
    period,
    grossPotentialRent,
    otherIncome,
    grossPotentialIncome,
    vacancyAndCreditLoss: vacancy,
    effectiveGrossIncome,
    operatingExpenses,
    operatingExpensesByCategory,
    netOperatingIncome,
    expenseRatioPercent,
    noiPerUnit: units ? Number(roundDiv(BigInt(netOperatingIncome), BigInt(units))) : null,
    noiPerSquareFoot: rentableSquareFeet
      ? Number(roundDiv(BigInt(netOperatingIncome), BigInt(rentableSquareFeet)))
      : null,
    valuations: input.capRates.map((capRatePercent) => ({
      capRatePercent,
      value: netOperatingIncome < 0 ? null : valueAtCapRate(netOperatingIncome, capRatePercent),
    })),
    annualDebtService: debt,
    debtServiceCoverageRatio: debt ? ratio(netOperatingIncome, debt, 2) : null,
    breakEvenOccupancyPercent:
      debt && grossPotentialIncome > 0 ? percentOf(operatingExpenses + debt, grossPotentialIncome) : null,
    excludedLines,
    warnings,
  };
}

function vacancyAndCreditLoss(input: NoiInput, grossPotentialIncome: Cents): Cents {
  const v = input.vacancyAndCreditLoss;
  if (!v) return 0;
  if (v.ratePercent === null) return annualAmount(v, input.period);
  // ratePercent has at most two decimals: rate in basis points is exact.
  const basisPoints = BigInt(Math.round(v.ratePercent * 100));
  return Number(roundDiv(BigInt(grossPotentialIncome) * basisPoints, 10_000n));
}

/** NOI ÷ (percent / 100); cap rates carry at most three decimals, so thousandths of a percent are exact. */
function valueAtCapRate(noi: Cents, capRatePercent: number): Cents {
  const thousandthsOfPercent = BigInt(Math.round(capRatePercent * 1000));
  return Number(roundDiv(BigInt(noi) * 100_000n, thousandthsOfPercent));
}

function expenseRatioWarnings(opex: Cents, egi: Cents): NoiWarning[] {
  // Compared exactly on cents, not on the rounded percentage.
  const pct = `${percentOf(opex, egi)} %`;
  const [opex100, low, high] = [
    BigInt(opex) * 100n,
    BigInt(EXPENSE_RATIO_LOW_PERCENT),
    BigInt(EXPENSE_RATIO_HIGH_PERCENT),
  ];
  if (opex100 < low * BigInt(egi))
    return [
      {
        code: 'EXPENSE_RATIO_LOW',
        label: null,
        message: `The expense ratio (${pct}) is below ${EXPENSE_RATIO_LOW_PERCENT} %: check for missing expenses (taxes, insurance, management, repairs).`,
      },
    ];
  if (opex100 > high * BigInt(egi))
    return [
      {
        code: 'EXPENSE_RATIO_HIGH',
        label: null,
        message: `The expense ratio (${pct}) is above ${EXPENSE_RATIO_HIGH_PERCENT} %: check for one-off or non-operating costs, or missing income.`,
      },
    ];
  return [];
}

function duplicateLabelWarnings(kind: 'income' | 'expense', lines: ReadonlyArray<{ label: string }>): NoiWarning[] {
  const seen = new Map<string, { label: string; count: number }>();
  for (const { label } of lines) {
    const key = label.toLowerCase().replace(/\s+/g, ' ');
    const entry = seen.get(key) ?? { label, count: 0 };
    entry.count += 1;
    seen.set(key, entry);
  }
  return [...seen.values()]
    .filter((e) => e.count > 1)
    .map((e) => ({
      code: 'DUPLICATE_LABEL' as const,
      label: e.label,
      message: `The ${kind} line "${e.label}" appears ${e.count} times; all were counted, so check it is not counted twice.`,
    }));
}

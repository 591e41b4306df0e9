import { Field, Float, ObjectType } from 'type-graphql';
import { centsToDollars } from '../../domain/noi/money.js';
import type { NoiResult } from '../../domain/noi/noi.types.js';
import { ExpenseCategory, NoiWarningCode, NonOperatingReason, Period } from './analysis-enums.graphql.js';

const DOLLARS = 'Dollars.';
// The domain keeps money in integer cents; the API speaks dollars.
const $ = centsToDollars;
const $n = (cents: number | null): number | null => (cents === null ? null : centsToDollars(cents));

@ObjectType('ExpenseCategoryTotal')
export class ExpenseCategoryTotalType {
  @Field(() => ExpenseCategory)
  category!: ExpenseCategory;

  @Field(() => Float, { description: DOLLARS })
  amount!: number;
}

@ObjectType('Valuation')
export class ValuationType {
  @Field(() => Float)
  capRatePercent!: number;

  @Field(() => Float, { nullable: true, description: 'NOI ÷ cap rate, dollars; null when NOI is negative.' })
  value!: number | null;
}

@ObjectType('ExcludedLine', { description: 'An expense line left out of operating expenses and NOI.' })
export class ExcludedLineType {
  @Field(() => String)
  label!: string;

  @Field(() => Float, { description: `Annual. ${DOLLARS}` })
  amount!: number;

  @Field(() => NonOperatingReason)
  reason!: NonOperatingReason;
}

@ObjectType('NoiWarning')
export class NoiWarningType {
  @Field(() => NoiWarningCode)
  code!: NoiWarningCode;

  @Field(() => String)
  message!: string;

  @Field(() => String, { nullable: true, description: 'The line it is about, if any.' })
  label!: string | null;
}

@ObjectType('NoiResult', { description: 'Every money figure is annual, in dollars rounded to the cent.' })
export class NoiResultType {
  @Field(() => Period)
  period!: Period;

  @Field(() => Float)
  grossPotentialRent!: number;

  @Field(() => Float)
  otherIncome!: number;

  @Field(() => Float)
  grossPotentialIncome!: number;

  @Field(() => Float)
  vacancyAndCreditLoss!: number;

  @Field(() => Float)
  effectiveGrossIncome!: number;

  @Field(() => Float)
  operatingExpenses!: number;

  @Field(() => [ExpenseCategoryTotalType])
  operatingExpensesByCategory!: ExpenseCategoryTotalType[];

  @Field(() => Float)
  netOperatingIncome!: number;

  @Field(() => Float, { nullable: true, description: 'Operating expenses ÷ EGI, percent.' })
  expenseRatioPercent!: number | null;

  @Field(() => Float, { nullable: true })
  noiPerUnit!: number | null;

  @Field(() => Float, { nullable: true })
  noiPerSquareFoot!: number | null;

  @Field(() => [ValuationType])
  valuations!: ValuationType[];

  @Field(() => Float, { nullable: true })
  annualDebtService!: number | null;

  @Field(() => Float, { nullable: true, description: 'NOI ÷ annual debt service.' })
  debtServiceCoverageRatio!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: '(Operating expenses + annual debt service) ÷ gross potential income, percent.',
  })
  breakEvenOccupancyPercent!: number | null;

  @Field(() => [ExcludedLineType])
  excludedLines!: ExcludedLineType[];

  @Field(() => [NoiWarningType])
  warnings!: NoiWarningType[];
}

export function resultOf(r: NoiResult): NoiResultType {
  return {
    ...r,
    period: r.period as Period,
    grossPotentialRent: $(r.grossPotentialRent),
    otherIncome: $(r.otherIncome),
    grossPotentialIncome: $(r.grossPotentialIncome),
    vacancyAndCreditLoss: $(r.vacancyAndCreditLoss),
    effectiveGrossIncome: $(r.effectiveGrossIncome),
    operatingExpenses: $(r.operatingExpenses),
    operatingExpensesByCategory: r.operatingExpensesByCategory.map((c) => ({
      category: c.category as ExpenseCategory,
      amount: $(c.amount),
    })),
    netOperatingIncome: $(r.netOperatingIncome),
    noiPerUnit: $n(r.noiPerUnit),
    noiPerSquareFoot: $n(r.noiPerSquareFoot),
    valuations: r.valuations.map((v) => ({ capRatePercent: v.capRatePercent, value: $n(v.value) })),
    annualDebtService: $n(r.annualDebtService),
    excludedLines: r.excludedLines.map((l) => ({ ...l, amount: $(l.amount), reason: l.reason as NonOperatingReason })),
    warnings: r.warnings.map((w) => ({ ...w, code: w.code as NoiWarningCode })),
  };
}

import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import type { Analysis } from '../../domain/noi/analysis.types.js';
import type { NoiInput, NoiResult, PeriodAmount } from '../../domain/noi/noi.types.js';
import { ConnectionOf } from './connection.type.js';
import {
  AnalysisSource,
  AnalysisStatus,
  ExpenseCategory,
  IncomeCategory,
  NoiWarningCode,
  NonOperatingReason,
  Period,
} from './analysis-enums.type.js';

const DOLLARS = 'Dollars.';

@ObjectType('Property')
export class PropertyType {
  @Field(() => String)
  name!: string;

  @Field(() => Int, { nullable: true })
  units!: number | null;

  @Field(() => Int, { nullable: true })
  rentableSquareFeet!: number | null;
}

@ObjectType('IncomeLine')
export class IncomeLineType {
  @Field(() => String)
  label!: string;

  @Field(() => IncomeCategory)
  category!: IncomeCategory;

  @Field(() => Float, { nullable: true, description: `As given (ANNUAL / MONTHLY). ${DOLLARS}` })
  amount!: number | null;

  @Field(() => [Float], { nullable: true, description: `As given (T12). ${DOLLARS}` })
  monthly!: number[] | null;
}

@ObjectType('ExpenseLine')
export class ExpenseLineType {
  @Field(() => String)
  label!: string;

  @Field(() => ExpenseCategory)
  category!: ExpenseCategory;

  @Field(() => Float, { nullable: true, description: `As given (ANNUAL / MONTHLY). ${DOLLARS}` })
  amount!: number | null;

  @Field(() => [Float], { nullable: true, description: `As given (T12). ${DOLLARS}` })
  monthly!: number[] | null;
}

@ObjectType('VacancyAndCreditLoss')
export class VacancyAndCreditLossType {
  @Field(() => Float, { nullable: true })
  ratePercent!: number | null;

  @Field(() => Float, { nullable: true, description: DOLLARS })
  amount!: number | null;

  @Field(() => [Float], { nullable: true, description: DOLLARS })
  monthly!: number[] | null;
}

@ObjectType('AnalysisStatement', {
  description: 'The figures an analysis was computed from (for a pasted statement: what the model read).',
})
export class AnalysisStatementType {
  @Field(() => PropertyType)
  property!: PropertyType;

  @Field(() => Period)
  period!: Period;

  @Field(() => [IncomeLineType])
  incomeLines!: IncomeLineType[];

  @Field(() => VacancyAndCreditLossType, { nullable: true })
  vacancyAndCreditLoss!: VacancyAndCreditLossType | null;

  @Field(() => [ExpenseLineType])
  expenseLines!: ExpenseLineType[];

  @Field(() => [Float], { description: 'Percent.' })
  capRates!: number[];

  @Field(() => Float, { nullable: true, description: DOLLARS })
  annualDebtService!: number | null;
}

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

@ObjectType('Analysis', { description: 'A paid NOI analysis of one property.' })
export class AnalysisType {
  @Field(() => ID)
  id!: string;

  @Field(() => AnalysisStatus)
  status!: AnalysisStatus;

  @Field(() => AnalysisSource)
  source!: AnalysisSource;

  @Field(() => AnalysisStatementType, { nullable: true })
  statement!: AnalysisStatementType | null;

  @Field(() => NoiResultType, { nullable: true })
  result!: NoiResultType | null;

  @Field(() => String, { nullable: true })
  narrative!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it failed; nothing is charged for a failed analysis.' })
  error!: string | null;

  @Field(() => Int)
  creditsCharged!: number;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;
}

@ObjectType('AnalysisConnection')
export class AnalysisConnection extends ConnectionOf(AnalysisType, 'Analysis') {}

// The domain keeps money in integer cents; the API speaks dollars.
const $ = (cents: number): number => cents / 100;
const $n = (cents: number | null): number | null => (cents === null ? null : cents / 100);
const money = (x: PeriodAmount) => ({ amount: $n(x.amount), monthly: x.monthly?.map($) ?? null });

function statementOf(i: NoiInput): AnalysisStatementType {
  const v = i.vacancyAndCreditLoss;
  return {
    property: i.property,
    period: i.period as Period,
    incomeLines: i.incomeLines.map((l) => ({ ...l, ...money(l) }) as IncomeLineType),
    vacancyAndCreditLoss: v ? { ratePercent: v.ratePercent, ...money(v) } : null,
    expenseLines: i.expenseLines.map((l) => ({ ...l, ...money(l) }) as ExpenseLineType),
    capRates: i.capRates,
    annualDebtService: $n(i.annualDebtService),
  };
}

function resultOf(r: NoiResult): NoiResultType {
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

export function toAnalysisType(a: Analysis): AnalysisType {
  return {
    id: a.id,
    status: a.status as AnalysisStatus,
    source: a.source as AnalysisSource,
    statement: a.input ? statementOf(a.input) : null,
    result: a.result ? resultOf(a.result) : null,
    narrative: a.narrative,
    error: a.error,
    creditsCharged: a.creditsCharged,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

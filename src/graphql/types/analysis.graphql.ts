import { Field, Float, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import type { Analysis } from '../../domain/noi/analysis.types.js';
import { centsToDollars } from '../../domain/noi/money.js';
import type { NoiInput, PeriodAmount } from '../../domain/noi/noi.types.js';
import { ConnectionOf } from './connection.graphql.js';
import { NoiResultType, resultOf } from './analysis-result.graphql.js';
import { AnalysisSource, AnalysisStatus, ExpenseCategory, IncomeCategory, Period } from './analysis-enums.graphql.js';

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
const $ = centsToDollars;
const $n = (cents: number | null): number | null => (cents === null ? null : centsToDollars(cents));
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

import { Field, Float, InputType, Int } from 'type-graphql';
import { ExpenseCategory, IncomeCategory, Period } from './analysis-enums.graphql.js';

const DOLLARS = 'Dollars, at most two decimals, not negative.';
const MONTHLY = 'With period T12 only: the twelve monthly amounts (dollars), oldest first.';

@InputType('PropertyInput')
export class PropertyInput {
  @Field(() => String, {
    nullable: true,
    description: 'Required with typed figures; with statementText it replaces the name the model read.',
  })
  name?: string | null;

  @Field(() => Int, { nullable: true })
  units?: number | null;

  @Field(() => Int, { nullable: true })
  rentableSquareFeet?: number | null;
}

@InputType('IncomeLineInput')
export class IncomeLineInput {
  @Field(() => String)
  label!: string;

  @Field(() => IncomeCategory)
  category!: IncomeCategory;

  @Field(() => Float, { nullable: true, description: `With period ANNUAL or MONTHLY. ${DOLLARS}` })
  amount?: number | null;

  @Field(() => [Float], { nullable: true, description: MONTHLY })
  monthly?: number[] | null;
}

@InputType('ExpenseLineInput')
export class ExpenseLineInput {
  @Field(() => String)
  label!: string;

  @Field(() => ExpenseCategory, { nullable: true, description: 'Default OTHER.' })
  category?: ExpenseCategory | null;

  @Field(() => Float, { nullable: true, description: `With period ANNUAL or MONTHLY. ${DOLLARS}` })
  amount?: number | null;

  @Field(() => [Float], { nullable: true, description: MONTHLY })
  monthly?: number[] | null;
}

@InputType('VacancyAndCreditLossInput', { description: 'Exactly one of ratePercent, amount, monthly.' })
export class VacancyAndCreditLossInput {
  @Field(() => Float, { nullable: true, description: 'Percent of gross potential income, e.g. 5.' })
  ratePercent?: number | null;

  @Field(() => Float, { nullable: true, description: DOLLARS })
  amount?: number | null;

  @Field(() => [Float], { nullable: true, description: MONTHLY })
  monthly?: number[] | null;
}

@InputType('AnalyzePropertyInput', {
  description: 'Either the figures (property, period, incomeLines …) or a pasted statementText.',
})
export class AnalyzePropertyInput {
  @Field(() => PropertyInput, { nullable: true })
  property?: PropertyInput | null;

  @Field(() => Period, { nullable: true })
  period?: Period | null;

  @Field(() => [IncomeLineInput], { nullable: true, description: 'At least one; at most 500 lines in all.' })
  incomeLines?: IncomeLineInput[] | null;

  @Field(() => VacancyAndCreditLossInput, { nullable: true })
  vacancyAndCreditLoss?: VacancyAndCreditLossInput | null;

  @Field(() => [ExpenseLineInput], { nullable: true })
  expenseLines?: ExpenseLineInput[] | null;

  @Field(() => [Float], { nullable: true, description: 'Percent, greater than 0 and at most 100; up to 10.' })
  capRates?: number[] | null;

  @Field(() => Float, { nullable: true, description: `The year's debt service (always annual). ${DOLLARS}` })
  annualDebtService?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'A pasted operating statement (≤ 20,000 characters) for the model to read, instead of the lines.',
  })
  statementText?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Also write a short plain-language summary.' })
  narrative?: boolean | null;
}

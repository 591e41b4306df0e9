import { z } from 'zod';
import { parseInput } from '../validation.js';
import { annualAmount } from './noi.calculator.js';
import { dollarsToCents, formatCents, hasAtMostDecimals, toScaledInt } from './money.js';
import { EXPENSE_CATEGORIES, INCOME_CATEGORIES, PERIODS, type NoiInput, type Period } from './noi.types.js';

/**
 * The one validation every NOI input passes before it reaches the calculator: typed input from the
 * API and the model's extraction alike. Money arrives as dollars with at most two decimals and
 * leaves as integer cents. A failure is BAD_USER_INPUT naming the field (e.g. `expenseLines.3.amount`).
 */
export const MAX_LINES = 500;
export const MAX_LABEL_LENGTH = 120;
export const MAX_PROPERTY_NAME_LENGTH = 200;
export const MAX_LINE_DOLLARS = 1_000_000_000;
export const MAX_CAP_RATES = 10;

const orNull = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? null);

const number = () =>
  z.number({ error: 'must be a number' }).refine((n) => Number.isFinite(n), 'must be a finite number');

const dollars = number()
  .refine((n) => n >= 0, 'must not be negative')
  .refine((n) => n <= MAX_LINE_DOLLARS, `must be at most ${MAX_LINE_DOLLARS.toLocaleString('en-US')} dollars`)
  .refine((n) => hasAtMostDecimals(n, 2), 'must be dollars with at most two decimals')
  .transform(dollarsToCents);

const positiveDollars = dollars.refine((c) => c > 0, 'must be greater than 0 (leave it out when there is none)');

const percent = (decimals: number) =>
  number()
    .refine((n) => n <= 100, 'must be at most 100 (percent)')
    .refine((n) => hasAtMostDecimals(n, decimals), `must have at most ${decimals} decimals`)
    .transform((n) => toScaledInt(n, decimals) / 10 ** decimals);

const label = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_LABEL_LENGTH, `must be at most ${MAX_LABEL_LENGTH} characters`);

const periodAmount = {
  amount: orNull(dollars),
  monthly: orNull(z.array(dollars).length(12, 'must hold exactly 12 monthly amounts')),
};

const incomeLine = z.object({
  label,
  category: z.enum(INCOME_CATEGORIES, { error: `must be one of ${INCOME_CATEGORIES.join(', ')}` }),
  ...periodAmount,
});

const expenseLine = z.object({
  label,
  category: z
    .enum(EXPENSE_CATEGORIES, { error: `must be one of ${EXPENSE_CATEGORIES.join(', ')}` })
    .nullish()
    .transform((c) => c ?? 'OTHER'),
  ...periodAmount,
});

const vacancy = z.object({
  ratePercent: orNull(percent(2).refine((n) => n >= 0, 'must not be negative')),
  ...periodAmount,
});

const lines = <T extends z.ZodType>(line: T) => z.array(line).max(MAX_LINES, `too many lines: at most ${MAX_LINES}`);

const propertyName = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_PROPERTY_NAME_LENGTH, `must be at most ${MAX_PROPERTY_NAME_LENGTH} characters`);
const units = orNull(z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000));
const squareFeet = orNull(z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000_000));

/** The fields a caller may give alongside a pasted statement (they override what the model read). */
export const statementSupplementShape = {
  property: z.object({ name: orNull(propertyName), units, rentableSquareFeet: squareFeet }).nullish(),
  capRates: z
    .array(percent(3).refine((n) => n > 0, 'must be greater than 0'))
    .max(MAX_CAP_RATES, `at most ${MAX_CAP_RATES} cap rates`)
    .nullish()
    .transform((c) => c ?? []),
  annualDebtService: orNull(positiveDollars),
};

export const noiInputSchema = z
  .object({
    property: z.object({ name: propertyName, units, rentableSquareFeet: squareFeet }),
    period: z.enum(PERIODS, { error: `must be one of ${PERIODS.join(', ')}` }),
    incomeLines: lines(incomeLine).min(1, 'at least one income line is required'),
    vacancyAndCreditLoss: orNull(vacancy),
    expenseLines: lines(expenseLine)
      .nullish()
      .transform((l) => l ?? []),
    capRates: statementSupplementShape.capRates,
    annualDebtService: statementSupplementShape.annualDebtService,
  })
  .superRefine((input, ctx) => {
    const total = input.incomeLines.length + input.expenseLines.length;
    if (total > MAX_LINES) {
      ctx.addIssue({
        code: 'custom',
        path: ['expenseLines'],
        message: `too many lines: ${total}; at most ${MAX_LINES}`,
      });
      return;
    }
    const check = (path: Array<string | number>, x: { amount: number | null; monthly: number[] | null }) => {
      for (const issue of periodShapeIssues(input.period, x)) ctx.addIssue({ ...issue, path: [...path, issue.field] });
    };
    input.incomeLines.forEach((l, i) => check(['incomeLines', i], l));
    input.expenseLines.forEach((l, i) => check(['expenseLines', i], l));
    const v = input.vacancyAndCreditLoss;
    if (v) {
      const given = [v.ratePercent, v.amount, v.monthly].filter((x) => x !== null).length;
      if (given !== 1)
        ctx.addIssue({
          code: 'custom',
          path: ['vacancyAndCreditLoss'],
          message: 'give exactly one of ratePercent, amount or monthly',
        });
      else if (v.ratePercent === null) check(['vacancyAndCreditLoss'], v);
    }
  })
  .superRefine((input, ctx) => {
    // Runs only once every line has the shape its period asks for.
    const gpi = input.incomeLines.reduce((s, l) => s + annualAmount(l, input.period), 0);
    if (gpi <= 0) {
      ctx.addIssue({ code: 'custom', path: ['incomeLines'], message: 'total income must be greater than 0' });
      return;
    }
    const v = input.vacancyAndCreditLoss;
    if (v && v.ratePercent === null && annualAmount(v, input.period) > gpi)
      ctx.addIssue({
        code: 'custom',
        path: ['vacancyAndCreditLoss'],
        message: `must not exceed gross potential income (${formatCents(gpi)} a year)`,
      });
  });

export type NoiInputDraft = z.input<typeof noiInputSchema>;

function periodShapeIssues(
  period: Period,
  x: { amount: number | null; monthly: number[] | null },
): Array<{ code: 'custom'; field: string; message: string }> {
  const issue = (field: string, message: string) => ({ code: 'custom' as const, field, message });
  if (period === 'T12') {
    if (x.amount !== null) return [issue('amount', 'not used when period is T12: give monthly (12 amounts) instead')];
    if (x.monthly === null) return [issue('monthly', 'is required when period is T12 (12 monthly amounts)')];
    return [];
  }
  if (x.monthly !== null) return [issue('monthly', `only used when period is T12; give amount for ${period}`)];
  if (x.amount === null) return [issue('amount', 'is required')];
  return [];
}

/** Validates a candidate input (typed, or extracted by the model) into the calculator's input. */
export function parseNoiInput(raw: unknown): NoiInput {
  return parseInput(noiInputSchema, raw);
}

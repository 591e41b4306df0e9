import { createHash } from 'node:crypto';
import { z } from 'zod';
import { badInput } from '../errors.js';
import { parseInput } from '../validation.js';
import type { NoiInput } from './noi.types.js';
import { parseNoiInput, statementSupplementShape, type NoiInputDraft } from './noi.validation.js';

export const MAX_STATEMENT_CHARS = 20_000;

/**
 * What a caller asks for: either the figures themselves (the `NoiInputDraft` fields), or a pasted
 * `statementText` that the model reads — then `property`, `capRates` and `annualDebtService` may
 * still be given and win over what the model read (a statement rarely states a cap rate).
 */
export interface AnalyzePropertyInput {
  /** `name` is required with typed figures; with `statementText` every given field wins. */
  property?: { name?: string | null; units?: number | null; rentableSquareFeet?: number | null } | null;
  period?: NoiInputDraft['period'] | null;
  incomeLines?: NoiInputDraft['incomeLines'] | null;
  vacancyAndCreditLoss?: NoiInputDraft['vacancyAndCreditLoss'];
  expenseLines?: NoiInputDraft['expenseLines'];
  capRates?: NoiInputDraft['capRates'];
  annualDebtService?: NoiInputDraft['annualDebtService'];
  statementText?: string | null;
  /** Ask the model for a short plain-language summary of the computed figures. */
  narrative?: boolean | null;
}

export type StatementSupplement = z.input<typeof supplementSchema>;

/** The validated request; also what is stored and fingerprinted for idempotency. */
export type AnalysisPlan =
  | { source: 'INPUT'; narrative: boolean; input: NoiInput }
  | { source: 'STATEMENT'; narrative: boolean; statementText: string; supplement: StatementSupplement };

const supplementSchema = z.object(statementSupplementShape);

const statementText = z
  .string({ error: 'must be text' })
  .max(MAX_STATEMENT_CHARS, `must be at most ${MAX_STATEMENT_CHARS.toLocaleString('en-US')} characters`)
  .trim()
  .min(1, 'must not be empty');

const LINE_FIELDS = ['period', 'incomeLines', 'vacancyAndCreditLoss', 'expenseLines'] as const;

/** Validates a request before anything is reserved or sent anywhere. */
export function planAnalysis(raw: AnalyzePropertyInput | null | undefined): AnalysisPlan {
  if (typeof raw !== 'object' || raw === null) throw badInput('input: is required', { field: 'input' });
  const { statementText: text, narrative, ...rest } = raw;
  const wantsNarrative = parseInput(z.boolean({ error: 'narrative: must be true or false' }).nullish(), narrative);
  if (text === undefined || text === null)
    return { source: 'INPUT', narrative: wantsNarrative ?? false, input: parseNoiInput(rest) };

  const given = LINE_FIELDS.find((f) => rest[f] !== undefined && rest[f] !== null);
  if (given)
    throw badInput(`${given}: leave it out when statementText is given (the lines are read from the statement)`, {
      field: given,
    });
  const supplement = { property: rest.property, capRates: rest.capRates, annualDebtService: rest.annualDebtService };
  parseInput(supplementSchema, supplement);
  return {
    source: 'STATEMENT',
    narrative: wantsNarrative ?? false,
    statementText: parseInput(z.object({ statementText }), { statementText: text }).statementText,
    supplement: JSON.parse(JSON.stringify(supplement)) as StatementSupplement,
  };
}

/** What the caller gave wins over what the model read; the result is still only a candidate. */
export function withSupplement(candidate: unknown, supplement: StatementSupplement): unknown {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) return candidate;
  const c = candidate as Record<string, unknown>;
  const given = <T>(x: T | null | undefined): x is T => x !== undefined && x !== null;
  const property = typeof c.property === 'object' && c.property !== null ? { ...c.property } : {};
  for (const [k, v] of Object.entries(supplement.property ?? {})) if (given(v)) Object.assign(property, { [k]: v });
  return {
    ...c,
    property,
    capRates: supplement.capRates ?? null,
    annualDebtService: given(supplement.annualDebtService) ? supplement.annualDebtService : c.annualDebtService,
  };
}

export const fingerprintOf = (plan: AnalysisPlan): string =>
  createHash('sha256').update(JSON.stringify(plan)).digest('hex');
